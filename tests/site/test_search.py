import importlib
import io
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from fcs_site import search as search_module
from fcs_site.search import (
    MAX_QUERY_LENGTH,
    SearchFilters,
    SearchTimeout,
    clean_query,
    highlight_terms,
    marked,
    search,
    statement_timeout,
)
from news.models import Article
from tests.factories import ArticleFactory, BodyFactory, RubricFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="PostgreSQL full-text search (tsvector, ts_rank, ts_headline)"
)
sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="the fallback match runs only where full-text search is missing"
)


def titles(page):
    return [result.obj.title_ru or result.obj.title_en for result in page.results]


def found(query, language="ru", **kwargs):
    return [result.obj.pk for result in search(query, language, **kwargs).results]


@pytest.fixture
def session_article():
    return ArticleFactory(
        title_ru="Состоялась 41-я сессия Комитета по правоприменению ВТамО",
        title_en="The 41st session of the WCO Enforcement Committee took place",
        lead_ru="Делегация ФТС России приняла участие в работе.",
        lead_en="A delegation of the FCS of Russia took part.",
        body_ru="<p>Учёт правонарушений &amp; контрабанда обсуждались на <b>заседании</b>.</p>",
        body_en="<p>Delegates discussed smuggling &amp; customs offences.</p>",
    )


# Pieces that work the same on every database.


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, ""),
        ("", ""),
        ("   ", ""),
        ("  сессия   ВТамО ", "сессия ВТамО"),
        ("a\x00b", "a b"),
        ("\x00\x01\x1f", ""),
        ("x\ue000y\ue001", "x y"),
        ("tab\there\r\nnew", "tab here new"),
    ],
)
def test_clean_query_strips_control_characters_and_collapses_space(raw, expected):
    assert clean_query(raw) == expected


def test_clean_query_cuts_long_queries():
    assert len(clean_query("слово " * 1000)) <= MAX_QUERY_LENGTH


def test_marked_escapes_text_and_balances_marks():
    text = f"<b>{search_module.MARK_START}x&y{search_module.MARK_END}{search_module.MARK_END}"
    assert marked(text) == "&lt;b&gt;<mark>x&amp;y</mark>"
    assert marked(f"{search_module.MARK_START}open") == "<mark>open</mark>"


def test_highlight_terms_is_case_insensitive_for_cyrillic_and_yo():
    html = highlight_terms("Учёт и УЧЕТ <script>", ["учет"])
    assert html == "<mark>Учёт</mark> и <mark>УЧЕТ</mark> &lt;script&gt;"


def test_highlight_terms_keeps_a_window_around_the_first_match():
    text = "начало " * 100 + "сессия" + " конец" * 100
    html = highlight_terms(text, ["сессия"], window=120)
    assert "<mark>сессия</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 200


def test_search_finds_only_public_articles_in_the_language(session_article):
    hidden = [
        ArticleFactory(draft=True, title_ru="Черновик: сессия Совета"),
        ArticleFactory(scheduled=True, title_ru="Запланировано: сессия Совета"),
        ArticleFactory(status=Article.Status.WITHDRAWN, title_ru="Отозвано: сессия Совета"),
    ]
    russian_only = ArticleFactory(russian_only=True, title_ru="Только по-русски: сессия")
    english_only = ArticleFactory(english_only=True, title_en="English only session")
    assert set(found("сессия")) == {session_article.pk, russian_only.pk}
    assert set(found("session", "en")) == {session_article.pk, english_only.pk}
    assert not {a.pk for a in hidden} & set(found("сессия") + found("session", "en"))


def test_a_kept_statement_searches_at_the_time_of_each_search():
    """PostgreSQL keeps each search statement once written: "published by now" must still
    be the moment of each search, not the moment the statement was written."""
    search_module.STATEMENTS.clear()
    scheduled = ArticleFactory(scheduled=True, title_ru="Сессия Совета по сотрудничеству")
    assert scheduled.pk not in found("сессия")
    hits = {key for key in search_module.STATEMENTS.entries if key[0] == "hits"}
    with time_machine.travel(scheduled.published_at + timedelta(minutes=1), tick=False):
        assert scheduled.pk in found("сессия")
        later = ArticleFactory(title_ru="Сессия Совета: итоги")
        assert {scheduled.pk, later.pk} <= set(found("сессия"))
    # The same statement answered (on SQLite none is kept: it is written for each search).
    assert hits == {key for key in search_module.STATEMENTS.entries if key[0] == "hits"}


