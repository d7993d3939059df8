"""Translation status: per language complete, missing or out of date, and a filter."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news import services
from news.models import Article, TranslationStatus
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=MSK)


@pytest.fixture
def editor():
    return UserFactory(username="elena", role="Editor")


def make(**kwargs):
    with time_machine.travel(T0, tick=False):
        return ArticleFactory(**kwargs)


def save_later(article, user, minutes=5, **changes):
    for name, value in changes.items():
        setattr(article, name, value)
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
        services.article_save(article=article, user=user, expected_version=article.version)
    return Article.objects.get(pk=article.pk)


def statuses(article):
    return {code: article.translation_status(code) for code in ("ru", "en")}


def test_a_new_bilingual_article_is_complete_in_both_languages():
    article = make()
    assert statuses(article) == {"ru": "complete", "en": "complete"}
    assert article.text_changed_at_ru == article.text_changed_at_en == T0


def test_editing_one_language_makes_the_other_out_of_date_until_it_is_edited(editor):
    article = save_later(make(), editor, body_ru="<p>Уточнённый текст.</p>")
    assert statuses(article) == {"ru": "complete", "en": "outdated"}
    assert list(Article.objects.outdated_in("en")) == [article]
    assert not Article.objects.outdated_in("ru").exists()

    article = save_later(article, editor, minutes=10, body_en="<p>Revised text.</p>")
    assert statuses(article) == {"ru": "complete", "en": "complete"}
    assert not Article.objects.needs_translation().exists()


@pytest.mark.parametrize("field", ["title", "lead", "body", "note"])
def test_every_text_field_counts_as_an_edit(editor, field):
    article = save_later(make(), editor, **{f"{field}_en": "<p>Changed in English.</p>"})
    assert article.translation_status("ru") == TranslationStatus.OUTDATED


def test_saving_without_changing_the_text_or_changing_only_the_slug_changes_nothing(editor):
    article = save_later(make(), editor, slug_en="a-new-address", kind=Article.Kind.ANNOUNCEMENT)
    assert statuses(article) == {"ru": "complete", "en": "complete"}
    assert article.text_changed_at_en == T0


def test_an_article_without_english_is_missing_it():
    article = make(russian_only=True)
    assert statuses(article) == {"ru": "complete", "en": "missing"}
    assert list(Article.objects.missing_in("en")) == [article]
    assert list(Article.objects.needs_translation()) == [article]


def test_headline_without_body_is_still_missing():
    article = make(title_en="Only a headline", body_en="")
    assert article.translation_status("en") == "missing"
    assert list(Article.objects.missing_in("en")) == [article]


@pytest.fixture
def three_kinds(editor):
    complete = make(title_ru="Полная", title_en="Complete")
    missing = make(title_ru="Без перевода", russian_only=True)
    outdated = save_later(
        make(title_ru="Устаревшая", title_en="Outdated"), editor, body_ru="<p>Новое.</p>"
    )
    return complete, missing, outdated


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("needed", {"Без перевода", "Устаревшая"}),
        ("missing_en", {"Без перевода"}),
        ("outdated_en", {"Устаревшая"}),
        ("missing_ru", set()),
        ("outdated_ru", set()),
        ("nonsense", {"Полная", "Без перевода", "Устаревшая"}),
    ],
)
def test_changelist_filter_finds_what_needs_translation(
    client, three_kinds, editor, value, expected
):
    client.force_login(editor)
    response = client.get("/admin/news/article/", {"translation": value})
    assert response.status_code == 200
    shown = {article.title_ru for article in response.context["cl"].result_list}
    assert shown == expected


def test_changelist_shows_each_languages_status(client, three_kinds, editor):
    client.force_login(editor)
    html = client.get("/admin/news/article/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("translation-status--missing") == 1
    assert html.count("translation-status--outdated") == 1
    assert "out of date" in html and "Needs translation" in html
    ru = client.get("/admin/news/article/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "устарел" in ru and "Требует перевода" in ru


def test_changelist_query_count_does_not_grow_with_articles(client, editor):
    def count_queries():
        client.get("/admin/news/article/")  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/news/article/").status_code == 200
        return len(queries)

    client.force_login(editor)
    ArticleFactory.create_batch(3)
    few = count_queries()
    ArticleFactory.create_batch(27)
    assert count_queries() == few


def test_translating_a_missing_language_does_not_make_the_source_out_of_date(editor):
    article = make(russian_only=True)
    article = save_later(article, editor, title_en="Now in English", body_en="<p>Translated.</p>")
    assert statuses(article) == {"ru": "complete", "en": "complete"}
    article = save_later(article, editor, minutes=20, body_en="<p>A new fact added.</p>")
    assert statuses(article) == {"ru": "outdated", "en": "complete"}


def test_editing_both_languages_at_once_keeps_both_complete(editor):
    article = save_later(make(), editor, body_ru="<p>Новое.</p>", body_en="<p>New.</p>")
    assert statuses(article) == {"ru": "complete", "en": "complete"}


def test_line_breaks_sent_by_a_browser_do_not_count_as_an_edit(editor):
    article = make(body_ru="<p>Первый абзац.</p>\n<p>Второй.</p>")
    article = save_later(
        article, editor, body_ru="<p>Первый абзац.</p>\r\n<p>Второй.</p>", title_en="New"
    )
    assert article.body_ru == "<p>Первый абзац.</p>\n<p>Второй.</p>"
    assert statuses(article) == {"ru": "outdated", "en": "complete"}
