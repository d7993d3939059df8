"""Page metadata: Open Graph locale names, feed links for the head, JSON-LD blocks."""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from fcs_site import structured_data
from fcs_site.context_processors import site_path
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


# The head's lines that every page has (links to the page in each language, the Open
# Graph site lines, the feed links) depend only on the values in their keys: each worker
# writes them once for each. A tenth of a millisecond a page, as template nodes.
HEAD_PARTS = 4096
# Only lines for addresses up to this long are kept: a visitor chooses the address (a
# 404 page has these lines too), and must not be able to fill a worker's memory.
KEPT_ADDRESS_CHARS = 512


def _origin(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _plain(path: str) -> bool:
    """A path that request.build_absolute_uri() just puts after the origin."""
    return path.startswith("/") and not path.startswith("//") and "/." not in path


def _kept(function, *args):
    """`function(*args)`, kept when every address in `args` is short enough."""
    if all(len(arg) <= KEPT_ADDRESS_CHARS for arg in _strings(args)):
        return function(*args)
    return function.__wrapped__(*args)


def _strings(values):
    for value in values:
        if isinstance(value, tuple):
            yield from _strings(value)
        else:
            yield value


ALTERNATE_LINK = '\n  <link rel="alternate" hreflang="{}" href="{}">'


@lru_cache(maxsize=HEAD_PARTS)
def _alternate_links(origin: str, alternates: tuple) -> str:
    return format_html_join(
        "", ALTERNATE_LINK, ((code, iri_to_uri(origin + url)) for code, url in alternates)
    )


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """<link rel="alternate" hreflang> to the page in each of its languages, when it has
    more than one (`alternates`, {code: path})."""
    request, alternates = context.get("request"), context.get("alternates") or {}
    if request is None or len(alternates) < 2:
        return ""
    items = tuple(alternates.items())
    if all(_plain(url) for _code, url in items):
        return _kept(_alternate_links, _origin(request), items)
    return format_html_join(
        "", ALTERNATE_LINK, ((code, request.build_absolute_uri(url)) for code, url in items)
    )


@lru_cache(maxsize=HEAD_PARTS)
def _open_graph_site(url: str, site_name: str, language: str, others: tuple) -> str:
    lines = [
        format_html('<meta property="og:url" content="{}">', url),
        format_html('\n  <meta property="og:site_name" content="{}">', site_name),
        format_html('\n  <meta property="og:locale" content="{}">', og_locale(language)),
        *(
            format_html('\n  <meta property="og:locale:alternate" content="{}">', og_locale(code))
            for code in others
        ),
    ]
    return format_html_join("", "{}", ((line,) for line in lines))


@register.simple_tag(takes_context=True)
def open_graph_site(context):
    """og:url (this page), og:site_name, og:locale and the page's other languages."""
    request = context.get("request")
    language = get_language()
    alternates = context.get("alternates") or {}
    others = tuple(code for code in alternates if code != language) if len(alternates) > 1 else ()
    path = site_path(request.path) if request is not None else ""
    if request is None:
        url = ""
    elif _plain(path):
        url = iri_to_uri(_origin(request) + path)
    else:
        url = request.build_absolute_uri(path)
    return _kept(_open_graph_site, url, str(context.get("site_name", "")), language, others)


@lru_cache(maxsize=HEAD_PARTS)
def _feed_link_tags(feeds: tuple) -> str:
    return format_html_join(
        "",
        '\n  <link rel="alternate" type="{}" title="{}" href="{}">',
        feeds,
    )


@register.simple_tag(takes_context=True)
def feed_link_tags(context):
    """<link rel="alternate"> to the news feeds and those of what the page is about."""
    return _feed_link_tags(
        tuple((feed["content_type"], feed["title"], feed["url"]) for feed in page_feeds(context))
    )


def forget_head_parts(**_kwargs) -> None:
    for kept in (_alternate_links, _open_graph_site, _feed_link_tags):
        kept.cache_clear()


setting_changed.connect(forget_head_parts, weak=False)


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
