"""Sessions as an iCalendar file (RFC 5545), built with the `icalendar` package."""

from datetime import UTC

import icalendar
from django.utils.translation import gettext

from .models import Session

UID_DOMAIN = "committees.customs-press"

ICAL_STATUS = {
    Session.Status.PLANNED: "CONFIRMED",
    Session.Status.HELD: "CONFIRMED",
    Session.Status.POSTPONED: "TENTATIVE",
    Session.Status.CANCELLED: "CANCELLED",
}


def session_events(sessions) -> list[tuple[Session, str]]:
    """(event, summary) pairs: a session held in phases is one event per phase."""
    sessions = list(sessions)
    phases: dict[int, list[Session]] = {}
    for session in sessions:
        if session.parent_id:
            phases.setdefault(session.parent_id, []).append(session)
    events = []
    for session in sessions:
        if session.parent_id:
            continue
        own_phases = sorted(phases.get(session.pk, []), key=lambda s: (s.start_date, s.pk))
        if not own_phases:
            events.append((session, session.title()))
        for position, phase in enumerate(own_phases, 1):
            phase.parent = session
            events.append((phase, f"{session.title()} — {phase.phase_title(position)}"))
    return events


def sessions_calendar(sessions, *, name: str, request) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Federal Customs Service//WCO sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    for session, summary in session_events(sessions):
        event = icalendar.Event()
        event.add("uid", f"wco-session-{session.pk}@{UID_DOMAIN}")
        event.add("dtstamp", session.updated_at.astimezone(UTC))
        event.add("last-modified", session.updated_at.astimezone(UTC))
        # All-day events: DTEND is the day after the last day (exclusive).
        event.add("dtstart", session.start_date)
        event.add("dtend", session.last_day_exclusive)
        event.add("summary", summary)
        event.add("status", ICAL_STATUS[session.status])
        event.add("transp", "TRANSPARENT")
        if session.venue:
            event.add("location", session.venue)
        details = [f"{gettext('Format')}: {session.get_format_display()}"]
        if session.summary:
            details.append(session.summary)
        event.add("description", "\n\n".join(details))
        event.add("url", request.build_absolute_uri(session.get_absolute_url()))
        calendar.add_component(event)
    return calendar.to_ical()
