"""Serve the filled database with gunicorn as in production and measure it with wrk.

Every page of `pages.PAGES` that exists is measured twice, bypassing the page cache
(uncached) and through it (cached, as an anonymous visitor), each time right after the
two limits: a bare Django view and a static file served by WhiteNoise, both of the
pages' median size, under the same gunicorn. The report quotes each page's throughput
as a ratio to the limits, because this machine is shared and noisy, and judges issue 20's
targets. Then, on the same server, the "reads with edits" scenario (`edits`): cached reads
of about a thousand pages while an article is edited every second.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from fcs_site.caching import forget_everything
from fcs_site.caching.middleware import STATUS_HEADER

from . import wrk
from .database import database_url
from .edits import run_reads_with_edits
from .pages import context_for, find_pages, other_language, other_language_pages
from .views import fixed_page

LUA_REPORT = Path(__file__).with_name("wrk_report.lua")
BYPASS = {"X-Bench-Page-Cache": "bypass"}
# The targets of issue 20 (and `pages.PAGES` for the search page's own).
ISSUE = "issue 20"
MAX_QUERIES = 6
UNCACHED_VS_BARE = 0.20
CACHED_VS_STATIC = 1.0


class NothingToMeasure(Exception):
    """None of the pages named exists in the filled database."""


@dataclass
class Options:
    language: str = "ru"
    duration: float = 2.0
    rounds: int = 3
    warmup: float = 1.0
    connections: int = 4
    threads: int = 1
    workers: int = 2
    cache_url: str = ""
    # Names of `pages.PAGES` to measure (empty: all of them).
    pages: tuple[str, ...] = ()
    # The "reads with edits" scenario after the pages (`edits`), or only it.
    edits: bool = True
    edits_only: bool = False
    edits_duration: float = 25.0
    edits_connections: int = 4
    edit_interval: float = 1.0
    output_dir: Path = field(default_factory=lambda: settings.BASE_DIR / "var" / "bench")


@dataclass
class Measure:
    name: str
    variant: str  # uncached, cached, limit
    path: str
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    response_bytes: int = 0
    queries_cold: int | None = None
    queries_warm: int | None = None
    worker_peak_rss_mb: float = 0.0
    cache_status: str = ""
    vs_bare: float | None = None
    vs_static: float | None = None
    worker_cpu_ms: float = 0.0
    cpu_vs_bare: float | None = None
    rounds: list[dict] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def peak_rss_mb(pids: list[int]) -> float:
    """The largest VmHWM (peak resident memory) among `pids`, in MiB."""
    peak = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def run_wrk(url: str, *, seconds: float, options: Options, headers: dict) -> dict:
    command = [
        shutil.which("wrk") or "wrk",
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_REPORT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return wrk.report([*command, url], "WRK_JSON ", timeout=seconds + 60, what=f" for {url}")


class Server:
    """gunicorn serving the site with DEBUG off, on a free port of 127.0.0.1."""

    def __init__(self, *, env: dict, workers: int, log: Path):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "fcs_site.wsgi:application",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url(path), timeout=5) as answer:
                    if answer.status == 200 and len(self.workers()) >= 1:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer in {timeout} s:\n{self.log.read_text()}")

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, dict(answer.headers.items()), answer.read()


def count_queries(path: str, static_root: Path) -> tuple[int, int, int]:
    """Queries of the first request after a content change and of the next; body bytes."""
    client = Client(SERVER_NAME="127.0.0.1", HTTP_X_BENCH_PAGE_CACHE="bypass")
    with override_settings(
        FCS_BENCH_ENDPOINTS=True, ALLOWED_HOSTS=["127.0.0.1"], STATIC_ROOT=static_root
    ):
        forget_everything()
        with CaptureQueriesContext(connection) as cold:
            first = client.get(path)
        with CaptureQueriesContext(connection) as warm:
            second = client.get(path)
    if first.status_code != 200 or second.status_code != 200:
        raise RuntimeError(f"{path} answered {first.status_code} in process")
    return len(cold), len(warm), len(second.content)


def forget_keys(env: dict) -> None:
    """Remove this run's keys from a shared Redis (pages expire; the version would not)."""
    url = env.get("CACHE_URL", "")
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        for key in client.scan_iter(match=f"{env['DJANGO_CACHE_PREFIX']}:*", count=1000):
            client.delete(key)
    except redis.RedisError:
        pass


