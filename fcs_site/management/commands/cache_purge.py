from django.core.management.base import BaseCommand

from fcs_site.caching import forget_everything, purge


class Command(BaseCommand):
    help = (
        "Make every cached page stale, in the shared cache and in a proxy in front (after a "
        "release that changes templates, or a bulk load); --retry only sends the purges "
        "left over from a proxy that could not be reached."
    )

    def add_arguments(self, parser):
        parser.add_argument("--retry", action="store_true", help="Only retry pending purges.")

    def handle(self, *args, retry=False, **options):
        if retry:
            sent = purge.send(())
            self.stdout.write("Pending purges sent." if sent else "The proxy is still unreachable.")
            return
        forget_everything()
        self.stdout.write("Every cached page is stale now.")
