"""The body and note editor: django-prose-editor in the tabbed admin, served from our static."""

import json
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from news.forms import RICH_TEXT_EXTENSIONS

pytestmark = pytest.mark.django_db

EDITOR_ATTRIBUTE = "data-django-prose-editor-configurable"


def textareas(html: str) -> dict[str, str]:
    return {
        match.group(1): match.group(0)
        for match in re.finditer(r'<textarea name="(\w+)"[^>]*>', html)
    }


def test_body_and_note_get_the_editor_in_both_language_tabs(staff_client):
    html = staff_client.get("/admin/news/article/add/").content.decode()
    fields = textareas(html)
    for name in ("body_ru", "body_en", "note_ru", "note_en"):
        assert EDITOR_ATTRIBUTE in fields[name], name
        assert f"mt-field-{name.replace('_', '-')}" in fields[name]  # modeltranslation's tab
    for name in ("lead_ru", "lead_en"):
        assert EDITOR_ATTRIBUTE not in fields[name]

    config = json.loads(
        re.search(rf'{EDITOR_ATTRIBUTE}="([^"]+)"', fields["body_en"])
        .group(1)
        .replace("&quot;", '"')
    )
    extensions = config["extensions"]
    assert extensions["Heading"] == {"levels": [2, 3, 4]}
    for name in ("Bold", "Italic", "BulletList", "OrderedList", "Blockquote", "Link", "Table"):
        assert name in extensions
    assert extensions["Link"]["enableTarget"] is False
    assert set(RICH_TEXT_EXTENSIONS) <= set(extensions)


def test_the_editor_loads_nothing_from_another_site(staff_client):
    html = staff_client.get("/admin/news/article/add/").content.decode()
    assets = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', html)
    assert any("django_prose_editor/editor.js" in url for url in assets)
    assert any("django_prose_editor/editor.css" in url for url in assets)
    external = [url for url in assets if url.startswith(("http:", "https:", "//"))]
    assert external == []
    importmap = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "//" not in importmap.replace("://", "") and "http" not in importmap
    for path in (
        "django_prose_editor/editor.js",
        "django_prose_editor/configurable.js",
        "django_prose_editor/editor.css",
        "django_prose_editor/material-icons.woff2",
    ):
        assert finders.find(path), path


def test_the_editor_bundle_fetches_no_remote_code():
    bundle = Path(finders.find("django_prose_editor/editor.js")).read_text(encoding="utf-8")
    remote = set(re.findall(r"https?://[\w.-]+", bundle)) - {
        "http://www.w3.org",  # XML namespace names, not fetched
        "https://prosemirror.net",  # a link in an error message
    }
    assert remote == set()
    css = Path(finders.find("django_prose_editor/material-icons.css")).read_text(encoding="utf-8")
    assert "http" not in css


def test_the_editor_dialogs_speak_the_editors_language(staff_client):
    # django-prose-editor's dialogs call gettext() from the admin's JavaScript catalogue.
    catalogue = staff_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    expected = json.dumps("Изменить ссылку")
    assert f'"Edit Link": {expected}' in catalogue


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_editor_catalogue_is_complete_and_matches_the_bundle(language):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "djangojs.po"
    catalogue = polib.pofile(str(path))
    assert catalogue.percent_translated() == 100
    bundle = Path(finders.find("django_prose_editor/editor.js")).read_text(encoding="utf-8")
    for entry in catalogue:
        assert f'"{entry.msgid}"' in bundle, entry.msgid
