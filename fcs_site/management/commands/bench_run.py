from django.core.management.base import BaseCommand, CommandError

from fcs_site.bench import database
from fcs_site.bench.pages import PAGES
from fcs_site.bench.run import NothingToMeasure, Options, run
from news.models import Article


class Command(BaseCommand):
    help = (
        "Serve the benchmark database with gunicorn (DEBUG off) and measure every page with "
        "wrk against two limits: a bare Django view and a static file. Prints a table and "
        "writes var/bench/results-<time>.json. Fill the database first with bench_fill."
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
            "--page 'news list, deep page'; default: every page",
        )
        parser.add_argument(
            "--cache-url",
            default="",
            help="CACHE_URL for the served site (default: this process's, else local memory)",
        )

    def handle(self, *args, **options):
        import shutil

        names = tuple(options["pages"])
        unknown = sorted(set(names) - {page.name for page in PAGES})
        if unknown:
            raise CommandError(
                f"No such page: {', '.join(unknown)}. The pages: "
                + ", ".join(page.name for page in PAGES)
            )
        database.require_postgresql()
        if not shutil.which("wrk"):
            raise CommandError(
                "wrk is not installed: `apt-get install wrk` (make bench does it when run as root)."
            )
        if not Article.objects.exists():
            raise CommandError("The database holds no articles: run `manage.py bench_fill`.")
        if (
            min(options["duration"], options["warmup"], options["connections"], options["rounds"])
            <= 0
        ):
            raise CommandError("--duration, --warmup, --connections and --rounds must be positive.")
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
        self.stdout.write(
            "uncached = the page cache bypassed: the page is made for each request, from "
            "what each worker keeps for the content version (README, Caching); queries = "
            "first request after a content change / next request; ×bare and "
            "×static = requests per second as a share of each limit measured just before "
            "(median over the rounds); RSS = the workers' peak resident memory so far."
        )
        self.stdout.write(summary["table"])
        self.stdout.write("")
        for target in summary["targets"]:
            mark = self.style.SUCCESS("holds") if target["holds"] else self.style.ERROR("MISSED")
            self.stdout.write(f"  {mark:<6}  {target['target']}: {target['value']}")
        for note in summary["skipped"]:
            self.stdout.write(f"  skipped — {note}")
        self.stdout.write(f"Results: {summary['output']}")
