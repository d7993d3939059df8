from django.core.management.base import BaseCommand, CommandError

from fcs_site.bench import database
from fcs_site.bench.edits import report_lines
from fcs_site.bench.pages import page_names
from fcs_site.bench.run import NothingToMeasure, Options, run
from news.models import Article


class Command(BaseCommand):
    help = (
        "Serve the benchmark database with gunicorn (DEBUG off) and measure every page with "
        "wrk against two limits: a bare Django view and a static file; then cached reads of "
        "about a thousand pages while an article is edited every second. Prints the figures, "
        "whether issue 20's targets hold, and writes var/bench/results-<time>.json. Fill the "
        "database first with bench_fill."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", default="ru", choices=["ru", "en"])
        parser.add_argument("--duration", type=float, default=2.0, help="seconds per URL and round")
        parser.add_argument("--rounds", type=int, default=3, help="rounds over every URL")
        parser.add_argument("--warmup", type=float, default=1.0, help="seconds before each")
        parser.add_argument("--connections", type=int, default=4)
        parser.add_argument("--threads", type=int, default=1, help="wrk threads")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
        parser.add_argument(
            "--page",
            action="append",
            default=[],
            dest="pages",
            metavar="NAME",
            help="measure only this page (repeat for more), e.g. --page search "
            "--page 'news list, deep page'; default: every page. A page measured in both "
            "languages takes its twin along: --page search measures 'search (en)' too",
        )
        edits = parser.add_mutually_exclusive_group()
        edits.add_argument(
            "--no-edits",
            action="store_false",
            dest="edits",
            help="skip the reads-with-edits scenario that follows the pages",
        )
        edits.add_argument(
            "--edits-only",
            action="store_true",
            help="run only the reads-with-edits scenario (no pages, no limits)",
        )
        parser.add_argument(
            "--edits-duration", type=float, default=25.0, help="seconds of reads with edits"
        )
        parser.add_argument(
            "--cache-url",
            default="",
            help="CACHE_URL for the served site (default: this process's, else local memory)",
        )

    def handle(self, *args, **options):
        import shutil

        names = tuple(options["pages"])
        unknown = sorted(set(names) - set(page_names()))
        if unknown:
            raise CommandError(
                f"No such page: {', '.join(unknown)}. The pages: " + ", ".join(page_names())
            )
        database.require_postgresql()
        if not shutil.which("wrk"):
            raise CommandError(
                "wrk is not installed: `apt-get install wrk` (make bench does it when run as root)."
            )
        if not Article.objects.exists():
            raise CommandError("The database holds no articles: run `manage.py bench_fill`.")
        if (
            min(
                options["duration"],
                options["warmup"],
                options["connections"],
                options["rounds"],
                options["edits_duration"],
            )
            <= 0
        ):
            raise CommandError(
                "--duration, --warmup, --connections, --rounds and --edits-duration must be "
                "positive."
            )
        try:
            summary = run(
                Options(
                    language=options["language"],
                    duration=options["duration"],
                    rounds=options["rounds"],
                    warmup=options["warmup"],
                    connections=options["connections"],
                    threads=options["threads"],
                    workers=options["workers"],
                    cache_url=options["cache_url"],
                    pages=names,
                    edits=options["edits"] or options["edits_only"],
                    edits_only=options["edits_only"],
                    edits_duration=options["edits_duration"],
                ),
                write=self.stdout.write,
            )
        except NothingToMeasure as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("")
        self.stdout.write(
            f"{summary['public_articles_in_language']} public articles in "
            f"{summary['language']!r} ({summary['news_list_pages']} list pages; deep page "
            f"{summary['deep_page']}); cache: {summary['cache']}; load average "
            f"{summary['load_average_before'][0]:.2f} before, "
            f"{summary['load_average_after'][0]:.2f} after, on {summary['cpu_count']} CPUs."
        )
        if summary["table"]:
            self.stdout.write(
                "uncached = the page cache bypassed: the page is rendered from the database "
                "for each request; queries = first request after a content change / next "
                "request; ×bare and ×static = requests per second as a share of each limit "
                "measured just before (median over the rounds); CPU = the workers' CPU time "
                "per request, CPU×bare = the bare view's over the page's; RSS = the "
                "workers' peak resident memory so far."
            )
            self.stdout.write(summary["table"])
            self.stdout.write("")
        if summary["edits"]:
            for line in report_lines(summary["edits"]):
                self.stdout.write(line)
            self.stdout.write("")
        self.stdout.write(
            "Targets (issue 20's are set for 100 000 articles on PostgreSQL; this database "
            f"holds {Article.objects.count()}):"
        )
        for target in summary["targets"]:
            mark = self.style.SUCCESS("holds") if target["holds"] else self.style.ERROR("MISSED")
            self.stdout.write(
                f"  {mark:<6}  [{target['issue']}] {target['target']}: {target['value']}"
            )
        for note in summary["skipped"]:
            self.stdout.write(f"  skipped — {note}")
        self.stdout.write(f"Results: {summary['output']}")
