"""Open data: machine-readable datasets laid out as the Russian government's methodical
recommendations for publishing open data (version 3.0) describe them.

- a registry of datasets (`list.csv`), shown as a page;
- per dataset a passport (`meta.csv`, the page): identifier, title, description, publisher,
  format, licence, dates, links to the data versions and the structure file;
- data files named ``data-<version>-structure-<structure version>.csv`` (and ``.json``), where
  the version is the moment the public data last changed;
- a structure file ``structure-<structure version>.csv`` describing every field.

Files are UTF-8 without a byte-order mark (the recommendations ask for UTF-8; a BOM would
become part of the first column name for most CSV readers), comma-separated, with a header
row. Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
Only public data is published: published, due, and per language only where the article is
available in it.

A new dataset (bodies, sessions, office terms) is a `Dataset` subclass added to `DATASETS`.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Max, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from news.models import Article

STANDARD_VERSION = "http://opendata.gosmonitor.ru/standard/3.0"
VERSION_FORMAT = "%Y%m%dT%H%M"
STRUCTURE_FORMAT = "%Y%m%d"
CHUNK_SIZE = 2000
# Characters that make a spreadsheet treat a cell as a formula (or reorder it).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

FORMATS = {
    "string": _("text"),
    "html": _("HTML text"),
    "integer": _("whole number"),
    "datetime": _("date and time (ISO 8601, with the UTC offset)"),
    "url": _("web address (URL)"),
    "list": _("list of values (in CSV separated by “;”)"),
}


@dataclass(frozen=True)
class Field:
    name: str
    description: str | Promise
    format: str
    value: Callable[[Any, "Context"], Any]

    @property
    def is_text(self) -> bool:
        return self.format in {"string", "html", "url", "list"}


@dataclass(frozen=True)
class Context:
    """What a row needs that is not in the row: the site's absolute address."""

    base_url: str


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def csv_value(field: Field, value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    value = str(value)
    return safe_cell(value) if field.is_text else value


def json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


class _Echo:
    def write(self, value):
        return value


class Dataset:
    code = ""
    title: str | Promise = ""
    description: str | Promise = ""
    subject: str | Promise = ""
    # The day this structure was defined; a new structure gets a new date.
    structure_version = date(2026, 11, 28)
    created = date(2026, 11, 28)
    fields: tuple[Field, ...] = ()

    @property
    def identifier(self) -> str:
        inn = settings.FCS_OPENDATA_PUBLISHER_INN
        return f"{inn}-{self.code}" if inn else self.code

    def queryset(self):
        raise NotImplementedError

    def last_change(self) -> datetime | None:
        raise NotImplementedError

    def version(self, changed: datetime | None = None) -> str | None:
        """The name of the current data version: when the data last changed (Moscow time)."""
        changed = changed or self.last_change()
        return timezone.localtime(changed).strftime(VERSION_FORMAT) if changed else None

    def structure_name(self) -> str:
        return self.structure_version.strftime(STRUCTURE_FORMAT)

    def data_name(self, version: str) -> str:
        return f"data-{version}-structure-{self.structure_name()}"

    def row(self, obj, context: Context) -> list:
        return [field.value(obj, context) for field in self.fields]

    def csv_rows(self, context: Context):
        writer = csv.writer(_Echo())
        yield writer.writerow([field.name for field in self.fields])
        for obj in self.queryset().iterator(chunk_size=CHUNK_SIZE):
            values = self.row(obj, context)
            yield writer.writerow(
                [csv_value(field, value) for field, value in zip(self.fields, values, strict=True)]
            )

    def json_chunks(self, context: Context):
        yield "[\n"
        first = True
        for obj in self.queryset().iterator(chunk_size=CHUNK_SIZE):
            values = self.row(obj, context)
            record = {
                field.name: json_value(value)
                for field, value in zip(self.fields, values, strict=True)
            }
            yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
            first = False
        yield "\n]\n"

    def structure(self) -> list[dict]:
        rows = []
        for field in self.fields:
            descriptions = {}
            for code in ("en", "ru"):
                with override(code):
                    descriptions[code] = str(field.description)
            with override("en"):
                field_format = str(FORMATS[field.format])
            rows.append(
                {
                    "field name": field.name,
                    "english description": descriptions["en"],
                    "russian description": descriptions["ru"],
                    "format": field_format,
                }
            )
        return rows


def _language_value(name: str, language: str, transform=None):
    def value(article, context):
        if not getattr(article, f"public_{language}"):
            return None
        raw = getattr(article, f"{name}_{language}") or ""
        return transform(article, raw, context) if transform else raw

    return value


def _absolute_url(language):
    def transform(article, raw, context):
        return context.base_url + article.get_absolute_url(language)

    return transform


def _article_fields() -> tuple[Field, ...]:
    fields = [
        Field("id", _("Number of the article, the same in every language"), "integer",
              lambda a, c: a.pk),
        Field("published_at", _("Publication date and time"), "datetime",
              lambda a, c: timezone.localtime(a.published_at)),
        Field("updated_at", _("Date and time of the last change"), "datetime",
              lambda a, c: timezone.localtime(max(a.updated_at, a.published_at))),
        Field("kind", _("Kind: press_release, news or announcement"), "string",
              lambda a, c: a.kind),
        Field("rubric", _("Rubric (stable identifier)"), "string",
              lambda a, c: a.rubric.slug if a.rubric else None),
        Field("topics", _("Topics (stable identifiers)"), "list",
              lambda a, c: [topic.slug for topic in a.topics.all()]),
    ]  # fmt: skip
    language_fields = [
        ("url", _("Address of the article’s page %(in_language)s"), "url", _absolute_url),
        ("title", _("Headline %(in_language)s"), "string", None),
        ("lead", _("Lead %(in_language)s"), "string", None),
        ("body", _("Text %(in_language)s (HTML)"), "html", None),
        ("note", _("“To take note” box %(in_language)s (HTML)"), "html", None),
    ]
    in_language = {"ru": _("in Russian"), "en": _("in English")}
    for code, _name in settings.LANGUAGES:
        for name, description, field_format, transform in language_fields:
            fields.append(
                Field(
                    f"{name}_{code}",
                    _LazyFormat(description, in_language=in_language[code]),
                    field_format,
                    _language_value(
                        "slug" if name == "url" else name,
                        code,
                        transform(code) if transform else None,
                    ),
                )
            )
    return tuple(fields)


class _LazyFormat:
    """A translated description with its parameters filled in when it is displayed."""

    def __init__(self, text, **params):
        self.text = text
        self.params = params

    def __str__(self):
        return str(self.text) % {key: str(value) for key, value in self.params.items()}


def _public_in(language: str) -> Q:
    condition = Q()
    for field in Article.REQUIRED_TRANSLATED_FIELDS:
        condition &= Q(**{f"{field}_{language}__gt": ""})
    return condition


class ArticleDataset(Dataset):
    code = "news"
    title = _("Press releases and news")
    description = _(
        "Press releases, news and announcements published on this site: number, dates, "
        "kind, rubric, topics, and the headline, lead, text and address of the page in "
        "each language the article is published in."
    )
    subject = _("customs, press releases, news, World Customs Organization")
    fields = _article_fields()

    def queryset(self):
        codes = [code for code, _name in settings.LANGUAGES]
        anywhere = Q()
        for code in codes:
            anywhere |= _public_in(code)
        return (
            Article.objects.published()
            .filter(anywhere)
            .annotate(
                **{
                    f"public_{code}": ExpressionWrapper(
                        _public_in(code), output_field=BooleanField()
                    )
                    for code in codes
                }
            )
            .select_related("rubric")
            .prefetch_related("topics")
            .order_by("-published_at", "-pk")
        )

    def last_change(self):
        """When the public data last changed: an edit, or a scheduled article coming due."""
        edited = Article.objects.aggregate(at=Max("updated_at"))["at"]
        due = Article.objects.published().aggregate(at=Max("published_at"))["at"]
        return max((moment for moment in (edited, due) if moment), default=None)


# Every dataset, in the order of the registry.
DATASETS: list[Dataset] = [ArticleDataset()]


def get_dataset(identifier: str) -> Dataset | None:
    return next((d for d in DATASETS if d.identifier == identifier), None)


LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
