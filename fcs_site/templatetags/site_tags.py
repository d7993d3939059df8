from datetime import datetime
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from committees import dates
from fcs_site.context_processors import site_path

register = template.Library()

NATIVE_NAMES = {"ru": "Русский", "en": "English"}


@register.filter
def iso_time(value):
    """{{ moment|iso_time }}: 2021-04-08T17:55:00+03:00, in the site's time zone, for
    `<time datetime>` and metadata."""
    return dates.iso(value)


@register.filter
def moment(value):
    """{{ moment|moment }}: «8 апреля 2021 17:55», as date:"j E Y H:i" writes it."""
    return dates.format_moment(value) if isinstance(value, datetime) else ""


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per other language: where the switcher leads in it.

    The page's own version in that language when there is one, otherwise that
    language's news list.
    """
    alternates = context.get("alternates") or {}
    current = translation.get_language()
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
def other_language_versions(context) -> list[dict]:
    """The page's article in each other language it has (`alternates`): code, url and the
    link's text in that language, for templates/news/includes/other_language_links.html."""
    alternates = context.get("alternates") or {}
    current = translation.get_language()
    return [
        {"code": code, "url": url, "label": ARTICLE_IN[code]}
        for code, url in alternates.items()
        if code != current and code in ARTICLE_IN
    ]


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(site_path(path))