def server_env(options: Options, static_root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_SECURE_COOKIES="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        FCS_BENCH_ENDPOINTS="1",
        # A key space of this run's own in a shared cache.
        DJANGO_CACHE_PREFIX=f"fcs-bench-{os.getpid()}-{secrets.token_hex(4)}",
        DATABASE_URL=database_url(),
    )
    if options.cache_url:
        env["CACHE_URL"] = options.cache_url
    return env


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time used so far by `pids`."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def sample(server, path: str, options: Options, headers: dict, *, seconds: float) -> dict:
    workers = server.workers()
    cpu_before = cpu_seconds(workers)
    report = run_wrk(server.url(path), seconds=seconds, options=options, headers=headers)
    cpu_used = cpu_seconds(workers) - cpu_before
    return {
        # CPU the workers spent per request: unlike throughput, it hardly depends on what
        # else the machine is doing (the database's own CPU is not in it).
        "worker_cpu_ms": cpu_used * 1000 / max(1, report["requests"]),
        "requests_per_second": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["p50_us"] / 1000,
        "p95_ms": report["p95_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "errors": sum(
            report[key]
            for key in ("connect_errors", "read_errors", "write_errors", "status_errors")
        )
        + report["timeouts"],
    }


def summarise(result: Measure) -> None:
    """Medians over the samples; each ratio against the limits measured just before it."""
    rounds = result.rounds
    for key in ("requests_per_second", "p50_ms", "p95_ms", "p99_ms", "worker_cpu_ms"):
        setattr(result, key, statistics.median(r[key] for r in rounds))
    result.errors += sum(r["errors"] for r in rounds)
    result.vs_bare = statistics.median(r["vs_bare"] for r in rounds)
    result.vs_static = statistics.median(r["vs_static"] for r in rounds)
    result.cpu_vs_bare = statistics.median(r["cpu_vs_bare"] for r in rounds)


def evaluate(results: list[Measure], found: list[tuple]) -> list[dict]:
    """Each target of issue 20 that this run can judge, and whether it holds."""
    by_key = {(m.name, m.variant): m for m in results}
    targets = []

    def target(text: str, value: str, holds: bool) -> None:
        targets.append({"issue": ISSUE, "target": text, "value": value, "holds": holds})

    for page, _path in found:
        uncached, cached = by_key[(page.name, "uncached")], by_key[(page.name, "cached")]
        queries = max(uncached.queries_cold or 0, uncached.queries_warm or 0)
        target(
            f"{page.name}: SQL queries per request ≤ {MAX_QUERIES} (uncached)",
            f"{uncached.queries_cold} first after a change, {uncached.queries_warm} next",
            queries <= MAX_QUERIES,
        )
        if page.document:
            target(
                f"{page.name}: served from the page cache",
                f"X-Page-Cache: {cached.cache_status or 'none'}, "
                f"{cached.requests_per_second:.0f} req/s for {cached.response_bytes} bytes",
                cached.cache_status == "hit",
            )
            continue
        target(
            f"{page.name}: cached ≥ {CACHED_VS_STATIC:g} × static file",
            f"{cached.vs_static:.2f} ({cached.requests_per_second:.0f} req/s, "
            f"X-Page-Cache: {cached.cache_status or 'none'})",
            cached.vs_static >= CACHED_VS_STATIC,
        )
        if page.vs_bare:
            target(
                f"{page.name}: uncached ≥ {UNCACHED_VS_BARE:g} × bare Django",
                f"{uncached.vs_bare:.2f} ({uncached.requests_per_second:.0f} req/s)",
                uncached.vs_bare >= UNCACHED_VS_BARE,
            )
            target(
                f"{page.name}: uncached ≥ {UNCACHED_VS_BARE:g} × bare Django, "
                "by worker CPU per request (less sensitive to load)",
                f"{uncached.cpu_vs_bare:.2f} ({uncached.worker_cpu_ms:.2f} ms a request)",
                uncached.cpu_vs_bare >= UNCACHED_VS_BARE,
            )
        if page.min_requests_per_second:
            target(
                f"{page.name}: uncached ≥ {page.min_requests_per_second:g} req/s",
                f"{uncached.requests_per_second:.0f} req/s",
                uncached.requests_per_second >= page.min_requests_per_second,
            )
        if page.p95_under_ms:
            target(
                f"{page.name}: p95 < {page.p95_under_ms:g} ms (uncached)",
                f"{uncached.p95_ms:.1f} ms",
                uncached.p95_ms < page.p95_under_ms,
            )
    return targets


