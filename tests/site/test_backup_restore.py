"""Nothing lost: `backup` and `restore` round-trip every row and every media file."""

import hashlib
import io
import json
import os
import tarfile

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from fcs_site.backup import REBUILT_MODELS, walk_storage
from news.models import Article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def snapshot() -> dict:
    """Every row of every model (references by natural key), and every media file's hash."""
    rows = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label == "sessions.session":
            continue
        objects = model._base_manager.order_by("pk")
        if label in REBUILT_MODELS:
            rows[label] = sorted(repr(obj.natural_key()) for obj in objects)
        else:
            rows[label] = serializers.serialize("python", objects, use_natural_foreign_keys=True)
    files = {}
    for name in walk_storage(default_storage):
        with default_storage.open(name, "rb") as handle:
            files[name] = hashlib.sha256(handle.read()).hexdigest()
    return {"rows": rows, "files": files}


@pytest.fixture
def site_content(media_root, django_user_model):
    call_command("load_demo", verbosity=0)
    editor = django_user_model.objects.create_user(
        "editor", "editor@example.test", "correct-horse-battery-staple", is_staff=True
    )
    group = Group.objects.create(name="Редакторы")
    group.permissions.set(Permission.objects.filter(content_type__app_label="news"))
    editor.groups.add(group)
    article = Article.objects.get(pk=276760)
    LogEntry.objects.create(
        user=editor,
        content_type=ContentType.objects.get_for_model(Article),
        object_id=str(article.pk),
        object_repr=str(article),
        action_flag=ADDITION,
        change_message="[]",
    )
    saved = [
        default_storage.save("photos/2021/04/session-41.jpg", ContentFile(os.urandom(4096))),
        default_storage.save("documents/report.pdf", ContentFile(b"%PDF-1.4 " * 100)),
        default_storage.save("photos/caption-ru.txt", ContentFile("Подпись".encode())),
    ]
    return saved


def wipe(media_root):
    call_command("flush", interactive=False, verbosity=0)
    for name in list(walk_storage(default_storage)):
        default_storage.delete(name)


def test_backup_and_restore_round_trip_every_row_and_file(site_content, media_root, tmp_path):
    before = snapshot()
    article = before["rows"]["news.article"]
    assert len(article) >= 5
    reference = next(row for row in article if row["pk"] == 276760)["fields"]
    assert reference["title_ru"] and reference["title_en"] and reference["note_en"]
    assert before["rows"]["news.article"][0]["fields"]["topics"] is not None
    # The three saved above, and the demo's photos with their renditions.
    demo_photos = [name for name in before["files"] if name.startswith("photos/demo/")]
    assert sorted(before["files"]) == sorted([*site_content, *demo_photos])
    assert len(demo_photos) > 20

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "data.xml"} <= names
    assert {f"media/{name}" for name in site_content} <= names

    wipe(media_root)
    assert snapshot()["rows"]["news.article"] == []
    assert snapshot()["files"] == {}

    call_command("restore", str(archive), verbosity=0)
    after = snapshot()
    for label, rows in before["rows"].items():
        assert after["rows"][label] == rows, label
    assert after["files"] == before["files"]

    # The restored site serves the reference article in both languages.
    from django.test import Client

    client = Client()
    restored = Article.objects.get(pk=276760)
    for language in ("ru", "en"):
        assert client.get(restored.get_absolute_url(language)).status_code == 200


def test_restore_refuses_a_database_that_is_not_empty(site_content, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    before = snapshot()
    Article.objects.filter(pk=276760).update(title_en="Changed after the backup")
    with pytest.raises(CommandError, match=r"not empty.*--force"):
        call_command("restore", str(archive), verbosity=0)
    assert Article.objects.get(pk=276760).title_en == "Changed after the backup"

    call_command("restore", str(archive), force=True, verbosity=0)
    after = snapshot()
    assert after["rows"]["news.article"] == before["rows"]["news.article"]
    assert after == before


def test_a_damaged_archive_is_refused_before_anything_changes(site_content, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "media/documents/report.pdf":
                content = content.replace(b"PDF", b"XXX", 1)
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    wipe(None)
    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", str(damaged), verbosity=0)
    assert not Article.objects.exists()
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(tmp_path / "nothing.tar.gz"), verbosity=0)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="REPEATABLE READ snapshots are PostgreSQL's; SQLite's read transaction is one anyway",
)
def test_the_backup_is_a_snapshot_while_an_editor_keeps_writing(site_content, tmp_path):
    rubrics_before = apps.get_model("news", "Rubric").objects.count()
    other = connections.create_connection("default")
    written = []

    def write_from_elsewhere(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not written and sql.lstrip().upper().startswith("SELECT"):
            with other.cursor() as cursor:  # autocommit: visible to everyone at once
                cursor.execute(
                    "INSERT INTO news_rubric (name, name_ru, name_en, slug, position) "
                    "VALUES ('x', 'Поздняя', 'Late', 'written-during-backup', 9)"
                )
            written.append(True)
        return result

    archive = tmp_path / "backup.tar.gz"
    with connection.execute_wrapper(write_from_elsewhere):
        call_command("backup", output=archive, verbosity=0)
    other.close()
    assert written
    with tarfile.open(archive) as tar:
        data = tar.extractfile("data.xml").read().decode()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert "written-during-backup" not in data
    assert manifest["database"]["rows"]["news.rubric"] == rubrics_before


def test_a_deleted_articles_history_is_not_handed_to_a_new_one_after_a_restore(
    site_content, tmp_path
):
    """The workflow history outlives a deleted article. Loading a backup restarts the id
    counter after the highest article kept: without care, the next new article took the
    deleted one's id and showed its history as its own."""
    from django.db.models import Max

    from news.models import ArticleEvent
    from tests.factories import ArticleFactory

    highest = Article.objects.aggregate(top=Max("pk"))["top"]
    newest = ArticleFactory(pk=highest + 1, title_en="Deleted later")
    ArticleEvent.objects.create(article=newest, action=ArticleEvent.Action.PUBLISHED)
    gone = newest.pk
    newest.delete()
    assert ArticleEvent.objects.filter(article_id=gone).exists()

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    wipe(default_storage.location)
    call_command("restore", str(archive), verbosity=0)

    fresh = ArticleFactory(title_en="Written after the restore")
    assert fresh.pk > gone
    assert not fresh.events.exists()
