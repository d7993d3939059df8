"""Audit the installed Python packages for known vulnerabilities with pip-audit.

Run by `make test` (and so by CI). Outcomes, each on one line starting "dependency audit:":
- PASSED: every installed package was looked up; none has a known vulnerability.
- FAILED: a package has a known vulnerability (not in IGNORED), or a lookup failed: exit 1.
- NOT RUN: the vulnerability service (PyPI's per-release JSON API) cannot be reached from
  this machine. Exit 1 when FCS_REQUIRE_AUDIT=1 (set it wherever the service is reachable);
  otherwise exit 0 with a banner on stderr, so an offline machine is told, never fooled.
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

# Known vulnerabilities accepted for a reason, as {"GHSA-... or PYSEC-...": "why"}.
IGNORED: dict[str, str] = {}

PROBE_URL = "https://pypi.org/pypi/pip/{version}/json"
REPORT = Path(__file__).resolve().parent.parent / "var" / "ci" / "pip-audit.json"


def service_reachable(timeout: float = 15) -> tuple[bool, str]:
    url = PROBE_URL.format(version=version("pip"))
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            json.load(response)
        return True, url
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
        return False, f"{url}: {error}"


def command() -> list[str]:
    args = [sys.executable, "-m", "pip_audit", "--strict", "--skip-editable"]
    args += ["--progress-spinner", "off", "--format", "json", "--timeout", "30"]
    for vulnerability_id in IGNORED:
        args += ["--ignore-vuln", vulnerability_id]
    return args


def verdict(returncode: int, report: dict | None) -> tuple[int, str]:
    if report is None:
        return 1, "FAILED: pip-audit produced no report (a lookup failed, see above)"
    dependencies = report.get("dependencies", [])
    found = [
        f"{dep['name']} {dep['version']}: {vuln['id']}"
        for dep in dependencies
        for vuln in dep.get("vulns", [])
        if vuln["id"] not in IGNORED
    ]
    if found:
        return 1, "FAILED: known vulnerabilities: " + "; ".join(found)
    if returncode != 0:
        return 1, f"FAILED: pip-audit exited with {returncode}"
    return 0, f"PASSED ({len(dependencies)} packages, no known vulnerability)"


def main() -> int:
    reachable, detail = service_reachable()
    if not reachable:
        required = os.environ.get("FCS_REQUIRE_AUDIT") == "1"
        line = f"dependency audit: NOT RUN: the vulnerability service is unreachable ({detail})"
        banner = "!" * 78
        print(f"{banner}\n{line}\n{banner}", file=sys.stderr)
        print(line)
        return 1 if required else 0
    result = subprocess.run(command(), capture_output=True, text=True, check=False)
    sys.stderr.write(result.stderr)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    if report is not None:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(json.dumps(report, indent=2))
    status, line = verdict(result.returncode, report)
    print(f"dependency audit: {line}")
    return status


if __name__ == "__main__":
    sys.exit(main())
