"""JSON-LD and page metadata of the committees registry: Event on session pages,
GovernmentOrganization on body pages; title, description, canonical, hreflang and Open
Graph on every registry page."""

import json
import re
from datetime import date
from html import unescape

import pytest

from committees.models import Session
from tests.factories import BodyFactory, PersonFactory, PhaseFactory, SessionFactory
from tests.site.test_metadata import head, json_ld

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
LANGUAGES = ["ru", "en"]


@pytest.fixture
def council():
    return BodyFactory(
        slug="council",
        name_ru="Совет",
        name_genitive_ru="Совета",
        name_en="Council",
        classification="council",
        established_on=date(1952, 11, 4),
        established_precision="day",
    )


@pytest.fixture
def ec(council):
    return BodyFactory(
        slug="enforcement-committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        name_en="Enforcement Committee",
        abbreviation_en="EC",
        description_en="A working body of the WCO on law-enforcement cooperation.",
        established_on=date(1983, 1, 1),
        reports_to=[council],
    )


@pytest.fixture
def session(ec):
    return SessionFactory(
        body=ec,
        number=41,
        start_date=date(2021, 3, 22),
        end_date=date(2021, 3, 26),
        format=Session.Format.VIRTUAL,
        status=Session.Status.HELD,
        venue_ru="",
        venue_en="",
        summary_ru="Сессия прошла в формате видеоконференции.",
        summary_en="The session was held by videoconference.",
    )


def event_of(client, url) -> dict:
    (data,) = json_ld(head(client, url))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    return data


@pytest.mark.parametrize("language", LANGUAGES)
def test_session_page_has_event_json_ld(client, session, ec, language):
    url = session.get_absolute_url(language)
    data = event_of(client, url)
    assert (
        data["name"]
        == {
            "ru": "41-я сессия Комитета по правоприменению ВТамО",
            "en": "41st session of the WCO Enforcement Committee",
        }[language]
    )
    assert data["url"] == HOST + url
    assert data["inLanguage"] == language
    assert data["startDate"] == "2021-03-22" and data["endDate"] == "2021-03-26"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": HOST + url}
    assert data["description"] == getattr(session, f"summary_{language}")
    assert data["organizer"] == {
        "@type": "GovernmentOrganization",
        "name": {"ru": "Комитет по правоприменению ВТамО", "en": "WCO Enforcement Committee"}[
            language
        ],
        "url": HOST + ec.get_absolute_url(language),
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Session.Status.PLANNED, "EventScheduled"),
        (Session.Status.HELD, "EventScheduled"),
        (Session.Status.POSTPONED, "EventPostponed"),
        (Session.Status.CANCELLED, "EventCancelled"),
    ],
)
def test_event_status_follows_the_session_status(client, status, expected):
    session = SessionFactory(status=status)
    data = event_of(client, session.get_absolute_url("en"))
    assert data["eventStatus"] == f"https://schema.org/{expected}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_sessions_in_person_and_hybrid_have_a_place(client, language):
    in_person = SessionFactory(venue_ru="Брюссель, штаб-квартира ВТамО", venue_en="Brussels")
    data = event_of(client, in_person.get_absolute_url(language))
    venue = getattr(in_person, f"venue_{language}")
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {"@type": "Place", "name": venue, "address": venue}
    hybrid = SessionFactory(format=Session.Format.HYBRID)
    data = event_of(client, hybrid.get_absolute_url(language))
    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]


def test_session_without_summary_is_described_by_title_and_dates(client, session):
    session.summary_en = ""
    session.save()
    data = event_of(client, session.get_absolute_url("en"))
    assert data["description"] == (
        "41st session of the WCO Enforcement Committee: 22–26 March 2021"
    )


def test_phases_of_a_session_are_sub_events(client, session):
    first = PhaseFactory(parent=session, start_date=date(2021, 3, 22), end_date=date(2021, 3, 23))
    PhaseFactory(
        parent=session,
        start_date=date(2021, 6, 1),
        end_date=date(2021, 6, 2),
        format=Session.Format.IN_PERSON,
        status=Session.Status.POSTPONED,
    )
    data = event_of(client, session.get_absolute_url("en"))
    one, two = data["subEvent"]
    assert one["@type"] == "Event" and "@context" not in one
    assert one["name"] == "41st session of the WCO Enforcement Committee. Part 1"
    assert one["startDate"] == "2021-03-22" and one["endDate"] == "2021-03-23"
    assert one["url"] == HOST + session.get_absolute_url("en") + f"#phase-{first.pk}"
    assert two["eventStatus"] == "https://schema.org/EventPostponed"
    assert two["location"] == {"@type": "Place", "name": "Brussels", "address": "Brussels"}


def test_event_json_ld_cannot_close_its_script_element(client, session):
    session.summary_en = 'Ends </script><script>alert("x")</script> & <!-- and </SCRIPT'
    session.venue_en = "</script>"
    session.format = Session.Format.IN_PERSON
    session.save()
    html = client.get(session.get_absolute_url("en")).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["description"] == session.summary_en
    assert data["location"]["name"] == "</script>"
    # Nowhere on the page (the description meta tags, the summary) does the markup survive.
    assert "<script>alert" not in html


