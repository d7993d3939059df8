"""Narrow queries over translated models: name the columns a page shows, with every
translation of each, and pass them to Django's only() as they are.

Shared by the committees' pages and the news pages that link to bodies, sessions and
people: the wide translated rows cost more to compile and read than to show.
"""

from django.db.models import QuerySet
from modeltranslation.translator import translator

from .models import language_codes

# What a link to a body, a session or a person shows (its title, dates and address).
LINKED_BODY_FIELDS = ("name", "name_genitive", "slug")
SESSION_LIST_FIELDS = (
    "body",
    "parent",
    "number",
    "second_number",
    "start_date",
    "end_date",
    "format",
    "venue",
    "status",
)
PERSON_LINK_FIELDS = ("name", "slug")


def columns(model, fields, prefix: str = "") -> list[str]:
    """`fields` of `model` for `narrow()`, a translated one with each of its translations;
    with `prefix`, as the fields of a related row (`prefix__field`)."""
    translated = translator.get_options_for_model(model).all_fields
    names = []
    for field in fields:
        names.append(field)
        if field in translated:
            names.extend(f"{field}_{code}" for code in language_codes())
    return [f"{prefix}__{name}" for name in names] if prefix else names


def narrow(queryset, *names):
    """`only(*names)`, the names taken as given (from `columns()`): modeltranslation's
    only() looks for translations in every part of every name, which cost a good part of
    a whole query."""
    return QuerySet.only(queryset, *names)
