"""Open data of the committees registry: bodies, sessions and office terms, laid out as the
articles dataset is (passport, versions, structure, CSV and JSON)."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from committees.models import Post, Session
from fcs_site import opendata
from tests.factories import (
    BodyFactory,
    PersonFactory,
    PhaseFactory,
    PostFactory,
    SessionFactory,
    TermFactory,
)
from tests.site.test_opendata import HOST, body, get, read_csv

pytestmark = pytest.mark.django_db

INN = "7730176610"
DATASETS = {
    "bodies": opendata.BodyDataset,
    "sessions": opendata.SessionDataset,
    "terms": opendata.TermDataset,
}


def meta(client, code, language="ru") -> dict:
    rows = read_csv(body(get(client, f"/{language}/opendata/{INN}-{code}/meta.csv")))
    return {row["property"]: row["value"] for row in rows}


def data_url(client, code, fmt="csv", language="ru") -> str:
    link = next(value for key, value in meta(client, code, language).items() if key[:5] == "data-")
    return link.removeprefix(HOST).replace(".csv", f".{fmt}")


def download(client, code, fmt="csv"):
    response = get(client, data_url(client, code, fmt))
    assert response.streaming
    text = body(response)
    assert not text.startswith("\ufeff")
    if fmt == "csv":
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = read_csv(text)
        assert list(rows[0]) == [field.name for field in DATASETS[code].fields]
        return rows
    assert response["Content-Type"] == "application/json; charset=utf-8"
    records = json.loads(text)
    assert all(list(record) == [f.name for f in DATASETS[code].fields] for record in records)
    return records


@pytest.fixture
def registry():
    council = BodyFactory(
        slug="council",
        name_ru="Совет",
        name_genitive_ru="Совета",
        name_en="Council",
        classification="council",
        established_on=date(1952, 11, 4),
        established_precision="day",
        position=0,
    )
    policy = BodyFactory(
        slug="policy-commission", name_en="Policy Commission", reports_to=[council], position=1
    )
    ec = BodyFactory(
        slug="enforcement-committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        name_en="Enforcement Committee",
        abbreviation_en="EC",
        established_on=date(1983, 3, 1),
        established_precision="month",
        reports_to=[policy, council],
        position=2,
    )
    russian = BodyFactory(
        slug="russian-only", russian_only=True, position=3, dissolved_on=date(2001, 1, 1)
    )
    unnamed = BodyFactory(slug="unnamed", name_ru="", name_genitive_ru="", name_en="", position=4)
    council_138 = SessionFactory(
        body=council, number=138, start_date=date(2021, 6, 24), end_date=date(2021, 6, 26)
    )
    ec_41 = SessionFactory(
        body=ec,
        number=41,
        start_date=date(2021, 3, 22),
        end_date=date(2021, 3, 26),
        format=Session.Format.VIRTUAL,
        venue_ru="",
        venue_en="",
        summary_en="Held by videoconference.",
        report_approved_at=council_138,
    )
    council_139 = SessionFactory(
        body=council,
        number=139,
        second_number=140,
        start_date=date(2022, 6, 23),
        end_date=date(2022, 6, 25),
        status=Session.Status.PLANNED,
    )
    phase = PhaseFactory(
        parent=council_139, start_date=date(2022, 6, 23), end_date=date(2022, 6, 23)
    )
    russian_session = SessionFactory(body=russian, number=7, start_date=date(1999, 5, 1))
    hidden_session = SessionFactory(body=unnamed, number=1, start_date=date(2010, 1, 1))
    # Its report was approved at a session the data leave out: no dangling id.
    russian_session.report_approved_at = hidden_session
    russian_session.save()
    bakanov = PersonFactory(name_ru="Олег Баканов", name_en="Oleg Bakanov")
    russian_person = PersonFactory(name_ru="Иван Иванов", name_en="")
    vice_chair = PostFactory(body=ec, role=Post.Role.VICE_CHAIR, max_holders=3)
    term = TermFactory(
        person=bakanov,
        post=vice_chair,
        start_date=date(2021, 3, 26),
        end_date=date(2023, 3, 31),
        elected_at=ec_41,
    )
    acting = TermFactory(
        person=russian_person,
        post=PostFactory(body=council, role=Post.Role.CHAIR),
        start_date=date(2022, 1, 1),
        acting=True,
    )
    hidden_terms = [
        TermFactory(post=PostFactory(body=unnamed)),  # the body has no page anywhere
        # Neither has a person with no name.
        TermFactory(
            person=PersonFactory(name_ru="", name_en=""),
            post=PostFactory(body=council, role=Post.Role.RAPPORTEUR),
        ),
        # The person exists in English only, the body in Russian only: shown nowhere.
        TermFactory(person=PersonFactory(name_ru=""), post=PostFactory(body=russian)),
    ]
    return {
        "bodies": [council, policy, ec, russian, unnamed],
        "sessions": {
            "ec_41": ec_41,
            "council_138": council_138,
            "council_139": council_139,
            "phase": phase,
            "russian": russian_session,
            "hidden": hidden_session,
        },
        "terms": {"bakanov": term, "acting": acting, "hidden": hidden_terms},
    }


@pytest.mark.parametrize("language", ["ru", "en"])
def test_open_data_lists_the_four_datasets(client, language):
    html = get(client, f"/{language}/opendata/").content.decode()
    for code in ("news", "bodies", "sessions", "terms"):
        assert f'href="/{language}/opendata/{INN}-{code}/"' in html
    titles = {
        "ru": ("Органы ВТамО", "Сессии органов ВТамО", "Сроки полномочий в органах ВТамО"),
        "en": ("WCO bodies", "Sessions of the WCO bodies", "Terms of office in the WCO bodies"),
    }
    for title in titles[language]:
        assert title in html
    rows = read_csv(body(get(client, f"/{language}/opendata/list.csv")))
    assert [row["property"] for row in rows] == [
        "standardversion",
        f"{INN}-news",
        f"{INN}-bodies",
        f"{INN}-sessions",
        f"{INN}-terms",
    ]


@pytest.mark.parametrize("code", sorted(DATASETS))
def test_passports_of_the_registry_datasets(client, registry, code):
    identifier = f"{INN}-{code}"
    passport = meta(client, code)
    assert passport["identifier"] == identifier
    assert passport["format"] == "csv"
    assert passport["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert passport["creator"] == "Федеральная таможенная служба"
    assert passport["title"] and passport["description"] and passport["subject"]
    assert passport["modified"] == timezone.localdate().strftime("%Y%m%d")
    assert [key for key in passport if key.startswith("structure-")] == ["structure-20261128"]
    assert passport == json.loads(body(get(client, f"/ru/opendata/{identifier}/meta.json")))
    for language in ("ru", "en"):
        html = get(client, f"/{language}/opendata/{identifier}/").content.decode()
        assert html.count("<h1") == 1
        for field in DATASETS[code].fields:
            assert f"<code>{field.name}</code>" in html
        assert data_url(client, code, "csv", language) in html
        assert data_url(client, code, "json", language) in html


@pytest.mark.parametrize("code", sorted(DATASETS))
def test_structure_files_describe_every_field_in_both_languages(client, code):
    url = f"/en/opendata/{INN}-{code}/structure-20261128"
    rows = read_csv(body(get(client, f"{url}.csv")))
    assert [row["field name"] for row in rows] == [f.name for f in DATASETS[code].fields]
    for row in rows:
        assert row["english description"] and row["russian description"], row
        assert row["english description"] != row["russian description"], row
        assert row["format"], row
    assert json.loads(body(get(client, f"{url}.json"))) == rows


def test_bodies_csv_and_json_match_the_database(client, registry):
    council, policy, ec, russian, _unnamed = registry["bodies"]
    rows = download(client, "bodies")
    assert [int(row["id"]) for row in rows] == [council.pk, policy.pk, ec.pk, russian.pk]
    by_slug = {row["slug"]: row for row in rows}
    row = by_slug["enforcement-committee"]
    assert row["classification"] == "committee"
    assert row["name_ru"] == "Комитет по правоприменению"
    assert row["name_en"] == "Enforcement Committee"
    assert row["abbreviation_en"] == "EC" and row["abbreviation_ru"] == ""
    assert row["established"] == "1983-03"  # known to the month
    assert row["dissolved"] == ""
    assert row["reports_to"] == "council;policy-commission"
    assert row["url_ru"] == HOST + ec.get_absolute_url("ru")
    assert row["url_en"] == HOST + ec.get_absolute_url("en")
    assert row["updated_at"] == timezone.localtime(ec.updated_at).isoformat()
    assert by_slug["council"]["established"] == "1952-11-04"
    assert by_slug["council"]["reports_to"] == ""
    assert by_slug["russian-only"]["dissolved"] == "2001"
    assert by_slug["russian-only"]["name_en"] == by_slug["russian-only"]["url_en"] == ""

    records = {record["slug"]: record for record in download(client, "bodies", "json")}
    assert list(records) == list(by_slug)
    assert records["enforcement-committee"]["reports_to"] == ["council", "policy-commission"]
    assert records["enforcement-committee"]["id"] == ec.pk
    assert records["council"]["reports_to"] == []
    assert records["russian-only"]["name_en"] is None
    assert records["russian-only"]["url_en"] is None
    assert records["russian-only"]["name_ru"] == russian.name_ru


def test_sessions_csv_and_json_match_the_database(client, registry):
    sessions = registry["sessions"]
    rows = download(client, "sessions")
    expected = ["russian", "ec_41", "council_138", "council_139", "phase"]
    assert [int(row["id"]) for row in rows] == [sessions[name].pk for name in expected]
    by_id = {int(row["id"]): row for row in rows}
    row = by_id[sessions["ec_41"].pk]
    assert row["body"] == "enforcement-committee"
    assert row["number"] == "41" and row["second_number"] == "" and row["parent"] == ""
    assert row["start_date"] == "2021-03-22" and row["end_date"] == "2021-03-26"
    assert row["format"] == "virtual" and row["status"] == "held"
    assert row["report_approved_at"] == str(sessions["council_138"].pk)
    assert row["title_ru"] == "41-я сессия Комитета по правоприменению ВТамО"
    assert row["title_en"] == "41st session of the WCO Enforcement Committee"
    assert row["summary_en"] == "Held by videoconference."
    assert row["url_en"] == HOST + sessions["ec_41"].get_absolute_url("en")
    double = by_id[sessions["council_139"].pk]
    assert (double["number"], double["second_number"]) == ("139", "140")
    assert double["title_en"] == "139th/140th session of the WCO Council"
    assert double["status"] == "planned"
    phase = by_id[sessions["phase"].pk]
    assert phase["parent"] == str(sessions["council_139"].pk) and phase["number"] == ""
    assert phase["url_ru"] == HOST + sessions["phase"].get_absolute_url("ru")
    assert "#phase-" in phase["url_ru"]
    russian = by_id[sessions["russian"].pk]
    assert russian["title_en"] == russian["url_en"] == russian["venue_en"] == ""
    assert russian["venue_ru"] == "Брюссель"
    assert russian["report_approved_at"] == ""

    records = {record["id"]: record for record in download(client, "sessions", "json")}
    assert list(records) == list(by_id)
    record = records[sessions["ec_41"].pk]
    assert record["number"] == 41 and record["second_number"] is None
    assert record["report_approved_at"] == sessions["council_138"].pk
    assert record["start_date"] == "2021-03-22"
    assert records[sessions["russian"].pk]["title_en"] is None


def test_terms_csv_and_json_match_the_database(client, registry):
    terms = registry["terms"]
    rows = download(client, "terms")
    assert [int(row["id"]) for row in rows] == [terms["bakanov"].pk, terms["acting"].pk]
    bakanov, acting = rows
    term = terms["bakanov"]
    assert bakanov["person"] == str(term.person_id)
    assert bakanov["post"] == str(term.post_id)
    assert bakanov["role"] == "vice_chair"
    assert bakanov["body"] == "enforcement-committee"
    assert bakanov["start_date"] == "2021-03-26" and bakanov["end_date"] == "2023-03-31"
    assert bakanov["elected_at"] == str(registry["sessions"]["ec_41"].pk)
    assert bakanov["elected_at_number"] == "41"
    assert bakanov["acting"] == "false"
    assert bakanov["person_name_ru"] == "Олег Баканов"
    assert bakanov["person_name_en"] == "Oleg Bakanov"
    assert bakanov["person_url_en"] == HOST + term.person.get_absolute_url("en")
    assert acting["role"] == "chair" and acting["body"] == "council"
    assert acting["acting"] == "true"
    assert acting["end_date"] == acting["elected_at"] == acting["elected_at_number"] == ""
    assert acting["person_name_en"] == acting["person_url_en"] == ""

    records = download(client, "terms", "json")
    assert [record["id"] for record in records] == [terms["bakanov"].pk, terms["acting"].pk]
    assert records[0]["acting"] is False and records[1]["acting"] is True
    assert records[0]["elected_at_number"] == 41 and records[1]["elected_at"] is None
    assert records[1]["end_date"] is None
    assert records[1]["person_name_en"] is None


def test_registry_csv_cells_cannot_become_spreadsheet_formulas(client):
    body = BodyFactory(name_en='=HYPERLINK("http://evil.example")', abbreviation_ru="+1")
    SessionFactory(body=body, venue_en="@SUM(A1)", summary_ru="-2")
    TermFactory(person=PersonFactory(name_en="=1+1"), post=PostFactory(body=body))
    (body_row,) = download(client, "bodies")
    assert body_row["name_en"] == '\'=HYPERLINK("http://evil.example")'
    assert body_row["abbreviation_ru"] == "'+1"
    (session_row,) = download(client, "sessions")
    assert session_row["venue_en"] == "'@SUM(A1)" and session_row["summary_ru"] == "'-2"
    (term_row,) = download(client, "terms")
    assert term_row["person_name_en"] == "'=1+1"
    # JSON keeps the text as it is.
    (record,) = download(client, "bodies", "json")
    assert record["name_en"] == '=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    ("code", "change"),
    [
        ("bodies", lambda r: r["bodies"][2]),
        ("sessions", lambda r: r["sessions"]["ec_41"]),
        # The body's name is in the sessions' titles.
        ("sessions", lambda r: r["bodies"][2]),
        ("terms", lambda r: r["terms"]["bakanov"]),
        # The person's name, the post's role, the session's number are in the terms.
        ("terms", lambda r: r["terms"]["bakanov"].person),
        ("terms", lambda r: r["terms"]["bakanov"].post),
        ("terms", lambda r: r["sessions"]["ec_41"]),
    ],
)
def test_a_change_makes_a_new_version(client, registry, code, change):
    current = data_url(client, code)
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        change(registry).save()
        get(client, current, status=404)
        assert data_url(client, code) != current
        get(client, data_url(client, code))


@pytest.mark.parametrize(
    ("codes", "deleted"),
    [
        # Its phases and delegations go with it; terms elected there lose the session.
        (("sessions", "terms"), lambda r: r["sessions"]["council_138"]),
        # Its terms go with it.
        (("terms",), lambda r: r["terms"]["bakanov"].post),
        # The admin's "delete selected" deletes a queryset of posts.
        (("terms",), lambda r: Post.objects.filter(pk=r["terms"]["bakanov"].post_id)),
        # Its posts (and their terms) and its reporting links go with it.
        (("bodies", "terms"), lambda r: r["bodies"][1]),
    ],
)
def test_a_deletion_makes_a_new_version(client, registry, codes, deleted):
    current = {code: data_url(client, code) for code in codes}
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        deleted(registry).delete()
        for code in codes:
            get(client, current[code], status=404)
            assert data_url(client, code) != current[code]
            get(client, data_url(client, code))


@pytest.mark.parametrize("code", sorted(DATASETS))
def test_empty_registry_datasets_have_a_passport_and_no_data(client, code):
    assert not [key for key in meta(client, code) if key.startswith("data-")]
    html = get(client, f"/en/opendata/{INN}-{code}/").content.decode()
    assert "The dataset has no data yet." in html


def grow(size):
    council = BodyFactory()
    for number in range(size):
        body = BodyFactory(reports_to=[council, BodyFactory()])
        session = SessionFactory(body=body, report_approved_at=SessionFactory(body=council))
        PhaseFactory(parent=session)
        TermFactory(post=PostFactory(body=body), elected_at=session, acting=bool(number % 2))


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize(
    ("code", "queries"),
    # Per chunk of rows: the rows, and for bodies the bodies they report to.
    [("bodies", 2), ("sessions", 1), ("terms", 1)],
)
def test_downloads_are_streamed_with_a_constant_number_of_queries(
    client, django_assert_num_queries, size, code, queries
):
    grow(size)
    url = data_url(client, code)
    for fmt in ("csv", "json"):
        response = client.get(url.replace(".csv", f".{fmt}"))
        assert response.streaming
        with django_assert_num_queries(queries):
            text = body(response)
        assert text


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("code", sorted(DATASETS))
def test_passport_page_query_count(client, django_assert_num_queries, size, code):
    grow(size)
    # When the data last changed: one aggregate over the dataset's tables, and when rows of
    # them were last deleted; and, since no article was saved after the cache was emptied,
    # once, the page cache's look-up of the next scheduled publication.
    with django_assert_num_queries(3):
        get(client, f"/en/opendata/{INN}-{code}/")
