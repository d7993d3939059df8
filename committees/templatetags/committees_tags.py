from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from committees import ordinals

register = template.Library()


@register.filter
def ordinal(number, case=ordinals.NOMINATIVE):
    """{{ 41|ordinal }} → 41st / 41-я; {{ 41|ordinal:"prepositional" }} → 41st / 41-й."""
    try:
        return ordinals.ordinal(int(number), case=case)
    except (TypeError, ValueError):
        return ""


@register.filter
def session_title(session, case=ordinals.NOMINATIVE):
    """{{ session|session_title:"prepositional" }} → «41-й сессии Комитета … ВТамО»."""
    return session.title(case)


@register.filter
def short_session_title(session, case=ordinals.NOMINATIVE):
    """{{ session|short_session_title }} → 41st session / «41-я сессия»."""
    return session.short_title(case)


# Statuses the timeline names (a held or planned session goes without saying).
NOTED_STATUSES = ("postponed", "cancelled")


@register.filter
def session_meta(session):
    """{{ session|session_meta }}: how a session or phase is held, its venue, and its status
    when that is news (Virtual · Videoconference · <strong>Postponed</strong>)."""
    parts = [conditional_escape(session.get_format_display())]
    venue = session.venue
    if venue:
        parts.append(conditional_escape(venue))
    if session.status in NOTED_STATUSES:
        parts.append(format_html("<strong>{}</strong>", session.get_status_display()))
    return mark_safe(" · ".join(parts))
