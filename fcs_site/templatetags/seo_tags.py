"""Page metadata: Open Graph locale names, feed links for the head, JSON-LD blocks.

The head's markup (language links, Open Graph lines, feed links) is in templates/base.html;
the tags here give it data.
"""

from django import template
from django.utils.translation import get_language

from fcs_site import structured_data
from fcs_site.feeds import page_feeds

register = template.Library()

OG_LOCALES = {"ru": "ru_RU", "en": "en_GB"}


@register.filter(is_safe=True)
def shorten(text, limit):
    """{{ text|shorten:200 }}: the text on one line, at most 200 characters (with "…")."""
    return structured_data.shorten(text, int(limit))


@register.filter
def og_locale(code: str) -> str:
    return OG_LOCALES.get(code, code)


@register.simple_tag(takes_context=True)
def head_feeds(context) -> list[dict]:
    """The feeds for <link rel="alternate"> in the head: the news feeds and those of what
    the page is about (content_type, title, url)."""
    return page_feeds(context)


@register.simple_tag
def json_ld(data):
    return structured_data.json_ld_script(data) if data else ""


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    request = context.get("request")
    if request is None or article is None:
        return ""
    return structured_data.json_ld_script(
        structured_data.news_article(article, request, get_language())
    )


@register.filter
def lead_photo_for_preview(article, request):
    """The lead photo for link previews (og:image), absolute, or None."""
    if article is None:
        return None
    return article.lead_photo_rendition(width=1200, request=request)


@register.simple_tag(takes_context=True)
def session_json_ld(context, session, phases=()):
    """schema.org Event for a session page; `phases` are the page's (phase, label) pairs."""
    request = context.get("request")
    if request is None or session is None:
        return ""
    return structured_data.json_ld_script(
        structured_data.session_event(
            session,
            request,
            get_language(),
            phases=phases or (),
            name=context.get("session_title"),
        )
    )


@register.simple_tag(takes_context=True)
def body_json_ld(context, body, reports_to=()):
    """schema.org GovernmentOrganization for a WCO body's page."""
    request = context.get("request")
    if request is None or body is None:
        return ""
    return structured_data.json_ld_script(
        structured_data.government_organization(
            body, request, get_language(), reports_to=reports_to or ()
        )
    )
