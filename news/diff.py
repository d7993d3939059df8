"""Comparing two revisions of an article, field by field and in both languages.

django-reversion keeps the revisions; its companion django-reversion-compare needs a newer
Python than this project supports, and a word-level difflib comparison is all editors need.
"""

import datetime
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from modeltranslation.translator import translator

from .concurrency import UNTRACKED, field_label
from .models import Article

# Markup, whitespace and words are compared as separate pieces.
TOKENS = re.compile(r"<[^>]*>|\s+|[^\s<]+")


@dataclass
class FieldChange:
    label: str
    old: SafeString
    new: SafeString


def _fields():
    translated_bases = set(translator.get_options_for_model(Article).fields)
    skip = UNTRACKED | translated_bases
    fields = [
        f
        for f in Article._meta.concrete_fields
        if f.name not in skip and not f.name.startswith("text_changed_at")
    ]
    return fields + list(Article._meta.many_to_many)


def _display(model_field, value) -> str:
    if value in (None, "", []):
        return "—"
    if model_field.many_to_many:
        names = model_field.related_model.objects.filter(pk__in=value)
        return ", ".join(sorted(str(obj) for obj in names))
    if model_field.is_relation:
        related = model_field.related_model.objects.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j E Y H:i:s")
    return str(value)


def mark_differences(old: str, new: str) -> tuple[SafeString, SafeString]:
    """The two texts escaped, with what was removed in <del> and what was added in <ins>."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    old_html, new_html = [], []
    for op, a1, a2, b1, b2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[a1:a2])), escape("".join(b[b1:b2]))
        if op == "equal":
            old_html.append(removed)
            new_html.append(added)
            continue
        if removed:
            old_html.append(f"<del>{removed}</del>")
        if added:
            new_html.append(f"<ins>{added}</ins>")
    return mark_safe("".join(old_html)), mark_safe("".join(new_html))


def compare_versions(old, new) -> list[FieldChange]:
    """The fields that differ between two reversion Versions of an article."""
    before, after = old.field_dict, new.field_dict
    changes = []
    for model_field in _fields():
        key = model_field.attname
        old_value, new_value = before.get(key), after.get(key)
        if model_field.many_to_many:
            old_value, new_value = sorted(old_value or []), sorted(new_value or [])
        if (old_value or None) == (new_value or None):
            continue
        old_html, new_html = mark_differences(
            _display(model_field, old_value), _display(model_field, new_value)
        )
        changes.append(FieldChange(field_label(model_field), old_html, new_html))
    return changes
