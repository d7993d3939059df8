import functools
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation

register = template.Library()

NATIVE_NAMES = {"ru": "Русский", "en": "English"}


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


@register.simple_tag(takes_context=True)
def absolute_url(context, path):
    request = context.get("request")
    if request is None:
        return path
    return request.build_absolute_uri(path)
