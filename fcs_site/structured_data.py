"""schema.org JSON-LD for the page head: NewsArticle for articles, Event for sessions.

Each builder returns a plain dict; the `json_ld` template tag writes it as a
``<script type="application/ld+json">`` data block (not executed, so a strict CSP needs no
nonce for it).
"""

import json

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from news.search_index import html_to_text

# Google shows at most this many characters of a headline.
HEADLINE_MAX = 110
DESCRIPTION_MAX = 300

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def organization(request) -> dict:
    with translation.override(translation.get_language()):
        home = request.build_absolute_uri(reverse("home"))
    return {"@type": "GovernmentOrganization", "name": str(settings.FCS_SITE_NAME), "url": home}


def _truncate(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _moment(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def news_article(article, request, language: str) -> dict:
    url = request.build_absolute_uri(article.get_absolute_url(language))
    title = getattr(article, f"title_{language}") or ""
    lead = getattr(article, f"lead_{language}") or ""
    description = lead or html_to_text(getattr(article, f"body_{language}"))
    publisher = organization(request)
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _truncate(title, HEADLINE_MAX),
        "name": title,
        "description": _truncate(description, DESCRIPTION_MAX),
        "inLanguage": language,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": publisher,
        "author": publisher,
        "isAccessibleForFree": True,
    }
    if article.published_at is not None:
        # A draft seen in a staff preview has no publication date yet.
        data["datePublished"] = _moment(article.published_at)
        data["dateModified"] = _moment(max(article.updated_at, article.published_at))
    if article.rubric_id:
        data["articleSection"] = str(article.rubric)
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
        data["description"] = _truncate(description, DESCRIPTION_MAX)
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


def json_ld_script(data: dict) -> SafeString:
    """A JSON-LD data block; "<", ">" and "&" are escaped so the text cannot end the script."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
