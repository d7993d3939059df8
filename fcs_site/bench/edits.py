"""The "reads with edits" scenario of `make bench`: cached reads while an article changes.

wrk (`wrk_edits.lua`, one connection per thread) reads a mix of about a thousand distinct
public pages in both languages, while an editor process changes one article's title
every second. The article is on the first page of the news list, so the home pages, the
first list pages, its rubric's and topics' first pages and its own page show it. Each
edit puts a marker at the start of both titles, `[bench-edit-N]`, which wrk finds in the pages that
show the article. The figures:

- the page cache's hit ratio for the responses that do not show the edited article (an
  edit should evict none of them) and for those that do;
- stale responses: a response showing marker N is stale when edit N+1 had committed
  before its request was sent (wrk notes the send time, the editor the commit time, both
  from the same wall clock).

The search is left out: every article edit bumps `list:search`, so each edit evicts
every search page by design (README, "Caching").

The editor is this module run as a program (`python -m fcs_site.bench.edits`) with the
environment of the gunicorn server (`run.server_env`): the same database, cache and key
prefix, so its saves bump the tags the server's pages were stored with. It saves through
the ORM, like the admin, and puts the titles (and the article's dates of change) back at
the end.
"""

import argparse
import bisect
import contextlib
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import wrk

LUA_EDITS = Path(__file__).with_name("wrk_edits.lua")
MARKER = "[bench-edit-{}]"
# Pages many visitors read: listed this many times in wrk's round of paths.
HOT = {"home": 20, "news list": 10, "edited article": 10}
LEFT_OUT = (
    "search (every article edit bumps list:search, so each edit evicts every search page "
    "by design), feeds and the sitemap (documents, bumped by every article edit too)"
)
# The targets the scenario judges.
MIN_HIT_RATIO_NOT_SHOWING = 0.99
MAX_STALE = 0


@dataclass(frozen=True)
class ReadPage:
    kind: str
    path: str
    weight: int = 1


# The editor: a process of its own, with the server's settings.


class Editor:
    """Puts `[bench-edit-N]` into both titles of one article, and takes it out again."""

    def __init__(self, pk: int, log: Path):
        from news.models import Article

        self.article = Article.objects.get(pk=pk)
        self.languages = self.article.available_languages()
        self.titles = {code: getattr(self.article, f"title_{code}") for code in self.languages}
        # What an edit changes besides the titles, put back as it was by `restore`.
        self.dates = {
            name: getattr(self.article, name)
            for name in ("updated_at", *(f"text_changed_at_{code}" for code in self.languages))
        }
        self.log = log.open("a", encoding="utf-8")

    def _save(self, titles: dict, dates: dict | None = None) -> float:
        from django.db import transaction

        from news.models import Article

        committed = []
        for code, title in titles.items():
            setattr(self.article, f"title_{code}", title)
        with transaction.atomic():
            # Registered before the save, so it runs first after the commit, before the
            # page cache's own second bump of the tags.
            transaction.on_commit(lambda: committed.append(time.time()))
            self.article.save()
            if dates:
                # Within the save's transaction, whose bumps cover the row; the plain
                # manager sends no bulk-update signal (which would bump every list).
                Article._base_manager.filter(pk=self.article.pk).update(**dates)
        return committed[0]

    def edit(self, number: int) -> float:
        """Edit `number`; the wall time right after its transaction committed."""
        marker = MARKER.format(number)
        # First, so that a card cutting a long title short still shows it.
        titles = {code: f"{marker} {title}"[:300] for code, title in self.titles.items()}
        committed = self._save(titles)
        self.log.write(f"{number}\t{committed:.6f}\n")
        self.log.flush()
        return committed

    def restore(self) -> None:
        """The titles as they were, and the dates of change an edit moves."""
        self._save(self.titles, self.dates)
        self.log.close()


def read_log(path: Path) -> dict[int, float]:
    """{edit number: wall time right after it committed} from the editor's log."""
    commits = {}
    if path.exists():
        for line in path.read_text().splitlines():
            number, _tab, when = line.partition("\t")
            if when:
                commits[int(number)] = float(when)
    return commits