def test_english_page_does_not_search_russian_text(session_article):
    assert found("правоприменению", "en") == []
    assert found("Enforcement", "ru") == []


def test_search_matches_the_lead_and_the_body_text_not_the_markup(session_article):
    assert found("делегация") == [session_article.pk]
    assert found("контрабанда") == [session_article.pk]
    assert found("amp") == [] and found("b") == []


def test_filters_by_date_range_and_rubric():
    rubric = RubricFactory()
    old = ArticleFactory(title_ru="Сессия 2020", published_at=datetime(2020, 3, 1, 10, tzinfo=MSK))
    new = ArticleFactory(
        title_ru="Сессия 2021", published_at=datetime(2021, 3, 1, 23, 30, tzinfo=MSK), rubric=rubric
    )
    day = new.published_at.astimezone(MSK).date()
    assert found("сессия", filters=SearchFilters(date_from=day)) == [new.pk]
    assert found("сессия", filters=SearchFilters(date_to=day - timedelta(days=1))) == [old.pk]
    # Both ends of the range are whole days in Moscow time.
    assert found("сессия", filters=SearchFilters(date_from=day, date_to=day)) == [new.pk]
    assert found("сессия", filters=SearchFilters(rubric=rubric)) == [new.pk]
    body = BodyFactory(name_ru="Совет")
    old.bodies.add(body)
    assert found("сессия", filters=SearchFilters(body=body)) == [old.pk]
    assert found("сессия", filters=SearchFilters(body=body.pk, date_from=day)) == []


def test_results_are_paginated():
    for i in range(25):
        ArticleFactory(title_ru=f"Сессия номер {i}", published_at=timezone.now() - timedelta(i + 1))
    first = search("сессия", "ru", page=1)
    second = search("сессия", "ru", page=2)
    assert first.count == second.count == 25
    assert len(first.results) == 20 and len(second.results) == 5
    assert not {r.obj.pk for r in first.results} & {r.obj.pk for r in second.results}
    assert first.num_pages == 2 and first.has_next() and not second.has_next()


def test_pages_past_the_last_served_one_are_refused(monkeypatch):
    from django.core.paginator import InvalidPage

    monkeypatch.setattr(search_module, "MAX_PAGES", 2)
    ArticleFactory.create_batch(5, title_ru="Сессия")
    assert search("сессия", "ru", per_page=2).num_pages == 2
    assert len(search("сессия", "ru", per_page=2, page=2).results) == 2
    with pytest.raises(InvalidPage):
        search("сессия", "ru", per_page=2, page=3)


def test_several_sources_are_merged_and_paginated():
    for i in range(5):
        ArticleFactory(title_ru=f"Сессия {i}", published_at=timezone.now() - timedelta(days=i + 1))

    class SecondSource(search_module.ArticleSource):
        key = "again"

    sources = [search_module.ArticleSource(), SecondSource()]
    pages = [search("сессия", "ru", sources=sources, page=n, per_page=4) for n in (1, 2, 3)]
    assert [page.count for page in pages] == [10, 10, 10]
    assert [len(page.results) for page in pages] == [4, 4, 2]
    seen = [(r.source.key, r.obj.pk) for page in pages for r in page.results]
    assert len(set(seen)) == 10


def test_headline_cannot_inject_html():
    ArticleFactory(
        title_ru='Сессия <script>alert("x")</script>',
        lead_ru="<img src=x onerror=alert(1)> сессия",
        body_ru="<p>&lt;script&gt;сессия&lt;/script&gt;</p>",
    )
    result = search("сессия", "ru").results[0]
    for html in (result.title, result.snippet):
        assert "<script" not in html and "<img" not in html
        assert "<mark>" in html
    assert "&lt;script&gt;" in result.title


def test_rebuild_search_index_command_refills_rows_written_without_save(session_article):
    Article.objects.filter(pk=session_article.pk).update(search_text_ru="", search_ru=None)
    assert found("делегация") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt for 1 articles." in out.getvalue()
    assert found("делегация") == [session_article.pk]


def test_search_columns_follow_every_save(session_article):
    session_article.title_ru = "Заседание Совета таможенного сотрудничества"
    session_article.save()
    assert found("совета") == [session_article.pk]
    assert found("правоприменению") == []
    session_article.lead_ru = "Итоги работы подведены в Брюсселе."
    session_article.save(update_fields=["lead_ru"])
    assert found("брюсселе") == [session_article.pk]


