from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fcs_site.bench import database
from fcs_site.bench.fill import fill
from fcs_site.caching import forget_everything
from news.models import Article


class Command(BaseCommand):
    help = (
        "Fill the benchmark's PostgreSQL database with realistic bilingual content "
        "(replacing all news in it), then VACUUM ANALYZE. Creates and migrates the database "
        "when needed. Refuses SQLite, and any database whose name lacks 'bench' unless told."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000, help="default: 10000")
        parser.add_argument("--batch", type=int, default=5_000, help="rows per COPY")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the content when the database already holds exactly that many articles.",
        )
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="Fill a database whose name does not contain 'bench' (its news is replaced).",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        if options["articles"] < 1 or options["batch"] < 1:
            raise CommandError("--articles and --batch must be positive.")
        name = database.require_postgresql()
        if "bench" not in name and not options["allow_any_database"]:
            raise CommandError(
                f"bench_fill replaces every article in the database {name!r}. Point "
                "DATABASE_URL at a database for the benchmark (its name containing 'bench', "
                "e.g. fcs_bench), or pass --allow-any-database."
            )
        if database.ensure_exists():
            self.stdout.write(f"Created the database {name}.")
        call_command("migrate", interactive=False, verbosity=0)
        if options["reuse"] and Article.objects.count() == options["articles"]:
            self.stdout.write(
                f"{name} already holds {options['articles']} articles: reused (no --reuse to "
                "refill)."
            )
            return
        self.stdout.write(f"Filling {name} with {options['articles']} articles...")
        report = fill(
            articles=options["articles"],
            batch=options["batch"],
            seed=options["seed"],
            progress=not options["no_progress"],
        )
        forget_everything()
        counts = ", ".join(f"{key}: {value}" for key, value in report.counts.items())
        timings = ", ".join(f"{key} {value:.1f} s" for key, value in report.seconds.items())
        self.stdout.write(f"Wrote {counts}.")
        for note in report.notes:
            self.stdout.write(f"  note — {note}")
        self.stdout.write(self.style.SUCCESS(f"Fill time: {timings}."))
        if settings.DEBUG:
            self.stdout.write("(DEBUG is on: numbers from this database are still valid.)")
