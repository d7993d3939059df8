from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from committees import ordinals
from committees.content import kept_items

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


def timeline_item(session) -> str:
    return format_html(
        '<li class="timeline__item">'
        '<p class="timeline__date"><time datetime="{}">{}</time></p>'
        '<p class="timeline__title"><a href="{}">{}</a></p>'
        '<p class="timeline__meta">{}</p></li>',
        session.start_date.isoformat(),
        session.dates_display(),
        session.get_absolute_url(),
        session.short_title(),
        session_meta(session),
    )


@register.simple_tag(takes_context=True)
def session_timeline(context, sessions):
    """A body's sessions as a timeline (`<ol class="timeline">`), newest or soonest first
    as given.

    Written here rather than as an included template: a body page lists dozens of
    sessions, and each item as template nodes cost about 0.2 ms. Each item is written once
    per content version (`kept_items`).
    """
    items = kept_items(context, "timeline", sessions, timeline_item)
    return format_html('<ol class="timeline">{}</ol>', items)


def link_item(obj) -> str:
    return format_html('<li><a href="{}">{}</a></li>', obj.get_absolute_url(), obj.name)


@register.simple_tag(takes_context=True)
def link_items(context, objects):
    """`<li><a href="…">name</a></li>` for each of `objects` (bodies, people), written here
    rather than as a loop of template nodes (about 30 µs an item), once per content version
    (`kept_items`)."""
    return kept_items(context, "link", objects, link_item)