def test_saving_keeps_the_search_columns_in_the_same_statement(
    session_article, django_assert_num_queries
):
    session_article.title_ru = "Заседание Политической комиссии"
    # The page cache's reading of the row as it was (the lists it may leave), the UPDATE of
    # the row with its search columns, and the page cache's look-up of the next scheduled
    # publication (no second UPDATE for the search columns).
    with django_assert_num_queries(3) as queries:
        session_article.save()
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1 and "search_text_ru" in writes[0]
    assert found("комиссии" if ON_POSTGRES else "комисси") == [session_article.pk]


# The page.


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_has_a_labelled_search_box(client, language):
    html = client.get(f"/{language}/news/").content.decode()
    assert 'role="search"' in html
    assert f'action="/{language}/search/"' in html
    assert '<label for="site-search-q">' in html and 'id="site-search-q"' in html


@pytest.mark.parametrize(
    ("language", "query", "expected"),
    [
        ("ru", "сессия", "найдено результатов: 1"),
        ("en", "session", "Found 1 result for"),
    ],
)
def test_search_page_shows_highlighted_results(client, session_article, language, query, expected):
    response = client.get(f"/{language}/search/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert expected in html
    assert "<mark>" in html
    assert session_article.get_absolute_url(language) in html
    assert html.count("<h1") == 1
    assert 'name="robots" content="noindex' in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "&|!:*()<>'\"",
        "-",
        '"',
        "OR",
        "the and of",
        "и в на",
        "\x00",
        "сессия\x00\x01\x1b[31m",
        "x" * 10_000,
        "сессия " * 500,
        "%_\\",
        "'; DROP TABLE news_article; --",
        "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
    ],
)
def test_any_query_gets_an_answer_not_an_error(client, session_article, query):
    response = client.get("/ru/search/", {"q": query})
    assert response.status_code == 200
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH
    assert "\x00" not in response.content.decode()


def test_query_with_nul_still_finds(client, session_article):
    response = client.get("/ru/search/", {"q": "сессия\x00"})
    assert [r.obj.pk for r in response.context["page_obj"].results] == [session_article.pk]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "2", "1.5", "9" * 30, "١"])
def test_bad_page_numbers_answer_404(client, session_article, page):
    assert client.get("/ru/search/", {"q": "сессия", "page": page}).status_code == 404


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "not-a-date"}, "Enter a valid date."),
        ({"date_to": "2021-02-30"}, "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "Enter a date between 1900 and 2100."),
        ({"date_to": "9999-12-31"}, "Enter a date between 1900 and 2100."),
        (
            {"date_from": "2021-05-01", "date_to": "2021-04-01"},
            "The end date is earlier than the start date.",
        ),
        ({"rubric": "no-such-rubric"}, "Select a valid choice."),
    ],
)
def test_bad_filters_give_a_form_error(client, session_article, params, message):
    response = client.get("/en/search/", {"q": "session", **params})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Please correct the errors in the search form." in html


def test_filters_from_the_form(client):
    rubric = RubricFactory(slug="wco")
    inside = ArticleFactory(title_en="Council session", rubric=rubric)
    ArticleFactory(title_en="Another session")
    response = client.get("/en/search/", {"q": "session", "rubric": "wco"})
    assert [r.obj.pk for r in response.context["page_obj"].results] == [inside.pk]
    day = timezone.localdate(inside.published_at).isoformat()
    response = client.get("/en/search/", {"q": "session", "date_from": day, "date_to": day})
    assert response.status_code == 200
    assert response.context["page_obj"].count == 2


def test_pagination_links_keep_the_query_and_filters(client):
    for i in range(21):
        ArticleFactory(title_en=f"Session {i}")
    html = client.get("/en/search/", {"q": "session", "date_from": "2000-01-01"}).content.decode()
    assert 'href="?q=session&amp;date_from=2000-01-01&amp;page=2"' in html
    assert "Next page" in html
    second = client.get("/en/search/", {"q": "session", "date_from": "2000-01-01", "page": "2"})
    assert len(second.context["page_obj"].results) == 1


def test_search_timeout_gives_a_friendly_message(client, session_article, monkeypatch):
    def slow(*args, **kwargs):
        raise SearchTimeout

    monkeypatch.setattr("fcs_site.search_views.run_search", slow)
    response = client.get("/en/search/", {"q": "session"})
    assert response.status_code == 503
    assert "The search took too long" in response.content.decode()