def test_json_ld_block_needs_no_nonce_and_leaves_the_page_cacheable(client, session):
    url = session.get_absolute_url("en")
    first = client.get(url)
    assert 'type="application/ld+json" nonce' not in first.content.decode()
    assert first["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("language", LANGUAGES)
def test_body_page_has_government_organization_json_ld(client, ec, council, language):
    (data,) = json_ld(head(client, ec.get_absolute_url(language)))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentOrganization"
    assert (
        data["name"]
        == {"ru": "Комитет по правоприменению ВТамО", "en": "WCO Enforcement Committee"}[language]
    )
    assert data["url"] == HOST + ec.get_absolute_url(language)
    assert data["foundingDate"] == "1983"  # known to the year only
    assert data["parentOrganization"] == [
        {
            "@type": "GovernmentOrganization",
            "name": {"ru": "Совет ВТамО", "en": "WCO Council"}[language],
            "url": HOST + council.get_absolute_url(language),
        }
    ]
    if language == "en":
        assert data["alternateName"] == "EC"
        assert data["description"] == ec.description_en
    else:
        assert "alternateName" not in data and "description" not in data


def test_top_body_belongs_to_the_world_customs_organization(client, council):
    (data,) = json_ld(head(client, council.get_absolute_url("ru")))
    assert data["foundingDate"] == "1952-11-04"
    assert data["parentOrganization"] == {
        "@type": "Organization",
        "name": "Всемирная таможенная организация",
        "url": "https://www.wcoomd.org/",
    }


def test_person_and_list_pages_carry_no_json_ld(client, ec):
    person = PersonFactory()
    assert json_ld(head(client, person.get_absolute_url("en"))) == []
    assert json_ld(head(client, "/en/committees/")) == []


# Page metadata ---------------------------------------------------------------------------


@pytest.fixture
def pages(ec, session):
    person = PersonFactory(
        name_ru="Олег Баканов",
        name_en="Oleg Bakanov",
        given_name_en="Oleg",
        family_name_en="Bakanov",
        position_en="Deputy Head of the Central Enforcement Department",
    )
    return {
        "list": lambda language: f"/{language}/committees/",
        "body": ec.get_absolute_url,
        "session": session.get_absolute_url,
        "person": person.get_absolute_url,
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", ["list", "body", "session", "person"])
def test_registry_pages_have_title_description_canonical_hreflang_and_open_graph(
    client, pages, page, language
):
    url = pages[page](language)
    parser = head(client, url)
    meta = parser.meta
    for key in ("description", "og:title", "og:description", "og:type", "og:url",
                "og:site_name", "og:locale"):  # fmt: skip
        assert meta.get(key) and meta[key][0].strip(), (url, key)
    canonical = [link["href"] for link in parser.links if link.get("rel") == "canonical"]
    assert canonical == [HOST + url] == meta["og:url"]
    hreflang = {link["hreflang"]: link["href"] for link in parser.links if link.get("hreflang")}
    assert hreflang == {code: HOST + pages[page](code) for code in LANGUAGES}
    assert meta["og:locale"] == [{"ru": "ru_RU", "en": "en_GB"}[language]]
    assert meta["og:locale:alternate"] == [{"ru": "en_GB", "en": "ru_RU"}[language]]
    # Not the site's name: each page says what it is, in its <title> too.
    assert meta["og:title"][0] not in ("Федеральная таможенная служба", "Federal customs service")
    html = client.get(url).content.decode()
    (title,) = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert unescape(title).startswith(meta["og:title"][0] + " — ")


def test_registry_open_graph_and_descriptions_describe_the_item(client, pages, session):
    meta = head(client, pages["session"]("en")).meta
    assert meta["og:title"] == ["41st session of the WCO Enforcement Committee"]
    assert meta["description"] == meta["og:description"] == [session.summary_en]
    meta = head(client, pages["body"]("en")).meta
    assert meta["og:title"] == ["WCO Enforcement Committee"]
    assert meta["og:description"] == ["A working body of the WCO on law-enforcement cooperation."]
    meta = head(client, pages["person"]("en")).meta
    assert meta["og:type"] == ["profile"]
    assert meta["og:title"] == ["Oleg Bakanov"]
    assert meta["og:description"] == [
        "Oleg Bakanov, Deputy Head of the Central Enforcement Department"
    ]
    assert meta["profile:first_name"] == ["Oleg"]
    assert meta["profile:last_name"] == ["Bakanov"]
    meta = head(client, "/ru/committees/").meta
    assert meta["og:title"] == ["Органы ВТамО"]


def test_long_session_summary_is_shortened_in_descriptions(client, session):
    session.summary_en = "The delegates discussed\n\ncooperation " + "at length " * 60
    session.save()
    meta = head(client, session.get_absolute_url("en")).meta
    description = meta["description"][0]
    assert description.startswith("The delegates discussed cooperation at length")
    assert description.endswith("…") and len(description.split()) <= 31
    assert meta["og:description"] == [description]


@pytest.mark.parametrize("kind", ["body", "session", "person"])
def test_registry_pages_in_one_language_have_no_alternates(client, kind):
    body = BodyFactory(russian_only=True)
    obj = {
        "body": body,
        "session": SessionFactory(body=body),
        "person": PersonFactory(name_en=""),
    }[kind]
    parser = head(client, obj.get_absolute_url("ru"))
    assert "og:locale:alternate" not in parser.meta
    assert not [link for link in parser.links if link.get("hreflang")]
