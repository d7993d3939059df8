"""What the site search reads: per-language derived columns of a row, kept current on save.

Two columns per language:

- ``search_<lang>``: a weighted ``tsvector`` (PostgreSQL only; NULL elsewhere), built with the
  language's text search configuration from plain text in which "ё" is written "е";
- ``search_text_<lang>``: the same text folded (case-folded, "ё" as "е", HTML removed,
  whitespace collapsed), which the SQLite fallback matches with ``LIKE`` — SQLite's own
  case-insensitivity stops at ASCII, so the folding is done here, in Python.

The helpers take plain values, not an Article, so that a data migration (historical model)
and any other model with the same columns can use them.
"""

import re
from html.parser import HTMLParser

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db.models import Value

# PostgreSQL text search configuration per site language.
CONFIGS = {"ru": "russian", "en": "english"}
WEIGHTS = ("A", "B", "C", "D")

INLINE_TAGS = frozenset({"a", "b", "strong", "i", "em", "span", "abbr", "sub", "sup", "code"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")
_SPACE = re.compile(r"\s+")


def yo_to_ye(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def clean_text(text: str | None) -> str:
    """Plain text with control and private-use characters removed and whitespace collapsed.

    Private-use characters are what the search uses to mark highlighted words.
    """
    return _SPACE.sub(" ", _CONTROL.sub(" ", text or "")).strip()


def fold(text: str | None) -> str:
    return yo_to_ye(clean_text(text).casefold())


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        # Block tags separate words: "<p>one</p><p>two</p>" is "one two", not "onetwo";
        # inline ones do not: "<b>Brussels</b>." stays "Brussels.".
        if tag not in INLINE_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag not in INLINE_TAGS:
            self.parts.append(" ")


def html_to_text(html: str | None) -> str:
    if not html:
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return clean_text("".join(parser.parts))


def column_names() -> list[str]:
    """The derived columns of a searchable row."""
    return [f"search{kind}_{language}" for language in CONFIGS for kind in ("", "_text")]


def search_text(parts: list[str]) -> str:
    """The folded text of plain-text `parts`, for the SQLite fallback."""
    return fold(" ".join(part for part in parts if part))


def search_vector(weighted_parts: list[tuple[str, str]], language: str):
    """A tsvector expression over plain-text parts, each with its weight (A highest)."""
    config = CONFIGS[language]
    vector = None
    for text, weight in weighted_parts:
        part = SearchVector(Value(yo_to_ye(clean_text(text))), config=config, weight=weight)
        vector = part if vector is None else vector + part
    return vector


def index_values(documents: dict[str, list[tuple[str, str]]], vendor: str) -> dict:
    """Column values for a row: `documents` maps a language to its (plain text, weight) parts.

    On PostgreSQL the ``search_<lang>`` values are expressions, evaluated by the database in
    the same INSERT or UPDATE that saves the row.
    """
    values = {}
    for language, parts in documents.items():
        values[f"search_text_{language}"] = search_text([text for text, _weight in parts])
        if vendor == "postgresql":
            values[f"search_{language}"] = search_vector(parts, language)
    return values


def article_documents(article) -> dict[str, list[tuple[str, str]]]:
    """An article's searchable text per language: headline, lead, body, then the note."""
    documents = {}
    for language in CONFIGS:
        documents[language] = [
            (getattr(article, f"title_{language}", "") or "", "A"),
            (getattr(article, f"lead_{language}", "") or "", "B"),
            (html_to_text(getattr(article, f"body_{language}", "")), "C"),
            (html_to_text(getattr(article, f"note_{language}", "")), "D"),
        ]
    return documents


def reindex(queryset, documents, vendor: str, chunk_size: int = 500, manager=None) -> int:
    """Rewrite the search columns of every row of `queryset` (after bulk writes or imports).

    `documents` is the function that gives a row's documents (``article_documents``);
    `manager` writes the rows (the model's default manager unless given).
    """
    manager = manager if manager is not None else queryset.model._default_manager
    count = 0
    for row in queryset.order_by("pk").iterator(chunk_size=chunk_size):
        manager.filter(pk=row.pk).update(**index_values(documents(row), vendor))
        count += 1
    return count


class PostgresOnlyGinIndex(GinIndex):
    """A GIN index on PostgreSQL; nothing on other databases, which have neither GIN nor tsvector.

    Keeping it in ``Meta.indexes`` lets migrations stay the same on every database.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- no GIN index {self.name} on {schema_editor.connection.vendor}"
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return f"-- no GIN index {self.name} on {schema_editor.connection.vendor}"
        return super().remove_sql(model, schema_editor, **kwargs)
