from django import template

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
