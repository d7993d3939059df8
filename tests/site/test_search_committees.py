"""Site search over WCO bodies, sessions and people, and the body filter."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from committees.models import Body, Person, Post, Session
from fcs_site import committees_index
from fcs_site.search import SearchFilters, search
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    PersonFactory,
    PhaseFactory,
    PostFactory,
    RubricFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL full-text search")
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="the fallback match")


def found(query, language="ru", **kwargs):
    """(kind, id) of each result, in order."""
    return [(r.source.key, r.obj.pk) for r in search(query, language, **kwargs).results]


def kinds(query, language="ru", **kwargs):
    return {key for key, _pk in found(query, language, **kwargs)}


@pytest.fixture
def ec():
    return BodyFactory(
        slug="enforcement-committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        name_en="Enforcement Committee",
        abbreviation_ru="КП",
        abbreviation_en="EC",
        description_ru="Рабочий орган ВТамО. Обсуждает борьбу с контрабандой.",
        description_en="A working body of the WCO. It deals with smuggling.",
    )


@pytest.fixture
def session(ec):
    return SessionFactory(
        body=ec,
        number=41,
        start_date=date(2021, 3, 22),
        end_date=date(2021, 3, 26),
        venue_ru="Видеоконференция",
        venue_en="Videoconference",
        summary_ru="Делегаты обсудили незаконный оборот культурных ценностей.",
        summary_en="Delegates discussed trafficking in cultural property.",
    )


@pytest.fixture
def person():
    return PersonFactory(
        given_name_ru="Артём",
        given_name_en="Artyom",
        family_name_ru="Фёдоров",
        family_name_en="Fyodorov",
        name_ru="Артём Фёдоров",
        name_en="Artyom Fyodorov",
        position_ru="начальник управления",
        position_en="Head of Department",
        organisation_ru="ФТС России",
        organisation_en="Federal Customs Service of Russia",
        country_ru="Россия",
        country_en="Russia",
    )


# Every database.


def test_finds_bodies_sessions_and_people(ec, session, person):
    assert set(found("правоприменению")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert set(found("enforcement", "en")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert set(found("КП")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert found("видеоконференция") == [("sessions", session.pk)]
    assert found("ценностей") == [("sessions", session.pk)]
    assert found("Фёдоров") == [("people", person.pk)]
    assert found("управления") == [("people", person.pk)]
    assert found("Fyodorov", "en") == [("people", person.pk)]
    assert found("Customs Service", "en") == [("people", person.pk)]


def test_the_abbreviation_finds_the_body_and_its_sessions(ec, session):
    assert set(found("EC", "en")) == {("bodies", ec.pk), ("sessions", session.pk)}


def test_a_session_is_found_by_its_number(ec, session):
    SessionFactory(body=ec, number=42)
    assert found("41 правоприменению") == [("sessions", session.pk)]
    assert found("41st enforcement", "en") == [("sessions", session.pk)]
    assert found("EC 41", "en") == [("sessions", session.pk)]


def test_rows_unavailable_in_the_language_are_not_found():
    russian_body = BodyFactory(
        russian_only=True, name_ru="Финансовый комитет", name_genitive_ru="Финансового комитета"
    )
    russian_session = SessionFactory(body=russian_body)
    russian_person = PersonFactory(russian_only=True, name_ru="Пётр Кузнецов")
    assert set(found("комитет")) == {
        ("bodies", russian_body.pk),
        ("sessions", russian_session.pk),
    }
    assert found("Кузнецов") == [("people", russian_person.pk)]
    # The English page has nothing of them, whatever the words.
    for query in ("финансовый", "Кузнецов", "committee", "session", "Russia"):
        assert found(query, "en") == [], query


def test_the_phases_of_a_session_are_not_results_of_their_own(ec, session):
    PhaseFactory(parent=session, venue_ru="Видеоконференция", venue_en="Videoconference")
    assert found("видеоконференция") == [("sessions", session.pk)]
    assert found("videoconference", "en") == [("sessions", session.pk)]


def test_the_session_result_shows_its_title_address_and_dates(ec, session):
    result = search("правоприменению", "ru", filters=SearchFilters(date_from=date(2021, 1, 1)))
    (hit,) = result.results
    assert hit.url == "/ru/committees/enforcement-committee/sessions/41/"
    assert hit.title.replace("<mark>", "").replace("</mark>", "") == (
        "41-я сессия Комитета по правоприменению ВТамО"
    )
    assert hit.date == date(2021, 3, 22)
    assert hit.date_text == "22–26 марта 2021 г."
    english = search("enforcement", "en").results
    titles = {r.source.key: r.title.replace("<mark>", "").replace("</mark>", "") for r in english}
    assert titles == {
        "sessions": "41st session of the WCO Enforcement Committee",
        "bodies": "Enforcement Committee (EC)",
    }


def test_date_filters_leave_out_bodies_and_people_and_use_the_session_start(ec, session, person):
    other = SessionFactory(body=ec, number=40, start_date=date(2020, 2, 24))
    article = ArticleFactory(
        title_ru="Комитет по правоприменению провёл сессию",
        published_at=datetime(2021, 3, 26, 12, tzinfo=MSK),
    )
    day = SearchFilters(date_from=date(2021, 3, 22), date_to=date(2021, 3, 22))
    assert found("правоприменению", filters=day) == [("sessions", session.pk)]
    spring = SearchFilters(date_from=date(2021, 3, 1), date_to=date(2021, 3, 31))
    assert set(found("правоприменению", filters=spring)) == {
        ("sessions", session.pk),
        ("articles", article.pk),
    }
    before = SearchFilters(date_to=date(2021, 3, 21))
    assert found("правоприменению", filters=before) == [("sessions", other.pk)]
    assert found("Фёдоров", filters=SearchFilters(date_from=date(2000, 1, 1))) == []


def test_the_rubric_filter_keeps_articles_only(ec, session):
    rubric = RubricFactory()
    article = ArticleFactory(title_ru="Комитет по правоприменению", rubric=rubric)
    assert found("правоприменению", filters=SearchFilters(rubric=rubric)) == [
        ("articles", article.pk)
    ]


def test_the_body_filter(ec, session, person):
    council = BodyFactory(
        name_ru="Совет по правоприменению",
        name_genitive_ru="Совета по правоприменению",
        name_en="Enforcement Council",
    )
    council_session = SessionFactory(body=council, summary_ru="Доклад представил Фёдоров.")
    about_ec = ArticleFactory(title_ru="Итоги года. Фёдоров")
    about_ec.bodies.add(ec)
    elsewhere = ArticleFactory(title_ru="Новости мира. Фёдоров")
    elsewhere.bodies.add(council)
    unlinked = ArticleFactory(title_ru="Новости без органа. Фёдоров")
    TermFactory(person=person, post=PostFactory(body=ec, role=Post.Role.VICE_CHAIR))
    other_person = PersonFactory(name_ru="Семён Фёдоров", family_name_ru="Фёдоров")

    assert set(found("Фёдоров")) == {
        ("people", person.pk),
        ("people", other_person.pk),
        ("sessions", council_session.pk),
        ("articles", about_ec.pk),
        ("articles", elsewhere.pk),
        ("articles", unlinked.pk),
    }
    # The articles about the body, and the people who hold or held one of its posts.
    assert set(found("Фёдоров", filters=SearchFilters(body=ec))) == {
        ("people", person.pk),
        ("articles", about_ec.pk),
    }
    # The body itself and its sessions; the id works as well as the body.
    assert set(found("правоприменению", filters=SearchFilters(body=ec.pk))) == {
        ("bodies", ec.pk),
        ("sessions", session.pk),
    }
    assert set(found("правоприменению", filters=SearchFilters(body=council))) == {
        ("bodies", council.pk),
        ("sessions", council_session.pk),
    }


# Keeping the columns current.


def test_renaming_a_body_reindexes_it_and_its_sessions(ec, session):
    ec.name_ru = "Таможенный совет"
    ec.name_genitive_ru = "Таможенного совета"
    ec.save()
    assert set(found("совет")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert found("правоприменению") == []
    result = search("совет", "ru").results
    titles = {r.source.key: r.title.replace("<mark>", "").replace("</mark>", "") for r in result}
    assert titles["sessions"] == "41-я сессия Таможенного совета ВТамО"


def test_saving_a_body_rewrites_only_the_sessions_whose_text_changed(ec, session):
    SessionFactory(body=ec, number=42)
    ec.description_ru = "Новое описание."
    with CaptureQueriesContext(connection) as queries:
        ec.save()
    session_writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "committees_session"')
    ]
    assert session_writes == []
    ec.name_en = "Customs Enforcement Committee"
    with CaptureQueriesContext(connection) as queries:
        ec.save()
    session_writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('UPDATE "committees_session"')
    ]
    assert len(session_writes) == 2


def test_saving_a_session_or_a_person_reindexes_it(ec, session, person):
    session.venue_ru = "Брюссель"
    session.save()
    assert found("брюссель") == [("sessions", session.pk)]
    assert found("видеоконференция") == []
    person.position_ru = "советник"
    person.save(update_fields=["position_ru"])
    assert found("советник") == [("people", person.pk)]


def test_rows_written_without_save_are_refilled_by_the_rebuild_command(ec, session, person):
    Body.objects.filter(pk=ec.pk).update(search_text_ru="", search_ru=None)
    Session.objects.filter(pk=session.pk).update(search_text_ru="", search_ru=None)
    Person.objects.filter(pk=person.pk).update(search_text_ru="", search_ru=None)
    assert found("правоприменению") == [] and found("Фёдоров") == []
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Search index rebuilt for 1 bodies, 1 sessions and 1 people." in out.getvalue()
    assert set(found("правоприменению")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert found("Фёдоров") == [("people", person.pk)]


def test_the_data_migration_indexes_existing_rows_with_historical_models(ec, session, person):
    Body.objects.update(search_text_ru="", search_text_en="", search_ru=None, search_en=None)
    Session.objects.update(search_text_ru="", search_text_en="", search_ru=None, search_en=None)
    Person.objects.update(search_text_ru="", search_text_en="", search_ru=None, search_en=None)
    state = MigrationExecutor(connection).loader.project_state(
        ("fcs_site", "0001_index_committees_for_search")
    )
    counts = committees_index.reindex_committees(
        body_model=state.apps.get_model("committees", "Body"),
        session_model=state.apps.get_model("committees", "Session"),
        person_model=state.apps.get_model("committees", "Person"),
    )
    assert counts == {"bodies": 1, "sessions": 1, "people": 1}
    assert set(found("enforcement", "en")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert found("Фёдоров") == [("people", person.pk)]


def test_loaddata_keeps_the_columns_it_brings(ec):
    """A restored backup brings the columns with the rows: a raw save writes nothing more."""
    original = Body.objects.get(pk=ec.pk).search_text_ru
    data = serializers.serialize("json", Body.objects.filter(pk=ec.pk))
    Body.objects.filter(pk=ec.pk).update(search_text_ru="")
    with CaptureQueriesContext(connection) as queries:
        next(serializers.deserialize("json", data)).save()
    writes = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "committees_body"')]
    assert len(writes) == 1
    assert Body.objects.get(pk=ec.pk).search_text_ru == original != ""


# The page.


@pytest.mark.parametrize(
    ("language", "query", "labels"),
    [
        ("ru", "правоприменению", ["Органы ВТамО", "Сессии", "Новости"]),
        ("en", "enforcement", ["WCO bodies", "Sessions", "News"]),
    ],
)
def test_the_page_shows_the_kind_of_each_result(client, ec, session, language, query, labels):
    ArticleFactory(title_ru="Комитет по правоприменению", title_en="Enforcement news")
    html = client.get(f"/{language}/search/", {"q": query}).content.decode()
    for label in labels:
        assert f'<p class="search-result__meta">{label}' in html, label
    assert session.get_absolute_url(language) in html
    assert ec.get_absolute_url(language) in html


def test_the_page_shows_people_with_their_position(client, person):
    html = client.get("/en/search/", {"q": "Fyodorov"}).content.decode()
    assert '<p class="search-result__meta">People</p>' in html
    assert person.get_absolute_url("en") in html
    assert "Head of Department, Federal Customs Service of Russia, Russia" in html
    ru = client.get("/ru/search/", {"q": "Фёдоров"}).content.decode()
    assert '<p class="search-result__meta">Персоналии</p>' in ru


def test_the_body_filter_in_the_form(client, ec, session):
    BodyFactory(slug="council", name_en="Enforcement Council")
    linked = ArticleFactory(title_en="Enforcement news")
    linked.bodies.add(ec)
    ArticleFactory(title_en="Other enforcement news")
    html = client.get("/en/search/").content.decode()
    assert '<select name="body" id="id_body">' in html
    assert '<option value="enforcement-committee">Enforcement Committee</option>' in html
    assert '<option value="council">Enforcement Council</option>' in html
    response = client.get("/en/search/", {"q": "enforcement", "body": "enforcement-committee"})
    assert response.status_code == 200
    assert {(r.source.key, r.obj.pk) for r in response.context["page_obj"].results} == {
        ("bodies", ec.pk),
        ("sessions", session.pk),
        ("articles", linked.pk),
    }
    assert '<option value="enforcement-committee" selected>' in response.content.decode()


@pytest.mark.parametrize(
    "value",
    ["no-such-body", "1", str(2**70), "../council", "<script>window.__xss=1</script>", "a\x00b"],
)
def test_bad_body_values_give_a_form_error(client, ec, value):
    response = client.get("/en/search/", {"q": "enforcement", "body": value})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice. That choice is not one of the available choices." in html
    assert "<script>window.__xss" not in html and "\x00" not in html
    russian = client.get("/ru/search/", {"q": "правоприменению", "body": value})
    assert "Выберите корректный вариант." in russian.content.decode()


def test_the_filter_choices_follow_each_change_to_rubrics_and_bodies(client, ec):
    first = client.get("/en/search/").content.decode()
    assert '<option value="enforcement-committee">Enforcement Committee</option>' in first
    assert "council" not in first
    BodyFactory(slug="council", name_en="Council")
    ec.name_en = "Enforcement Committee (renamed)"
    ec.save()
    rubric = RubricFactory(slug="wco-news", name_en="WCO news")
    html = client.get("/en/search/").content.decode()
    assert '<option value="council">Council</option>' in html
    assert "Enforcement Committee (renamed)</option>" in html
    assert '<option value="wco-news">WCO news</option>' in html
    assert client.get("/en/search/", {"q": "x", "rubric": "wco-news"}).status_code == 200
    rubric.delete()
    after_delete = client.get("/en/search/", {"q": "x", "rubric": "wco-news"})
    assert after_delete.status_code == 400
    assert '<option value="wco-news">' not in after_delete.content.decode()


def test_a_body_missing_in_the_language_is_no_choice_there(client):
    BodyFactory(slug="russian-only", russian_only=True)
    assert 'value="russian-only"' not in client.get("/en/search/").content.decode()
    response = client.get("/en/search/", {"q": "committee", "body": "russian-only"})
    assert response.status_code == 400
    assert client.get("/ru/search/", {"q": "комитет", "body": "russian-only"}).status_code == 200


def make_matching_content(size):
    """`size` bodies, sessions, people and articles, every one matching «комитет»."""
    rubric = RubricFactory()
    bodies = []
    for number in range(size):
        body = BodyFactory(name_ru=f"Комитет {number}", name_genitive_ru=f"Комитета {number}")
        SessionFactory(body=body)
        PersonFactory(position_ru="член комитета")
        ArticleFactory(title_ru=f"Заседание комитета {number}", rubric=rubric).bodies.add(body)
        bodies.append(body)
    return bodies


@pytest.mark.parametrize("size", [2, 12])
def test_search_page_query_count_with_every_kind_of_result(client, django_assert_num_queries, size):
    bodies = make_matching_content(size)
    # The filters' choices, the page's hits with the total, the page's rows with their
    # highlighted titles and fragments (one query for every kind of result); on PostgreSQL
    # also setting the timeout and the transaction around the search: here a savepoint and
    # its release in the test's transaction, and resetting the timeout (in production
    # BEGIN and COMMIT: 6). Every search reads them all again.
    expected = 7 if ON_POSTGRES else 3
    with django_assert_num_queries(expected):
        response = client.get("/ru/search/", {"q": "комитет"})
    page = response.context["page_obj"]
    assert page.count == 4 * size
    shown = {r.source.key for r in page.results}
    for number in range(2, page.num_pages + 1):
        with django_assert_num_queries(expected):
            response = client.get("/ru/search/", {"q": "комитет", "page": number})
        shown |= {r.source.key for r in response.context["page_obj"].results}
    assert shown == {"bodies", "sessions", "people", "articles"}
    filters = {"body": bodies[0].slug, "date_from": "2000-01-01"}
    with django_assert_num_queries(expected):
        response = client.get("/ru/search/", {"q": "комитет", **filters})
    assert {r.source.key for r in response.context["page_obj"].results} == {"sessions", "articles"}


# The SQLite fallback.


@sqlite_only
def test_fallback_matches_parts_of_words_and_yo_as_ye(ec, session, person):
    assert set(found("комитет")) == {("bodies", ec.pk), ("sessions", session.pk)}
    assert found("федоров") == [("people", person.pk)]
    assert found("ФЁДОРОВ") == [("people", person.pk)]
    # No word forms: "сессии" is not a part of "сессия".
    assert found("сессии") == []


@sqlite_only
def test_fallback_puts_bodies_and_people_first_then_the_newest(ec, session):
    older = SessionFactory(body=ec, number=40, start_date=date(2020, 2, 24))
    article = ArticleFactory(title_ru="Комитет по правоприменению")
    assert found("правоприменению") == [
        ("bodies", ec.pk),
        ("articles", article.pk),
        ("sessions", session.pk),
        ("sessions", older.pk),
    ]


@sqlite_only
def test_fallback_highlights_titles_and_snippets_in_python(ec, session, person):
    results = {r.source.key: r for r in search("правоприменению", "ru").results}
    assert results["sessions"].title == "41-я сессия Комитета по <mark>правоприменению</mark> ВТамО"
    result = search("россии", "ru").results[0]
    assert result.snippet == "начальник управления, ФТС <mark>России</mark>, Россия"


# PostgreSQL full-text search.


@postgres_only
def test_russian_morphology(ec, session, person):
    for query in ("сессии", "сессию", "сессиях", "сессия"):
        assert found(query) == [("sessions", session.pk)], query
    for query in ("комитета", "комитет", "комитетов", "правоприменения"):
        assert set(found(query)) == {("bodies", ec.pk), ("sessions", session.pk)}, query
    assert found("контрабанды") == [("bodies", ec.pk)]
    assert found("начальника управлений") == [("people", person.pk)]


@postgres_only
def test_english_morphology(ec, session, person):
    for query in ("sessions", "session"):
        assert found(query, "en") == [("sessions", session.pk)], query
    for query in ("committees", "enforcing"):
        assert set(found(query, "en")) == {("bodies", ec.pk), ("sessions", session.pk)}, query
    assert found("departments", "en") == [("people", person.pk)]


@postgres_only
def test_yo_is_ye_in_names_and_queries(person):
    other = PersonFactory(name_ru="Семен Федоров", family_name_ru="Федоров")
    # (Snowball stems surnames unevenly: «Федоров» and «Федорова» are not one word to it.)
    for query in ("Фёдоров", "Федоров", "ФЁДОРОВ"):
        assert {pk for _key, pk in found(query)} == {person.pk, other.pk}, query


@postgres_only
def test_a_body_named_by_the_words_ranks_above_an_article_that_only_mentions_them(ec):
    article = ArticleFactory(
        title_ru="Новости таможни",
        lead_ru="Кратко.",
        body_ru="<p>Прошло заседание Комитета по правоприменению.</p>",
    )
    page = search("комитет по правоприменению", "ru")
    assert [(r.source.key, r.obj.pk) for r in page.results] == [
        ("bodies", ec.pk),
        ("articles", article.pk),
    ]
    assert page.results[0].rank > page.results[1].rank > 0


@postgres_only
def test_titles_and_fragments_are_highlighted_by_word_forms(ec, session, person):
    (result,) = search("сессии", "ru").results
    assert result.title == "41-я <mark>сессия</mark> Комитета по правоприменению ВТамО"
    (result,) = search("sessions", "en").results
    assert result.title == "41st <mark>session</mark> of the WCO Enforcement Committee"
    (result,) = search("контрабанды", "ru").results
    assert "борьбу с <mark>контрабандой</mark>" in result.snippet
    (result,) = search("фёдоров", "ru").results
    assert result.title == "Артем <mark>Федоров</mark>"
    (result,) = search("ценности", "ru").results
    assert "культурных <mark>ценностей</mark>" in result.snippet


@postgres_only
def test_highlighted_titles_cannot_inject_html():
    body = BodyFactory(name_ru='Комитет <script>alert("x")</script>', abbreviation_ru="<b>")
    (result,) = search("комитет", "ru").results
    assert result.obj.pk == body.pk
    assert "<script" not in result.title and "&lt;script&gt;" in result.title
    assert "<mark>Комитет</mark>" in result.title


@postgres_only
def test_search_columns_are_weighted_and_gin_indexed(ec, session, person):
    ec.refresh_from_db()
    session.refresh_from_db()
    assert "'правоприменен':" in ec.search_ru and "A" in ec.search_ru
    assert "'сесс':" in session.search_ru
    assert "'enforc':" in session.search_en
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename LIKE 'committees_%%'"
            " AND indexdef LIKE '%%USING gin%%'"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert indexes == {
        f"committees_{model}_search_{language}"
        for model in ("body", "session", "person")
        for language in ("ru", "en")
    }


def test_session_titles_in_the_index_follow_the_language():
    body = BodyFactory(name_ru="Совет", name_genitive_ru="Совета", name_en="Council")
    session = SessionFactory(body=body, number=139, second_number=140)
    translation.activate("en")
    assert committees_index.session_title(session, body, "ru") == "139-я/140-я сессия Совета ВТамО"
    assert committees_index.session_title(session, body, "en") == (
        "139th/140th session of the WCO Council"
    )
