from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_root_redirects_to_russian_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/ru/"


def test_root_follows_accept_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Location"] == "/en/"


def test_language_cookie_wins_over_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == "/ru/"


def test_unsupported_accept_language_falls_back_to_russian(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE,fr;q=0.5")["Location"] == "/ru/"


def test_switcher_sets_the_cookie_and_goes_to_the_same_page(client):
    article = ArticleFactory()
    page = client.get(article.get_absolute_url("ru")).content.decode()
    assert "/i18n/switch/en/?next=" in page

    response = client.get("/i18n/switch/en/", {"next": article.get_absolute_url("en")})
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url("en")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["samesite"] == "Lax"
    assert client.get("/")["Location"] == "/en/"


def test_switcher_on_a_russian_only_article_leads_to_the_english_news_list(client):
    article = ArticleFactory(russian_only=True)
    page = client.get(article.get_absolute_url("ru")).content.decode()
    assert "/i18n/switch/en/?next=%2Fen%2Fnews%2F" in page


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
    ],
)
def test_switcher_never_redirects_off_site(client, target):
    response = client.get("/i18n/switch/en/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_switcher_rejects_unknown_languages(client):
    assert client.get("/i18n/switch/de/").status_code == 404


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_catalogue_entry_is_translated(language):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path))
    assert catalogue.percent_translated() == 100, [
        e.msgid for e in catalogue.untranslated_entries()
    ]
    assert not catalogue.fuzzy_entries()
    assert not catalogue.metadata_is_fuzzy
