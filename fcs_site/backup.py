"""Backups: one tar.gz with the database's rows, the media files and a manifest of checksums.

The rows are dumped inside one transaction (REPEATABLE READ on PostgreSQL), so they are a
consistent snapshot even while editors work. Content types and permissions are left out:
`migrate` recreates them, and every reference to them is written by natural key.
"""

import hashlib
import io
import json
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
# XML, not JSON: Django's JSON encoder cuts datetimes to milliseconds; XML keeps them whole.
DATA_MEMBER = "data.xml"
MANIFEST_MEMBER = "manifest.json"
MEDIA_PREFIX = "media/"
# Rebuilt by `migrate` (content types, permissions) or not worth keeping (sessions).
EXCLUDED_MODELS = ["contenttypes", "auth.permission", "sessions"]
REBUILT_MODELS = {"contenttypes.contenttype", "auth.permission"}


class BackupError(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_label(model) -> str:
    return model._meta.label_lower


def backed_up_models():
    excluded = {"sessions.session", *REBUILT_MODELS}
    return [
        model
        for model in apps.get_models()
        if model_label(model) not in excluded and model._meta.managed
    ]


def walk_storage(storage: Storage, path: str = ""):
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for directory in sorted(directories):
        yield from walk_storage(storage, f"{path}/{directory}" if path else directory)


def dump_database(using: str) -> tuple[bytes, dict[str, int]]:
    connection = connections[using]
    with tempfile.TemporaryDirectory() as folder, transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET LOCAL statement_timeout = 0")
        output = Path(folder) / DATA_MEMBER
        call_command(
            "dumpdata",
            exclude=EXCLUDED_MODELS,
            natural_foreign=True,
            use_base_manager=True,
            output=str(output),
            format="xml",
            database=using,
            verbosity=0,
        )
        rows = {
            model_label(model): model._base_manager.using(using).count()
            for model in backed_up_models()
        }
        return output.read_bytes(), rows


def applied_migrations(using: str) -> list[list[str]]:
    recorder = MigrationRecorder(connections[using])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def add_member(archive: tarfile.TarFile, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, storage: Storage = default_storage
) -> dict:
    data, rows = dump_database(using)
    media = []
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        add_member(archive, DATA_MEMBER, data)
        for name in walk_storage(storage):
            with storage.open(name, "rb") as handle:
                content = handle.read()
            add_member(archive, MEDIA_PREFIX + name, content)
            media.append({"name": name, "size": len(content), "sha256": sha256(content)})
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.now(tz=UTC).isoformat(),
            "database": {
                "vendor": connections[using].vendor,
                "member": DATA_MEMBER,
                "sha256": sha256(data),
                "rows": rows,
                "migrations": applied_migrations(using),
            },
            "media": media,
        }
        add_member(
            archive,
            MANIFEST_MEMBER,
            json.dumps(manifest, indent=2, ensure_ascii=False).encode(),
        )
    partial.replace(path)
    return manifest


def read_backup(path: Path) -> tuple[dict, bytes, dict[str, bytes]]:
    """The manifest, the data and the media files, every checksum verified."""
    members = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                name = PurePosixPath(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts:
                    raise BackupError(f"Unexpected entry in the archive: {member.name!r}")
                members[member.name] = archive.extractfile(member).read()
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup archive: {error}") from error
    if MANIFEST_MEMBER not in members:
        raise BackupError("The archive has no manifest.json.")
    manifest = json.loads(members.pop(MANIFEST_MEMBER))
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    data = members.pop(manifest["database"]["member"], None)
    if data is None or sha256(data) != manifest["database"]["sha256"]:
        raise BackupError("The database dump is missing or its checksum does not match.")
    media = {}
    for entry in manifest["media"]:
        content = members.pop(MEDIA_PREFIX + entry["name"], None)
        if content is None or sha256(content) != entry["sha256"]:
            raise BackupError(f"Media file {entry['name']!r} is missing or damaged.")
        media[entry["name"]] = content
    if members:
        raise BackupError(f"Files in the archive the manifest does not list: {sorted(members)}")
    return manifest, data, media


def content_rows(using: str) -> dict[str, int]:
    """Rows per backed-up model, for the tables that exist."""
    connection = connections[using]
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    return {
        model_label(model): model._base_manager.using(using).count()
        for model in backed_up_models()
        if model._meta.db_table in tables
    }


def restore_backup(
    path: Path,
    *,
    using: str = DEFAULT_DB_ALIAS,
    storage: Storage = default_storage,
    force: bool = False,
) -> dict:
    manifest, data, media = read_backup(path)

    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [m for m in manifest["database"]["migrations"] if tuple(m) not in known]
    if unknown:
        raise BackupError(
            f"The backup was made with migrations this code does not have: {unknown[:5]}"
        )
    filled = {label: count for label, count in content_rows(using).items() if count}
    present = [name for name in media if storage.exists(name)]
    if (filled or present) and not force:
        raise BackupError(
            "The database or the media storage is not empty "
            f"(rows in {sorted(filled)[:5]}, {len(present)} media files). Restore onto an "
            "empty database, or pass --force to replace what is there."
        )

    call_command("migrate", database=using, interactive=False, verbosity=0)
    with transaction.atomic(using=using):
        if force:
            call_command("flush", database=using, interactive=False, verbosity=0)
        with tempfile.TemporaryDirectory() as folder:
            dump = Path(folder) / DATA_MEMBER
            dump.write_bytes(data)
            call_command("loaddata", str(dump), database=using, verbosity=0)
        _keep_deleted_article_ids_unused(using)
        restored = content_rows(using)
        expected = manifest["database"]["rows"]
        wrong = {k: (v, restored.get(k)) for k, v in expected.items() if restored.get(k) != v}
        if wrong:
            raise BackupError(f"Row counts differ after loading (expected, found): {wrong}")

    for name, content in media.items():
        if storage.exists(name):
            storage.delete(name)
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            raise BackupError(f"The storage saved {name!r} as {saved!r}.")
    return manifest


def _keep_deleted_article_ids_unused(using: str) -> None:
    """An article's workflow history outlives its deletion (ArticleEvent has no foreign key
    to it). Loading restarts the id counter after the highest article kept, which may be
    below a deleted one's: the counter moves past every id the history names, so that no
    new article takes over a deleted one's history."""
    from django.db.models import Max

    from news.models import Article, ArticleEvent

    named = ArticleEvent.objects.using(using).aggregate(top=Max("article_id"))["top"] or 0
    kept = Article.objects.using(using).aggregate(top=Max("pk"))["top"] or 0
    if named <= kept:
        return
    connection = connections[using]
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, named])
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, named]
            )