@pytest.mark.parametrize("size", [3, 25])
def test_search_page_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, size
):
    RubricFactory.create_batch(2)
    ArticleFactory.create_batch(size, title_ru="Сессия Совета", rubric=RubricFactory())
    # The filters' choices, the page's hits with the total, the page's rows with their
    # highlighted titles and fragments (one query for every kind of result); on PostgreSQL
    # also setting the timeout and the transaction around the search: here a savepoint and
    # its release in the test's transaction, and resetting the timeout (in production
    # BEGIN and COMMIT: 6).
    expected = 7 if ON_POSTGRES else 3
    with django_assert_num_queries(expected):
        response = client.get("/ru/search/", {"q": "сессия"})
    assert len(response.context["page_obj"].results) == min(size, 20)


# The SQLite fallback.


@sqlite_only
def test_fallback_is_case_insensitive_also_for_cyrillic(session_article):
    for query in ("ВТАМО", "втамо", "СЕССИЯ", "Сессия", "DELEGATION"):
        language = "en" if query.isascii() else "ru"
        assert found(query, language) == [session_article.pk], query


@sqlite_only
def test_fallback_treats_yo_as_ye(session_article):
    assert found("учет") == [session_article.pk]
    assert found("УЧЁТ") == [session_article.pk]


@sqlite_only
def test_fallback_needs_every_word_and_matches_inside_words(session_article):
    assert found("сессия комитета") == [session_article.pk]
    assert found("сессия совета") == []
    # A simpler match than full-text search: word parts match, word forms do not.
    assert found("правоприменен") == [session_article.pk]
    assert found("сессии") == []


@sqlite_only
def test_fallback_highlights_in_python(session_article):
    result = search("втамо", "ru").results[0]
    assert result.title.endswith("<mark>ВТамО</mark>")
    assert search("учет", "ru").results[0].snippet.count("<mark>Учёт</mark>") == 1


@sqlite_only
def test_fallback_orders_newest_first():
    older = ArticleFactory(title_ru="Сессия", published_at=timezone.now() - timedelta(days=2))
    newer = ArticleFactory(body_ru="<p>сессия</p>", published_at=timezone.now() - timedelta(days=1))
    assert found("сессия") == [newer.pk, older.pk]


# PostgreSQL full-text search.


@postgres_only
def test_russian_morphology(session_article):
    for query in ("сессии", "сессию", "сессиями", "комитетов", "делегации", "ВТамО"):
        assert found(query) == [session_article.pk], query


@postgres_only
def test_english_morphology(session_article):
    for query in ("sessions", "session", "committees", "delegations", "offence", "Smuggled"):
        assert found(query, "en") == [session_article.pk], query


@postgres_only
def test_yo_is_ye_both_in_the_text_and_in_the_query(session_article):
    other = ArticleFactory(title_ru="Учет товаров", body_ru="<p>Текст.</p>")
    assert set(found("учёт")) == {session_article.pk, other.pk}
    assert set(found("учет")) == {session_article.pk, other.pk}
    snippet = next(
        r.snippet for r in search("учёт", "ru").results if r.obj.pk == session_article.pk
    )
    assert "<mark>Учет</mark>" in snippet


@postgres_only
def test_ranking_title_before_lead_before_body():
    now = timezone.now()
    in_body = ArticleFactory(
        title_ru="Новости", lead_ru="Кратко.", body_ru="<p>Прошла сессия.</p>",
        published_at=now - timedelta(hours=1),
    )  # fmt: skip
    in_lead = ArticleFactory(
        title_ru="Новости", lead_ru="Прошла сессия.", body_ru="<p>Текст.</p>",
        published_at=now - timedelta(hours=2),
    )  # fmt: skip
    in_title = ArticleFactory(
        title_ru="Прошла сессия", lead_ru="Кратко.", body_ru="<p>Текст.</p>",
        published_at=now - timedelta(hours=3),
    )  # fmt: skip
    page = search("сессии", "ru")
    assert [r.obj.pk for r in page.results] == [in_title.pk, in_lead.pk, in_body.pk]
    ranks = [r.rank for r in page.results]
    assert ranks[0] > ranks[1] > ranks[2] > 0