def table(results: list[Measure]) -> str:
    header = (
        f"{'page':<22} {'variant':<9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'queries':>8} {'bytes':>7} {'RSS MB':>7} {'×bare':>6} {'×static':>7} "
        f"{'CPU ms':>7} {'CPU×bare':>8} {'err':>4}"
    )
    lines = [header, "-" * len(header)]
    for m in results:
        queries = "" if m.queries_warm is None else f"{m.queries_cold}/{m.queries_warm}"
        lines.append(
            f"{m.name[:22]:<22} {m.variant:<9} {m.requests_per_second:>8.0f} {m.p50_ms:>7.2f} "
            f"{m.p95_ms:>7.2f} {m.p99_ms:>7.2f} {queries:>8} {m.response_bytes:>7} "
            f"{m.worker_peak_rss_mb:>7.1f} "
            f"{'' if m.vs_bare is None else f'{m.vs_bare:.2f}':>6} "
            f"{'' if m.vs_static is None else f'{m.vs_static:.2f}':>7} "
            f"{m.worker_cpu_ms:>7.2f} "
            f"{'' if m.cpu_vs_bare is None else f'{m.cpu_vs_bare:.2f}':>8} {m.errors:>4}"
        )
    return "\n".join(lines)


def with_twins(found: list[tuple], twins: list[tuple]) -> list[tuple]:
    """`found` with each page measured in the other language too right after it."""
    merged = []
    for page, path in found:
        merged.append((page, path))
        merged += [(twin, p) for twin, p in twins if twin.twin_of == page.name]
    return merged


def chosen(found: list[tuple], names: tuple[str, ...]) -> list[tuple]:
    """The pages named (a page's name takes its other-language twin along)."""
    return [(page, path) for page, path in found if page.name in names or page.twin_of in names]


def measure_pages(server, found, queries, limits, options: Options, write) -> list[Measure]:
    """Each page, uncached and cached, in rounds right after both limits."""
    workers = server.workers()
    bare, static = (Measure(name, "limit", path) for name, path in limits)
    uncached, cached = {}, {}
    for page, path in found:
        for variant, measures in (("uncached", uncached), ("cached", cached)):
            measure = measures[page.name] = Measure(page.name, variant, path)
            measure.queries_cold, measure.queries_warm = queries[page.name][:2]
    results = [bare, static, *uncached.values(), *cached.values()]
    headers = {"limit": {}, "uncached": BYPASS, "cached": {}}
    write("  warming up every URL...")
    for result in results:
        sample(server, result.path, options, headers[result.variant], seconds=options.warmup)
    # Each page next to both limits measured just before it: the machine's load drifts,
    # and a ratio only means something between runs close in time.
    for number in range(1, options.rounds + 1):
        write(f"  round {number} of {options.rounds}...")
        for page, _path in found:
            group = [bare, static, uncached[page.name], cached[page.name]]
            for result in group:
                result.rounds.append(
                    sample(
                        server,
                        result.path,
                        options,
                        headers[result.variant],
                        seconds=options.duration,
                    )
                )
                # The workers' high-water mark of resident memory so far.
                result.worker_peak_rss_mb = max(result.worker_peak_rss_mb, peak_rss_mb(workers))
            limit_bare = bare.rounds[-1]["requests_per_second"]
            limit_static = static.rounds[-1]["requests_per_second"]
            for result in group:
                latest = result.rounds[-1]
                # A limit that answered nothing in its sample (workers still busy with
                # a slow page) gives no ratio: 0, and its errors show in the table.
                rps = latest["requests_per_second"]
                latest["vs_bare"] = rps / limit_bare if limit_bare else 0.0
                latest["vs_static"] = rps / limit_static if limit_static else 0.0
                latest["cpu_vs_bare"] = bare.rounds[-1]["worker_cpu_ms"] / max(
                    latest["worker_cpu_ms"], 1e-6
                )
    for result in results:
        status, answer_headers, body = fetch(server.url(result.path), headers[result.variant])
        result.response_bytes = len(body)
        result.cache_status = answer_headers.get(STATUS_HEADER, "")
        result.errors += status != 200
    for result in results:
        summarise(result)
    return results


