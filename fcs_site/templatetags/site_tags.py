import functools
from datetime import datetime
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

from committees import dates
from fcs_site.context_processors import site_path

register = template.Library()

NATIVE_NAMES = {"ru": "Русский", "en": "English"}


@register.filter
def iso_time(value):
    """{{ moment|iso_time }}: 2021-04-08T17:55:00+03:00, in the site's time zone, for
    `<time datetime>` and metadata (Django's date:"c" parses its format on each call)."""
    return dates.iso(value)


@register.filter
def moment(value):
    """{{ moment|moment }}: «8 апреля 2021 17:55», as date:"j E Y H:i" writes it (each
    worker writes a moment once per language; the date filter parses its format and
    looks up the month name on every call)."""
    return dates.format_moment(value) if isinstance(value, datetime) else ""


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per other language: where the switcher leads in it.

    The page's own version in that language when there is one, otherwise that
    language's news list.
    """
    alternates = context.get("alternates") or {}
    return _language_links(translation.get_language(), tuple(alternates.items()))


@functools.lru_cache(maxsize=4096)
def _language_links(current: str, alternates_items: tuple) -> list[dict]:
    alternates = dict(alternates_items)
    links = []
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        target = alternates.get(code)
        if not target:
            with translation.override(code):
                target = reverse("news:article_list")
        links.append(
            {
                "code": code,
                "name": NATIVE_NAMES.get(code, code),
                "target": target,
                "url": reverse("switch_language", kwargs={"language": code})
                + "?"
                + urlencode({"next": target}),
            }
        )
    return links


# "This article in <language>", written in that language (not translated).
ARTICLE_IN = {"ru": "Эта статья на русском языке", "en": "This article in English"}


@register.simple_tag(takes_context=True)
def other_language_links(context):
    """A link to the page's article in each other language it has (`alternates`)."""
    alternates = context.get("alternates") or {}
    return _other_language_links(translation.get_language(), tuple(alternates.items()))


@functools.lru_cache(maxsize=4096)
def _other_language_links(current: str, alternates_items: tuple) -> str:
    return format_html_join(
        "",
        '<p class="other-language"><a href="{}" hreflang="{}" lang="{}">{}</a></p>\n',
        (
            (url, code, code, ARTICLE_IN[code])
            for code, url in alternates_items
            if code != current and code in ARTICLE_IN
        ),
    )


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(site_path(path))


# The page chrome (header, footer, the accessibility panel) is the same on every page for
# a language and an accessibility profile, and depends on the code and settings only, never
# on content. `{% chrome %}` renders each piece once per worker and keeps the HTML.
CHROME_LIMIT = 1024
_chrome: dict[tuple, str] = {}


def clear_chrome(**_kwargs) -> None:
    _chrome.clear()


# Tests that override settings (site name, service links) must not see a stale chrome.
setting_changed.connect(clear_chrome)


class ChromeNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on: list):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        key = (
            self.name,
            translation.get_language(),
            get_script_prefix(),
            *(str(value.resolve(context)) for value in self.vary_on),
        )
        html = _chrome.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(_chrome) >= CHROME_LIMIT:
                _chrome.clear()
            _chrome[key] = html
        return html


@register.tag
def chrome(parser, token):
    """`{% chrome "name" value... %}...{% endchrome %}`: the enclosed HTML, rendered once per
    worker for each language and each set of values named.

    Only for parts that depend on nothing but the language, the values named and the
    settings: never on content, the request or the visitor beyond those values.
    """
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% chrome %} needs a quoted name first.")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])


@register.simple_tag
def search_results(results):
    """The items of a page of search results (`fcs_site.search.SearchResult`), each an
    `<li class="search-result">` with its title, kind, date and snippet.

    Written here rather than as a loop of template nodes, which cost about 70 µs a result:
    a page shows twenty. The title and the snippet come marked up (highlighted) and safe.
    """
    labels = {}  # each kind's label, read once
    items = []
    for result in results:
        source = result.source
        if source not in labels:
            labels[source] = conditional_escape(result.label)
        meta = labels[source]
        if result.date:
            meta = (
                f'{meta} · <time datetime="{conditional_escape(result.date_iso)}">'
                f"{conditional_escape(result.date_shown)}</time>"
            )
        snippet = result.snippet
        if snippet:
            snippet = f'<p class="search-result__snippet">{conditional_escape(snippet)}</p>'
        items.append(
            '<li class="search-result"><article>'
            f'<h2 class="search-result__title"><a href="{conditional_escape(result.url)}">'
            f"{conditional_escape(result.title)}</a></h2>"
            f'<p class="search-result__meta">{meta}</p>{snippet}'
            "</article></li>"
        )
    return mark_safe("\n".join(items))