@postgres_only
def test_websearch_syntax_phrases_and_exclusions():
    council = ArticleFactory(title_en="Session of the Council", body_en="<p>In Brussels.</p>")
    committee = ArticleFactory(title_en="Session of the Committee", body_en="<p>Virtual.</p>")
    assert set(found("session", "en")) == {council.pk, committee.pk}
    assert found("session -council", "en") == [committee.pk]
    assert found('"of the committee"', "en") == [committee.pk]
    assert set(found("council or committee", "en")) == {council.pk, committee.pk}


@postgres_only
def test_headline_marks_word_forms(session_article):
    result = search("сессии", "ru").results[0]
    assert "<mark>сессия</mark>" in result.title
    result = search("smuggled", "en").results[0]
    assert "<mark>smuggling</mark>" in result.snippet
    # Entities of the body's HTML are shown as the characters they stand for, escaped once.
    assert "smuggling</mark> &amp; customs" in result.snippet


@postgres_only
def test_a_fragment_is_two_short_passages_around_the_matches():
    filler = " ".join(f"word{number}" for number in range(200))
    ArticleFactory(
        title_en="A long report",
        lead_en="",
        body_en=f"<p>{filler} The first seizure. {filler} A second seizure here. {filler}</p>",
    )
    snippet = search("seizure", "en").results[0].snippet
    assert snippet.count("<mark>seizure</mark>") == 2
    assert " … " in snippet
    # Two passages of at most 20 words each, not the body.
    assert len(snippet.split()) <= 2 * 20 + 1
    assert "word100 " not in snippet


@postgres_only
def test_search_vectors_are_stored_weighted_and_gin_indexed(session_article):
    session_article.refresh_from_db()
    assert "'сесс':" in session_article.search_ru and "A" in session_article.search_ru
    assert "'session':" in session_article.search_en
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'news_article'"
            " AND indexdef LIKE '%%USING gin%%'"
        )
        indexes = dict(cursor.fetchall())
    assert set(indexes) == {"news_article_search_ru", "news_article_search_en"}


def current_statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@postgres_only
def test_statement_timeout_cancels_slow_queries():
    before = current_statement_timeout()  # the site's own (DJANGO_DB_STATEMENT_TIMEOUT_MS)
    with pytest.raises(SearchTimeout), statement_timeout(10), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1)")
    # The connection is usable afterwards and the timeout is back to what it was.
    assert current_statement_timeout() == before


@postgres_only
def test_statement_timeout_is_restored_after_a_search(session_article):
    before = current_statement_timeout()
    search("сессия", "ru")
    assert current_statement_timeout() == before


@postgres_only
def test_slow_search_answers_with_the_timeout_message(client, session_article, monkeypatch):
    original = search_module.ArticleSource.public_queryset

    def slow_queryset(self, language, now=None):
        return original(self, language, now).extra(where=["pg_sleep(0.2) IS NOT NULL"])

    monkeypatch.setattr(search_module.ArticleSource, "public_queryset", slow_queryset)
    monkeypatch.setattr("django.conf.settings.FCS_SEARCH_TIMEOUT_MS", 20)
    response = client.get("/ru/search/", {"q": "сессия"})
    assert response.status_code == 503
    assert "слишком" in response.content.decode()


def _dated_matches(now):
    """An old article that matches strongly (its headline) and four newer, weaker ones."""
    old = ArticleFactory(
        title_en="Customs, customs and customs", published_at=now - timedelta(days=30)
    )
    newer = [
        ArticleFactory(
            title_en=f"Report number {day}",
            body_en="<p>The customs service reported.</p>",
            published_at=now - timedelta(days=day),
        )
        for day in range(1, 5)
    ]
    return old, newer


def vector_storage():
    """How PostgreSQL stores the article vectors: {column: attstorage}, and the table's
    options."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'news_article'::regclass"
            " AND attname IN ('search_ru', 'search_en')"
        )
        storage = dict(cursor.fetchall())
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'news_article'::regclass")
        (options,) = cursor.fetchone()
    return storage, options or []


def toast_chunks() -> int:
    """The chunks of values the article table keeps out of line."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltoastrelid::regclass FROM pg_class WHERE relname = 'news_article'"
        )
        (toast,) = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {toast}")
        return cursor.fetchone()[0]