def editor_main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="The editor of the bench's reads with edits.")
    parser.add_argument("--article", type=int, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--interval", type=float, default=1.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fcs_site.settings")
    import django

    django.setup()
    # SIGTERM from the runner still puts the titles back.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))
    editor = Editor(args.article, args.log)
    try:
        # Edit 0 before the cache is warmed: every page showing the article has a marker.
        editor.edit(0)
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return
        started, number = time.monotonic(), 0
        while True:
            number += 1
            wait = started + number * args.interval - time.monotonic()
            # A line on stdin ("stop") or its end stops the edits.
            if wait > 0 and select.select([sys.stdin], [], [], wait)[0]:
                break
            editor.edit(number)
    finally:
        editor.restore()
        print("restored", flush=True)


# The pages read, and the article edited.


def pick_article(languages: list[str]):
    """A public article on the first page of the news list in every language (on the home
    page too when one is), preferably with a rubric, topics and linked bodies: the pages
    showing it are of every kind."""
    from django.conf import settings
    from django.db.models import Count

    from news.models import Article

    firsts = [
        list(
            Article.objects.public(code)
            .order_by("-published_at", "-pk")
            .values_list("pk", flat=True)[: settings.FCS_NEWS_PAGE_SIZE]
        )
        for code in languages
    ]
    candidates = [pk for pk in firsts[0] if all(pk in first for first in firsts[1:])]
    home = settings.FCS_HOME_NEWS_COUNT
    pool = [pk for pk in candidates if all(pk in first[:home] for first in firsts)] or candidates
    if not pool:
        return None
    links = {
        row["pk"]: (row["rubric_id"] is not None) + bool(row["n_topics"]) + bool(row["n_bodies"])
        for row in Article.objects.filter(pk__in=pool)
        .annotate(n_topics=Count("topics", distinct=True), n_bodies=Count("bodies", distinct=True))
        .values("pk", "rubric_id", "n_topics", "n_bodies")
    }
    best = max(pool, key=lambda pk: (links.get(pk, 0), -pool.index(pk)))
    return Article.objects.get(pk=best)


def spread(items: list, count: int, *, front: int = 0) -> list:
    """The first `front` of `items`, then `count - front` spread evenly over the rest."""
    head, rest = items[:front], items[front:]
    wanted = max(0, count - len(head))
    if wanted >= len(rest):
        return head + rest
    step = len(rest) / wanted
    return head + [rest[int(index * step)] for index in range(wanted)]


