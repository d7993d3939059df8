"""Running wrk with one of the benchmark's Lua scripts, whose done() prints one JSON line."""

import json
import signal
import subprocess
import sys


def report(command: list[str], prefix: str, *, timeout: float, what: str = "") -> dict:
    """Run `command` (wrk with `-s script.lua`) and return the JSON its script printed after
    `prefix`. Debian's wrk 4.1 now and then dies of a segmentation fault with a Lua script
    (about one short run in fifteen here, never twice in a row): such a run is started
    again, twice at most."""
    for _attempt in range(3):
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        for line in finished.stdout.splitlines():
            if line.startswith(prefix):
                return json.loads(line.removeprefix(prefix))
        if finished.returncode != -signal.SIGSEGV:
            break
        print("(wrk crashed with a segmentation fault; running it again)", file=sys.stderr)
    raise RuntimeError(
        f"wrk printed no report{what} (exit status {finished.returncode}):\n"
        f"{finished.stdout}\n{finished.stderr}"
    )
