from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fcs_site.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `backup` archive onto an empty database: check every checksum, run "
        "migrate, load the rows, put back the media files. Refuses a database or media "
        "storage that already holds content unless --force is given (which replaces it)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the content of a database that is not empty.",
        )

    def handle(self, *args, archive, database="default", force=False, **options):
        try:
            manifest = restore_backup(archive, using=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["database"]["rows"].values())
        self.stdout.write(
            f"Restored {archive} (made {manifest['created_at']}): {rows} rows, "
            f"{len(manifest['media'])} media files."
        )