def reading_pages(
    article,
    languages: list[str],
    *,
    list_pages: int = 150,
    articles: int = 240,
    sessions: int = 50,
    people: int = 20,
) -> list[ReadPage]:
    """About a thousand public pages in `languages` (each number per language): the home
    page, news list pages (the first ones and others spread to the end), articles (the
    edited one, the newest, others spread over the years), every rubric's and topic's
    first two pages, the registry's bodies, sessions and people. No search, feed or sitemap."""
    from django.apps import apps
    from django.conf import settings
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    from news.models import Article, Rubric, Topic

    found, seen = [], set()

    def add(kind: str, path: str | None, weight: int = 1) -> None:
        if path and path not in seen:
            seen.add(path)
            found.append(ReadPage(kind, path, weight))

    for code in languages:
        with translation.override(code):
            add("home", reverse("home"), HOT["home"])
            news = reverse("news:article_list")
            add("news list", news, HOT["news list"])
            public = Article.objects.public(code)
            last = max(1, -(-public.count() // settings.FCS_NEWS_PAGE_SIZE))
            numbers = spread(list(range(2, last + 1)), list_pages - 1, front=list_pages // 2)
            for number in numbers:
                add("news list, page N", f"{news}?page={number}")
            add("edited article", article.get_absolute_url(code), HOT["edited article"])
            ids = list(public.order_by("-published_at", "-pk").values_list("pk", flat=True))
            chosen = spread(ids, articles, front=articles // 3)
            rows = Article.objects.filter(pk__in=chosen).only("pk", f"slug_{code}")
            for row in sorted(rows, key=lambda row: chosen.index(row.pk)):
                add("article", row.get_absolute_url(code))
            for kind, model in (("rubric", Rubric), ("topic", Topic)):
                for subject in model.objects.all():
                    if subject.name:
                        add(kind, subject.get_absolute_url())
                        add(f"{kind}, page 2", subject.get_absolute_url() + "?page=2")
            if not apps.is_installed("committees"):
                continue
            from committees.models import Body, Person, Session

            with contextlib.suppress(NoReverseMatch):
                add("committees", reverse("committees:body_list"))
            for body in Body.objects.available_in(code):
                add("body", body.get_absolute_url(code))
            listed = Session.objects.available_in(code).filter(parent__isnull=True)
            for session in spread(list(listed.select_related("body")), sessions):
                add("session", session.get_absolute_url(code))
            for person in spread(list(Person.objects.available_in(code)), people):
                add("person", person.get_absolute_url(code))
    return found


def round_of_paths(pages: list[ReadPage], seed: int = 20) -> list[ReadPage]:
    """Each page as many times as its weight, shuffled (the same for every run)."""
    entries = [page for page in pages for _ in range(page.weight)]
    random.Random(seed).shuffle(entries)
    return entries


# The figures.


def stale_responses(commits: dict[int, float], seen: list[tuple[int, float]]) -> list[dict]:
    """The responses that showed marker N although a later edit had committed before their
    request was sent: `seen` holds (marker, send time), `commits` {edit: commit time}."""
    numbers = sorted(commits)
    stale = []
    for marker, sent in seen:
        later = bisect.bisect_right(numbers, marker)
        if later < len(numbers) and commits[numbers[later]] < sent:
            newer = numbers[later]
            stale.append(
                {
                    "marker": marker,
                    "newer_edit": newer,
                    "sent": sent,
                    "late_ms": (sent - commits[newer]) * 1000,
                }
            )
    return stale


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarise(report: dict, entries: list[ReadPage], commits: dict[int, float]) -> dict:
    """The scenario's figures from wrk's report, the paths it read and the editor's log."""
    kinds = defaultdict(lambda: defaultdict(int))
    evicted = defaultdict(int)
    for index, page in enumerate(entries):
        counts = kinds[page.kind]
        for name in ("plain", "plain_hits", "shown", "shown_hits", "bad"):
            counts[name] += report[name][index]
        misses = report["plain"][index] - report["plain_hits"][index]
        if misses:
            evicted[(page.kind, page.path)] += misses
    total = {name: sum(k[name] for k in kinds.values()) for name in ("plain", "plain_hits",
             "shown", "shown_hits", "bad")}  # fmt: skip
    seen = [(int(marker), float(sent)) for marker, sent in report["seen"]]
    stale = stale_responses(commits, seen)
    edits = len([number for number in commits if number > 0])
    return {
        "seconds": report["duration_us"] / 1e6,
        "requests": report["requests"],
        "requests_per_second": report["requests"] / (report["duration_us"] / 1e6),
        "p50_ms": report["p50_us"] / 1000,
        "p95_ms": report["p95_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "socket_errors": sum(
            report[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        "non_200": total["bad"],
        "edits": edits,
        "not_showing": {
            "requests": total["plain"],
            "hits": total["plain_hits"],
            "hit_ratio": ratio(total["plain_hits"], total["plain"]),
        },
        "showing": {
            "requests": total["shown"],
            "hits": total["shown_hits"],
            "hit_ratio": ratio(total["shown_hits"], total["shown"]),
        },
        "markers_seen": [min(m for m, _ in seen), max(m for m, _ in seen)] if seen else [],
        "stale": len(stale),
        "stale_worst_late_ms": max((s["late_ms"] for s in stale), default=0.0),
        "stale_examples": sorted(stale, key=lambda s: -s["late_ms"])[:5],
        "by_kind": {
            kind: {
                "pages": len({p.path for p in entries if p.kind == kind}),
                **counts,
                "plain_hit_ratio": ratio(counts["plain_hits"], counts["plain"]),
                "shown_hit_ratio": ratio(counts["shown_hits"], counts["shown"]),
            }
            for kind, counts in sorted(kinds.items())
        },
        "evicted_not_showing": [
            {"kind": kind, "path": path, "misses": misses}
            for (kind, path), misses in sorted(evicted.items(), key=lambda item: -item[1])[:10]
        ],
    }


def targets(summary: dict) -> list[dict]:
    hit_ratio = summary["not_showing"]["hit_ratio"]
    return [
        {
            "issue": "reads with edits",
            "target": "hit ratio of the pages not showing the edited article "
            f"≥ {MIN_HIT_RATIO_NOT_SHOWING:.0%}",
            "value": "none read" if hit_ratio is None else f"{hit_ratio:.2%}",
            "holds": hit_ratio is not None and hit_ratio >= MIN_HIT_RATIO_NOT_SHOWING,
        },
        {
            "issue": "reads with edits",
            "target": "stale responses (a page older than the last committed edit of what "
            f"it shows) = {MAX_STALE}",
            "value": f"{summary['stale']} of {summary['showing']['requests']} showing the "
            f"article, over {summary['edits']} edits",
            "holds": summary["stale"] <= MAX_STALE and summary["edits"] > 0,
        },
    ]


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def report_lines(summary: dict) -> list[str]:
    """The scenario's figures, as `bench_run` prints them."""
    if "skipped" in summary:
        return [f"Reads with edits: skipped — {summary['skipped']}."]
    hot = ", ".join(f"{kind} ×{weight}" for kind, weight in summary["hot_pages"].items())
    showing, plain = summary["showing"], summary["not_showing"]
    lines = [
        f"Reads with edits: {summary['distinct_pages']} distinct pages in "
        f"{' and '.join(summary['languages'])} ({summary['round_entries']} in wrk's round: "
        f"{hot}), {summary['seconds']:.1f} s; article {summary['article']['pk']} edited "
        f"every {summary['edit_interval_s']:g} s from another process: {summary['edits']} "
        "edits.",
        f"  left out: {summary['left_out']}.",
        f"  all reads: {summary['requests']} requests, {summary['requests_per_second']:.0f} "
        f"req/s, p50 {summary['p50_ms']:.2f} ms, p95 {summary['p95_ms']:.2f} ms, p99 "
        f"{summary['p99_ms']:.2f} ms; answers other than 200: {summary['non_200']}; socket "
        f"errors and timeouts: {summary['socket_errors']}.",
        f"  not showing the edited article: {plain['requests']} requests, "
        f"{percent(plain['hit_ratio'])} page-cache hits.",
        f"  showing it: {showing['requests']} requests, {percent(showing['hit_ratio'])} hits "
        "(an edit evicts each of them once).",
        f"  stale responses: {summary['stale']} (markers seen: "
        f"{'–'.join(map(str, summary['markers_seen'])) or 'none'}"
        + (
            f"; the latest sent {summary['stale_worst_late_ms']:.1f} ms after the newer "
            "edit committed)"
            if summary["stale"]
            else ")"
        )
        + ".",
        f"  {'kind':<20} {'pages':>5} {'not showing':>11} {'hits':>8} {'showing':>8} "
        f"{'hits':>8} {'non-200':>7}",
    ]
    for kind, row in summary["by_kind"].items():
        lines.append(
            f"  {kind:<20} {row['pages']:>5} {row['plain']:>11} "
            f"{percent(row['plain_hit_ratio']):>8} {row['shown']:>8} "
            f"{percent(row['shown_hit_ratio']):>8} {row['bad']:>7}"
        )
    if summary["evicted_not_showing"]:
        lines.append("  pages not showing the article that missed the cache (most misses first):")
        lines += [
            f"    {row['misses']:>5} × {row['kind']}: {row['path']}"
            for row in summary["evicted_not_showing"]
        ]
    else:
        lines.append("  no page that does not show the article missed the cache.")
    if summary["not_answering"]:
        lines.append(
            f"  left out, not answering 200 when warmed: {', '.join(summary['not_answering'])}"
        )
    if not summary["title_restored"]:
        lines.append(f"  the editor did not restore the title: {summary['editor_errors']}")
    return lines


# The run.


def run_wrk_edits(url: str, paths_file: Path, *, seconds: float, connections: int) -> dict:
    command = [
        shutil.which("wrk") or "wrk",
        # One connection per thread: each thread's request() and response() alternate.
        f"-t{connections}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA_EDITS),
        url,
        "--",
        str(paths_file),
    ]
    return wrk.report(command, "WRK_EDITS_JSON ", timeout=seconds + 60)


def warm(server, pages: list[ReadPage], fetch, threads: int = 4) -> dict[str, int]:
    """Fetch each page once, so the hit ratio measures evictions, not a cold cache."""

    def status(page):
        try:
            return fetch(server.url(page.path))[0]
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(threads) as pool:
        return dict(zip((p.path for p in pages), pool.map(status, pages), strict=True))


def run_reads_with_edits(server, env: dict, *, workdir: Path, options, fetch, write) -> dict:
    """The scenario against a running `server` whose environment is `env`."""
    from django.conf import settings

    languages = [code for code, _name in settings.LANGUAGES]
    article = pick_article(languages)
    if article is None:
        return {"skipped": "no article is public in every language on the first list page"}
    pages = reading_pages(article, languages)
    log = workdir / "edits.log"
    editor_err = workdir / "editor.log"
    editor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fcs_site.bench.edits",
            f"--article={article.pk}",
            f"--log={log}",
            f"--interval={options.edit_interval}",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=editor_err.open("w"),
        text=True,
    )
    try:
        if editor.stdout.readline().strip() != "ready":
            editor.wait(timeout=30)
            raise RuntimeError(f"the editor stopped:\n{editor_err.read_text()[-3000:]}")
        write(f"  reads with edits: warming {len(pages)} pages...")
        statuses = warm(server, pages, fetch)
        failed = [f"{path} ({code})" for path, code in statuses.items() if code != 200]
        pages = [page for page in pages if statuses[page.path] == 200]
        entries = round_of_paths(pages)
        paths_file = workdir / "edits-paths.txt"
        paths_file.write_text("".join(f"{page.path}\n" for page in entries))
        write(
            f"  reads with edits: {len(pages)} pages ({len(entries)} in the round), "
            f"{options.edits_duration:g} s, wrk -t{options.edits_connections} "
            f"-c{options.edits_connections}, an edit every {options.edit_interval:g} s..."
        )
        editor.stdin.write("go\n")
        editor.stdin.flush()
        report = run_wrk_edits(
            server.url("/"),
            paths_file,
            seconds=options.edits_duration,
            connections=options.edits_connections,
        )
    finally:
        try:
            editor.stdin.write("stop\n")
            editor.stdin.close()
        except (BrokenPipeError, ValueError):
            pass
        try:
            restored = editor.stdout.read().strip().endswith("restored")
            editor.wait(timeout=60)
        except subprocess.TimeoutExpired:
            editor.terminate()
            editor.wait(timeout=30)
            restored = False
    commits = read_log(log)
    summary = summarise(report, entries, commits)
    summary.update(
        article={"pk": article.pk, "paths": [article.get_absolute_url(c) for c in languages]},
        distinct_pages=len(pages),
        round_entries=len(entries),
        hot_pages=HOT,
        languages=languages,
        edit_interval_s=options.edit_interval,
        left_out=LEFT_OUT,
        not_answering=failed,
        title_restored=restored and editor.returncode == 0,
        editor_errors=editor_err.read_text()[-2000:] if editor.returncode else "",
    )
    summary["targets"] = targets(summary)
    return summary


if __name__ == "__main__":
    editor_main()
