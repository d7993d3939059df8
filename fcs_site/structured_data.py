"""schema.org JSON-LD for the page head: NewsArticle for articles, Event for sessions,
GovernmentOrganization for WCO bodies.

Each builder returns a plain dict; the `json_ld` template tag writes it as a
``<script type="application/ld+json">`` data block (not executed, so a strict CSP needs no
nonce for it).
"""

import json

from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from committees import dates
from committees.addresses import reverse_in
from news.search_index import html_to_text

# Google shows at most this many characters of a headline.
HEADLINE_MAX = 110
DESCRIPTION_MAX = 300


def organization(request) -> dict:
    home = request.build_absolute_uri(reverse_in("home"))
    return {"@type": "GovernmentOrganization", "name": str(settings.FCS_SITE_NAME), "url": home}


def shorten(text, limit: int) -> str:
    """`text` on one line, cut to at most `limit` characters with "…" where it was cut.

    For descriptions (JSON-LD, meta, Open Graph): a few microseconds, where the template
    filter truncatechars takes tens, even on text shorter than the limit."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def news_article(article, request, language: str) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url(language))
    title = getattr(article, f"title_{language}") or ""
    lead = getattr(article, f"lead_{language}") or ""
    description = lead or html_to_text(getattr(article, f"body_{language}"))
    publisher = organization(request)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": shorten(title, HEADLINE_MAX),
        "name": title,
        "description": shorten(description, DESCRIPTION_MAX),
        "inLanguage": language,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": publisher,
        "author": publisher,
        "isAccessibleForFree": True,
    }
    if article.published_at is not None:
        # A draft seen in a staff preview has no publication date yet.
        data["datePublished"] = dates.iso(article.published_at)
        data["dateModified"] = dates.iso(max(article.updated_at, article.published_at))
    if article.rubric_id and article.rubric.name:
        data["articleSection"] = article.rubric.name
    image = article.lead_photo_rendition(width=1200, request=request)
    if image is not None:
        data["image"] = {
            "@type": "ImageObject",
            "url": image.url,
            "width": image.width,
            "height": image.height,
        }
    return data


def event(
    *,
    name: str,
    url: str,
    start,
    end=None,
    language: str,
    description: str = "",
    attendance: str = "offline",
    location_name: str = "",
    location_address: str = "",
    organizer: dict | None = None,
    status: str = "scheduled",
) -> dict:
    """schema.org Event, for the session pages the committees work adds.

    `attendance` is "offline", "online" or "mixed" (in person, virtual, hybrid); `status`
    is "scheduled", "cancelled", "postponed" or "rescheduled".
    """
    modes = {
        "offline": "https://schema.org/OfflineEventAttendanceMode",
        "online": "https://schema.org/OnlineEventAttendanceMode",
        "mixed": "https://schema.org/MixedEventAttendanceMode",
    }
    statuses = {
        "scheduled": "https://schema.org/EventScheduled",
        "cancelled": "https://schema.org/EventCancelled",
        "postponed": "https://schema.org/EventPostponed",
        "rescheduled": "https://schema.org/EventRescheduled",
    }
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": name,
        "url": url,
        "inLanguage": language,
        "startDate": start.isoformat(),
        "eventAttendanceMode": modes[attendance],
        "eventStatus": statuses[status],
    }
    if end:
        data["endDate"] = end.isoformat()
    if description:
        data["description"] = shorten(description, DESCRIPTION_MAX)
    locations = []
    if attendance in {"offline", "mixed"} and location_name:
        place = {"@type": "Place", "name": location_name}
        if location_address:
            place["address"] = location_address
        locations.append(place)
    if attendance in {"online", "mixed"}:
        locations.append({"@type": "VirtualLocation", "url": url})
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if organizer:
        data["organizer"] = organizer
    return data


# Session.Format and Session.Status → the `attendance` and `status` of `event()`. A session
# held took place as scheduled: schema.org has no "happened" status.
SESSION_ATTENDANCE = {"in_person": "offline", "virtual": "online", "hybrid": "mixed"}
SESSION_STATUS = {
    "planned": "scheduled",
    "held": "scheduled",
    "postponed": "postponed",
    "cancelled": "cancelled",
}
WCO_URL = "https://www.wcoomd.org/"


def world_customs_organization() -> dict:
    return {"@type": "Organization", "name": _("World Customs Organization"), "url": WCO_URL}


def _partial_date(value, precision: str) -> str:
    """An ISO 8601 date cut to what is known: 1983, 1983-03 or 1983-03-22."""
    return value.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]


def body_reference(body, request, language: str) -> dict:
    """A WCO body as schema.org names it inside another item (an event's organizer)."""
    return {
        "@type": "GovernmentOrganization",
        "name": body.title,
        "url": request.build_absolute_uri(body.get_absolute_url(language)),
    }


def government_organization(body, request, language: str, reports_to=()) -> dict:
    """The body page's item: the body, with the bodies it reports to as its parents."""
    with translation.override(language):
        data = {"@context": "https://schema.org", **body_reference(body, request, language)}
        if body.abbreviation:
            data["alternateName"] = body.abbreviation
        if body.description:
            data["description"] = shorten(body.description, DESCRIPTION_MAX)
        if body.established_on:
            data["foundingDate"] = _partial_date(body.established_on, body.established_precision)
        if body.dissolved_on:
            data["dissolutionDate"] = _partial_date(body.dissolved_on, body.dissolved_precision)
        parents = [body_reference(parent, request, language) for parent in reports_to]
        data["parentOrganization"] = parents or world_customs_organization()
        data["inLanguage"] = language
    return data


def _session_event(session, url: str, language: str, name: str, **extra) -> dict:
    venue = getattr(session, f"venue_{language}", "") or ""
    return event(
        name=name,
        url=url,
        start=session.start_date,
        end=session.end_date,
        language=language,
        attendance=SESSION_ATTENDANCE.get(session.format, "offline"),
        location_name=venue,
        location_address=venue,
        status=SESSION_STATUS.get(session.status, "scheduled"),
        **extra,
    )


def session_event(session, request, language: str, phases=(), name: str | None = None) -> dict:
    """The session page's item: an Event organised by the body; its phases as sub-events.

    `phases` are (phase, label) pairs, as the session page shows them; `name` is the
    session's title in `language` when the caller has it.
    """
    with translation.override(language):
        url = request.build_absolute_uri(session.get_absolute_url(language))
        name = name or session.title()
        summary = getattr(session, f"summary_{language}", "") or ""
        data = _session_event(
            session,
            url,
            language,
            name,
            description=summary or f"{name}: {session.dates_display(language)}",
            organizer=body_reference(session.body, request, language),
        )
        sub_events = []
        for phase, label in phases:
            phase_url = f"{url}#phase-{phase.pk}"
            sub_event = _session_event(phase, phase_url, language, f"{name}. {label}")
            del sub_event["@context"]
            sub_events.append(sub_event)
        if sub_events:
            data["subEvent"] = sub_events
    return data


def json_ld_script(data: dict) -> SafeString:
    """A JSON-LD data block; "<", ">" and "&" are escaped so the text cannot end the script."""
    # str.replace, not str.translate: translate looks every character of Cyrillic text up
    # in the table one by one (about 100 µs for an article's kilobyte, replace about 3).
    text = (
        json.dumps(data, ensure_ascii=False, sort_keys=False)
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
