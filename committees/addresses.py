"""Addresses of public pages, reversed once per worker.

`reverse()` walks the URL patterns on every call (about 25 µs, inside a language
override); a body page links a dozen sessions and bodies, a list page twenty articles.
An address depends only on the URL configuration, the script prefix, the language and
the values named, so each worker keeps the ones it has made. A change to any setting
(tests override ROOT_URLCONF) forgets them all.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation

# Addresses kept per worker: a few hundred bytes each, least recently used out.
KEPT_ADDRESSES = 8192


@lru_cache(maxsize=KEPT_ADDRESSES)
def _reverse(urlconf, prefix: str, language: str | None, viewname: str, kwargs: tuple) -> str:
    with translation.override(language):
        return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def reverse_in(viewname: str, language: str | None = None, /, **kwargs) -> str:
    """`reverse(viewname, kwargs=kwargs)` in `language` (the active one by default); raises
    NoReverseMatch as reverse() does, and keeps nothing then."""
    return _reverse(
        get_urlconf(),
        get_script_prefix(),
        language or translation.get_language(),
        viewname,
        tuple(sorted(kwargs.items())),
    )


def forget_addresses(**_kwargs) -> None:
    _reverse.cache_clear()


setting_changed.connect(forget_addresses, weak=False)