def run(options: Options, write=print) -> dict:
    started = datetime.now()
    load_before = os.getloadavg()
    context = context_for(options.language)
    found, skipped = find_pages(context)
    # The limits are sized from every page of the run's language, chosen or not: ratios
    # stay comparable.
    every_page = found
    # Pages measured in both languages (issue 20: search) in the other one as well.
    other = other_language(options.language)
    twins, twins_skipped = find_pages(context_for(other), other_language_pages(other))
    found, skipped = with_twins(found, twins), skipped + twins_skipped
    if options.pages:
        found = chosen(found, options.pages)
        if not found and not options.edits_only:
            raise NothingToMeasure(
                f"None of the pages asked for exists yet: {', '.join(options.pages)}"
            )
    if options.edits_only:
        found = []
    workdir = Path(tempfile.mkdtemp(prefix="fcs-bench-"))
    static_root = workdir / "static"
    env = server_env(options, static_root)
    server, results, limits, edits = None, [], [], None
    try:
        write("Collecting static files into a temporary STATIC_ROOT...")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
        )
        queries = {}
        if found:
            write("Counting SQL queries per page (in process, page cache bypassed)...")
            for page, path in [*every_page, *(pair for pair in found if pair not in every_page)]:
                queries[page.name] = count_queries(path, static_root)
            # The limits are the size of a typical page (feeds and the sitemap left out).
            size = int(
                statistics.median(
                    queries[page.name][2] for page, _path in every_page if not page.document
                )
            )
            static_file = static_root / "bench" / f"limit-{size}.html"
            static_file.parent.mkdir(parents=True, exist_ok=True)
            static_file.write_bytes(fixed_page(size))
            limits = [
                ("bare Django view", f"/bench/bare/{size}/"),
                ("static file", f"{settings.STATIC_URL}bench/{static_file.name}"),
            ]

        server = Server(env=env, workers=options.workers, log=workdir / "gunicorn.log")
        server.wait_ready(limits[0][1] if limits else "/bench/bare/1000/")
        workers = server.workers()
        write(f"gunicorn: {len(workers)} workers on port {server.port}.")
        if found:
            write(
                f"Pages: wrk -t{options.threads} -c{options.connections}; "
                f"{options.warmup:g} s warm-up, then {options.rounds} rounds of "
                f"{options.duration:g} s per URL."
            )
            results = measure_pages(server, found, queries, limits, options, write)
        if options.edits:
            if env.get("CACHE_URL", "").startswith(("redis://", "rediss://")):
                write("Reads with edits (an article edited every second, from another process):")
                edits = run_reads_with_edits(
                    server, env, workdir=workdir, options=options, fetch=fetch, write=write
                )
            else:
                edits = {
                    "skipped": "needs a shared cache (--cache-url redis://...): with local "
                    "memory the editor's process would bump tags no worker reads"
                }
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        forget_keys(env)

    by_name = {m.name: m for m in results if m.variant == "limit"}
    limit_rps = {name: m.requests_per_second for name, m in by_name.items()}
    targets = evaluate(results, found) if results else []
    if edits and "targets" in edits:
        targets += edits["targets"]
    load_after = os.getloadavg()
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "database": connection.settings_dict["NAME"],
        "language": options.language,
        "public_articles_in_language": context.public_articles,
        "news_list_pages": context.num_pages,
        "deep_page": context.deep_page,
        "options": {k: str(v) for k, v in asdict(options).items()},
        "cache": env.get("CACHE_URL") or "local memory (per worker)",
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "limits_requests_per_second": limit_rps,
        "results": [asdict(m) for m in results],
        "edits": edits,
        "targets": targets,
        "skipped": skipped,
    }
    options.output_dir.mkdir(parents=True, exist_ok=True)
    output = options.output_dir / f"results-{started:%Y%m%d-%H%M%S}.json"
    output.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    summary["output"] = str(output)
    summary["table"] = table(results) if results else ""
    return summary
