from datetime import date

import icalendar
import pytest

from committees.models import Session
from tests.factories import BodyFactory, PhaseFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ec():
    return BodyFactory(
        slug="enforcement-committee",
        name_en="Enforcement Committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
    )


@pytest.fixture
def ec_41(ec):
    return SessionFactory(
        body=ec,
        number=41,
        start_date=date(2021, 3, 22),
        end_date=date(2021, 3, 26),
        format=Session.Format.VIRTUAL,
        venue_en="Videoconference",
        venue_ru="Видеоконференция",
        summary_en="Elected a Vice-Chair.",
    )


def calendar(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = icalendar.Calendar.from_ical(response.content)
    assert parsed["VERSION"] == "2.0"
    assert parsed["PRODID"]
    return parsed, {str(e["UID"]): e for e in parsed.walk("VEVENT")}


@pytest.mark.parametrize(
    ("language", "summary", "name"),
    [
        ("en", "41st session of the WCO Enforcement Committee", "Sessions of the WCO bodies"),
        ("ru", "41-я сессия Комитета по правоприменению ВТамО", "Сессии органов ВТамО"),
    ],
)
def test_all_sessions_as_icalendar(client, ec_41, language, summary, name):
    parsed, events = calendar(client, f"/{language}/committees/sessions.ics")
    assert str(parsed["X-WR-CALNAME"]) == name
    event = events[f"wco-session-{ec_41.pk}@committees.customs-press"]
    assert str(event["SUMMARY"]) == summary
    # All-day: DATE values, DTEND the day after the last day.
    assert event["DTSTART"].dt == date(2021, 3, 22)
    assert event["DTEND"].dt == date(2021, 3, 27)
    assert event["DTSTART"].params.get("VALUE") == "DATE"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["URL"]).endswith(ec_41.get_absolute_url(language))
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) in {"Videoconference", "Видеоконференция"}


def test_raw_ics_is_rfc_5545(client, ec_41):
    raw = client.get("/en/committees/sessions.ics").content
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.rstrip().endswith(b"END:VCALENDAR")
    assert b"DTSTART;VALUE=DATE:20210322\r\n" in raw
    assert b"DTEND;VALUE=DATE:20210327\r\n" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded lines, in octets


def test_uids_are_stable_across_requests_and_languages(client, ec_41):
    _, first = calendar(client, "/en/committees/sessions.ics")
    _, again = calendar(client, "/en/committees/sessions.ics")
    _, russian = calendar(client, "/ru/committees/sessions.ics")
    assert set(first) == set(again) == set(russian)
    uid = next(iter(first))
    assert first[uid]["DTSTAMP"].dt == again[uid]["DTSTAMP"].dt


def test_body_calendar_has_only_its_sessions(client, ec, ec_41):
    other = SessionFactory(number=7)
    parsed, events = calendar(client, "/en/committees/enforcement-committee/sessions.ics")
    assert str(parsed["X-WR-CALNAME"]) == "Sessions of the WCO Enforcement Committee"
    assert len(events) == 1
    _, all_events = calendar(client, "/en/committees/sessions.ics")
    assert f"wco-session-{other.pk}@committees.customs-press" in all_events
    ru, _ = calendar(client, "/ru/committees/enforcement-committee/sessions.ics")
    assert str(ru["X-WR-CALNAME"]) == "Сессии Комитета по правоприменению ВТамО"


def test_a_session_in_phases_is_one_event_per_phase(client, ec):
    session = SessionFactory(
        body=ec, number=42, start_date=date(2022, 3, 28), end_date=date(2022, 4, 1)
    )
    first = PhaseFactory(parent=session, start_date=date(2022, 3, 28), end_date=date(2022, 3, 30))
    second = PhaseFactory(parent=session, start_date=date(2022, 3, 31), end_date=date(2022, 4, 1))
    _, events = calendar(client, "/en/committees/enforcement-committee/sessions.ics")
    assert set(events) == {
        f"wco-session-{first.pk}@committees.customs-press",
        f"wco-session-{second.pk}@committees.customs-press",
    }
    summaries = sorted(str(e["SUMMARY"]) for e in events.values())
    assert summaries == [
        "42nd session of the WCO Enforcement Committee — Part 1",
        "42nd session of the WCO Enforcement Committee — Part 2",
    ]
    assert events[f"wco-session-{second.pk}@committees.customs-press"]["DTEND"].dt == date(
        2022, 4, 2
    )


def test_cancelled_sessions_say_so(client, ec):
    SessionFactory(body=ec, status=Session.Status.CANCELLED)
    _, events = calendar(client, "/en/committees/sessions.ics")
    assert [str(e["STATUS"]) for e in events.values()] == ["CANCELLED"]


def test_bodies_missing_in_the_language_are_left_out(client):
    russian = SessionFactory(body=BodyFactory(russian_only=True))
    _, events = calendar(client, "/en/committees/sessions.ics")
    assert not events
    _, events = calendar(client, "/ru/committees/sessions.ics")
    assert len(events) == 1
    assert client.get(f"/en/committees/{russian.body.slug}/sessions.ics").status_code == 404
