"""Addresses of public pages in a given language."""

from django.urls import reverse
from django.utils import translation


def reverse_in(viewname: str, language: str | None = None, /, **kwargs) -> str:
    """`reverse(viewname, kwargs=kwargs)` in `language` (the active one by default); raises
    NoReverseMatch as reverse() does."""
    if language is None:
        return reverse(viewname, kwargs=kwargs)
    with translation.override(language):
        return reverse(viewname, kwargs=kwargs)
