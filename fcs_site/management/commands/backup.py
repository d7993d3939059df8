from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from fcs_site.backup import create_backup


class Command(BaseCommand):
    help = (
        "Write one tar.gz with a consistent snapshot of the database (natural keys, no "
        "content types or sessions), every media file and a manifest of SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: var/backups/fcs-<UTC time>.tar.gz).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output=None, database="default", **options):
        if output is None:
            stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.BASE_DIR) / "var" / "backups" / f"fcs-{stamp}.tar.gz"
        manifest = create_backup(output, using=database)
        rows = sum(manifest["database"]["rows"].values())
        self.stdout.write(
            f"Backup written to {output}: {rows} rows, {len(manifest['media'])} media files."
        )