@postgres_only
def test_postgresql_keeps_article_vectors_in_the_row_and_moves_existing_ones_in():
    """Stored out of line, each vector read by the ranking is a TOAST lookup (migrations
    0011 and 0012)."""
    storage = importlib.import_module("news.migrations.0011_article_search_vectors_stored_inline")
    moving = importlib.import_module("news.migrations.0012_article_search_vectors_moved_into_rows")
    assert vector_storage() == (
        {"search_ru": "m", "search_en": "m"},
        ["toast_tuple_target=8160"],
    )
    with connection.cursor() as cursor:  # ALTER TABLE waits for no checks of the test's rows
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        storage.store_as_before(None, editor)
    assert vector_storage() == ({"search_ru": "x", "search_en": "x"}, [])

    # A long release, saved the old way: its Russian vector (7 KB) goes out of line.
    words = random.Random(8).choices("абвгдежзиклмнопрстуфхцчшэюя", k=2400)
    body = " ".join("".join(words[i : i + 8]) for i in range(0, len(words), 8))
    article = ArticleFactory(title_ru="Таможенный контроль", body_ru=f"<p>{body}</p>")
    before = Article.objects.filter(pk=article.pk).values_list("search_ru", "search_en").get()
    out_of_line = toast_chunks()

    with connection.schema_editor() as editor:
        storage.keep_inline(None, editor)
        moving.move_vectors(None, editor)
    assert vector_storage()[0] == {"search_ru": "m", "search_en": "m"}
    # The vector's four chunks are gone, and no short column took their place.
    assert toast_chunks() == out_of_line - 4
    after = Article.objects.filter(pk=article.pk).values_list("search_ru", "search_en").get()
    assert after == before
    assert found("контроль") == [article.pk] and found(body.split()[100]) == [article.pk]


@postgres_only
def test_postgresql_ranks_only_the_newest_news_matches_and_says_there_are_more(client, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RANKED", 3)
    old, newer = _dated_matches(timezone.now())
    page = search("customs", "en")
    assert page.count_is_lower_bound
    assert page.count == 3
    shown = {result.obj.pk for result in page.results}
    assert old.pk not in shown  # the best match, but older than the newest matches ranked
    assert shown <= {article.pk for article in newer}
    html = client.get("/en/search/", {"q": "customs"}).content.decode()
    assert "Found more than 3 results for “customs”" in html
    for article in [old, *newer]:
        article.title_ru, article.body_ru = "Таможня", "<p>Таможенная служба сообщила.</p>"
        article.save()
    html = client.get("/ru/search/", {"q": "таможня"}).content.decode()
    assert "Найдено более 3 результатов по запросу «таможня»" in html


@postgres_only
def test_postgresql_counts_exactly_up_to_the_bound(client, monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RANKED", 5)
    old, _newer = _dated_matches(timezone.now())
    page = search("customs", "en")
    assert (page.count, page.count_is_lower_bound) == (5, False)
    assert page.results[0].obj.pk == old.pk  # all five are ranked: the headline wins
    html = client.get("/en/search/", {"q": "customs"}).content.decode()
    assert "Found 5 results for “customs”" in html


@sqlite_only
def test_the_fallback_counts_every_match(monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RANKED", 3)
    _dated_matches(timezone.now())
    page = search("customs", "en")
    assert (page.count, page.count_is_lower_bound) == (5, False)


@postgres_only
def test_postgresql_pages_hold_exactly_the_ranked_newest_matches(monkeypatch):
    monkeypatch.setattr(search_module, "MAX_RANKED", 3)
    now = timezone.now()
    articles = [
        ArticleFactory(title_en=f"Customs item {day}", published_at=now - timedelta(days=day))
        for day in range(1, 7)
    ]
    first = search("customs", "en", per_page=2)
    assert (first.count, first.num_pages, first.count_is_lower_bound) == (3, 2, True)
    shown = [r.obj.pk for r in first.results]
    shown += [r.obj.pk for r in search("customs", "en", per_page=2, page=2).results]
    assert sorted(shown) == sorted(article.pk for article in articles[:3])


@pytest.mark.parametrize(
    ("language", "query", "shown"),
    [("ru", "заседание", "9 апреля 2021"), ("en", "meeting", "9 April 2021")],
)
def test_a_result_shows_its_date_in_the_page_language(client, language, query, shown):
    ArticleFactory(
        title_ru="Заседание", title_en="Meeting",
        published_at=datetime(2021, 4, 9, 0, 30, 0, 123456, tzinfo=MSK),
    )  # fmt: skip
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    # Moscow time, to the second, as on the article's page: in UTC it was still 8 April.
    assert f'<time datetime="2021-04-09T00:30:00+03:00">{shown}</time>' in html
