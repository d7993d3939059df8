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
Only public data is published: articles published and due, and every dataset's texts per
language only where the item is available in it (has a page in that language).

The datasets: articles, and the committees registry's bodies, sessions and office terms. A
new dataset is a `Dataset` subclass added to `DATASETS`.
"""

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Max, Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from committees.models import Body, Person, Post, Session, Term, filled_in
from news.models import Article, Rubric, Topic, available_condition

from .models import Removal

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
    "date": _("date (ISO 8601: YYYY-MM-DD)"),
    "partial_date": _("date to the precision known (ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD)"),
    "boolean": _("true or false"),
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
    if isinstance(value, bool):
        return "true" if value else "false"
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

    # The models whose rows the data is made of: deleting one is a change too.
    read_models: tuple = ()

    def last_edit(self) -> datetime | None:
        """When a row the data is made of was last saved (or came due)."""
        raise NotImplementedError

    def last_change(self) -> datetime | None:
        """When the public data last changed: a row saved, come due or deleted."""
        return _latest(self.last_edit(), Removal.objects.last_of(*self.read_models))

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


class ArticleDataset(Dataset):
    code = "news"
    read_models = (Article, Rubric, Topic)
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
            anywhere |= available_condition(code)
        return (
            Article.objects.published()
            .filter(anywhere)
            .annotate(
                **{
                    f"public_{code}": ExpressionWrapper(
                        available_condition(code), output_field=BooleanField()
                    )
                    for code in codes
                }
            )
            .select_related("rubric")
            .prefetch_related("topics")
            .order_by("-published_at", "-pk")
        )

    def last_edit(self):
        """When the public data last changed: an edit, or a scheduled article coming due."""
        edited = Article.objects.aggregate(at=Max("updated_at"))["at"]
        due = Article.objects.published().aggregate(at=Max("published_at"))["at"]
        return max((moment for moment in (edited, due) if moment), default=None)


IN_LANGUAGE = {"ru": _("in Russian"), "en": _("in English")}


def _latest(*moments) -> datetime | None:
    return max((moment for moment in moments if moment), default=None)


def _translated_fields(specs, available) -> list[Field]:
    """Per language, a field for each (name, description, format, value) in `specs`.

    The value is given only when `available(obj, language)`: there is no fallback to the
    other language's text, as on the pages.
    """

    def in_language(value, code):
        def get(obj, context):
            return value(obj, code, context) if available(obj, code) else None

        return get

    return [
        Field(
            f"{name}_{code}",
            _LazyFormat(description, in_language=IN_LANGUAGE[code]),
            field_format,
            in_language(value, code),
        )
        for code, _name in settings.LANGUAGES
        for name, description, field_format, value in specs
    ]


def _translated(name):
    def value(obj, code, context):
        return getattr(obj, f"{name}_{code}") or ""

    return value


def _page_url(obj, code, context):
    return context.base_url + obj.get_absolute_url(code)


def _anywhere(fields) -> Q:
    condition = Q(pk__in=[])
    for code, _name in settings.LANGUAGES:
        condition |= filled_in(fields, code)
    return condition


def _partial_date(value, precision: str) -> str | None:
    """1983, 1983-03 or 1983-03-22: the date cut to what is known of it."""
    if value is None:
        return None
    return value.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]


BODY_FIELDS = [f"body__{field}" for field in Body.REQUIRED_TRANSLATED_FIELDS]
PERSON_FIELDS = [f"person__{field}" for field in Person.REQUIRED_TRANSLATED_FIELDS]


class BodyDataset(Dataset):
    code = "bodies"
    read_models = (Body,)
    title = _("WCO bodies")
    description = _(
        "The working bodies of the World Customs Organization described on this site: "
        "identifier, type, dates of establishment and dissolution, the bodies each reports "
        "to, and the name, abbreviation, description and page address in each language the "
        "body is described in."
    )
    subject = _("World Customs Organization, committees, working bodies")
    fields = (
        Field("id", _("Number of the body, the same in every language"), "integer",
              lambda b, c: b.pk),
        Field("slug", _("Stable identifier of the body, used in page addresses"), "string",
              lambda b, c: b.slug),
        Field("classification",
              _("Type: council, commission, committee, sub_committee, working_group or other"),
              "string", lambda b, c: b.classification),
        Field("established", _("Date of establishment"), "partial_date",
              lambda b, c: _partial_date(b.established_on, b.established_precision)),
        Field("dissolved", _("Date of dissolution; empty while the body works"), "partial_date",
              lambda b, c: _partial_date(b.dissolved_on, b.dissolved_precision)),
        Field("reports_to", _("Bodies it reports to (stable identifiers)"), "list",
              lambda b, c: [parent.slug for parent in b.reports_to.all()]),
        Field("updated_at", _("Date and time of the last change"), "datetime",
              lambda b, c: timezone.localtime(b.updated_at)),
        *_translated_fields(
            [
                ("url", _("Address of the body’s page %(in_language)s"), "url", _page_url),
                ("name", _("Name %(in_language)s"), "string", _translated("name")),
                ("abbreviation", _("Abbreviation %(in_language)s"), "string",
                 _translated("abbreviation")),
                ("description", _("Description %(in_language)s"), "string",
                 _translated("description")),
            ],
            available=lambda body, code: body.is_available_in(code),
        ),
    )  # fmt: skip

    def queryset(self):
        public = _anywhere(Body.REQUIRED_TRANSLATED_FIELDS)
        parents = Body.objects.filter(public).only("slug").order_by("slug")
        return Body.objects.filter(public).prefetch_related(
            Prefetch("reports_to", queryset=parents)
        )

    def last_edit(self):
        return Body.objects.aggregate(at=Max("updated_at"))["at"]


def _approving_session(session, context) -> int | None:
    """The approving session's id, unless it is of a body with no page (not in the data)."""
    approved_at = session.report_approved_at
    return approved_at.pk if approved_at and approved_at.body.available_languages() else None


def _session_title(session, code, context):
    with override(code):
        return session.title()


class SessionDataset(Dataset):
    code = "sessions"
    read_models = (Session, Body)
    title = _("Sessions of the WCO bodies")
    description = _(
        "Sessions of the WCO bodies, and the phases of sessions held in parts: body, "
        "numbers, dates, format, status, the session that approved the report, and the "
        "title, venue, summary and page address in each language the body is described in."
    )
    subject = _("World Customs Organization, committees, sessions")
    fields = (
        Field("id", _("Number of the session or phase, the same in every language"), "integer",
              lambda s, c: s.pk),
        Field("body", _("Body that held the session (stable identifier)"), "string",
              lambda s, c: s.body.slug),
        Field("number", _("Number of the session; empty for a phase"), "integer",
              lambda s, c: s.number),
        Field("second_number", _("Second number, for one meeting that carries two"),
              "integer", lambda s, c: s.second_number),
        Field("parent", _("For a phase: the id of the session it is part of"), "integer",
              lambda s, c: s.parent_id),
        Field("start_date", _("First day"), "date", lambda s, c: s.start_date),
        Field("end_date", _("Last day"), "date", lambda s, c: s.end_date),
        Field("format", _("Format: in_person, virtual or hybrid"), "string",
              lambda s, c: s.format),
        Field("status", _("Status: planned, held, postponed or cancelled"), "string",
              lambda s, c: s.status),
        Field("report_approved_at",
              _("The id of the session (of another body) that approved the report"),
              "integer", _approving_session),
        Field("updated_at", _("Date and time of the last change"), "datetime",
              lambda s, c: timezone.localtime(s.updated_at)),
        *_translated_fields(
            [
                ("url", _("Address of the session’s page %(in_language)s"), "url", _page_url),
                ("title", _("Title %(in_language)s"), "string", _session_title),
                ("venue", _("Venue %(in_language)s"), "string", _translated("venue")),
                ("summary", _("Summary %(in_language)s"), "string", _translated("summary")),
            ],
            available=lambda session, code: session.body.is_available_in(code),
        ),
    )  # fmt: skip

    def queryset(self):
        return (
            Session.objects.filter(_anywhere(BODY_FIELDS))
            .select_related("body", "parent__body", "report_approved_at__body")
            .order_by("start_date", "pk")
        )

    def last_edit(self):
        found = Session.objects.aggregate(at=Max("updated_at"), body_at=Max("body__updated_at"))
        return _latest(*found.values())


def _term_public_anywhere() -> Q:
    condition = Q(pk__in=[])
    for code, _name in settings.LANGUAGES:
        condition |= filled_in(PERSON_FIELDS, code) & filled_in(
            [f"post__{field}" for field in BODY_FIELDS], code
        )
    return condition


def _person_value(value):
    def get(term, code, context):
        return value(term.person, code, context)

    return get


class TermDataset(Dataset):
    code = "terms"
    read_models = (Term, Person, Post, Body, Session)
    title = _("Terms of office in the WCO bodies")
    description = _(
        "Who held the posts of Chair, Vice-Chair and Rapporteur of the WCO bodies, and when: "
        "person, post, body, dates, the session that elected the person, whether the post "
        "was held in an acting capacity, and the person’s name and page address in each "
        "language."
    )
    subject = _("World Customs Organization, committees, chairs, office holders")
    fields = (
        Field("id", _("Number of the term of office"), "integer", lambda t, c: t.pk),
        Field("person", _("Number of the person, the same in all their terms"), "integer",
              lambda t, c: t.person_id),
        Field("post", _("Number of the post"), "integer", lambda t, c: t.post_id),
        Field("role", _("Post: chair, vice_chair or rapporteur"), "string",
              lambda t, c: t.post.role),
        Field("body", _("Body (stable identifier)"), "string", lambda t, c: t.post.body.slug),
        Field("start_date", _("First day in office"), "date", lambda t, c: t.start_date),
        Field("end_date",
              _("The day the successor took over (no longer part of the term); empty while "
                "in office"),
              "date", lambda t, c: t.end_date),
        Field("elected_at", _("The id of the session that elected the person"), "integer",
              lambda t, c: t.elected_at_id),
        Field("elected_at_number", _("Number of that session"), "integer",
              lambda t, c: t.elected_at.number if t.elected_at_id else None),
        Field("acting", _("Whether the post was held in an acting capacity"), "boolean",
              lambda t, c: t.acting),
        Field("updated_at", _("Date and time of the last change"), "datetime",
              lambda t, c: timezone.localtime(t.updated_at)),
        *_translated_fields(
            [
                ("person_name", _("Name of the person %(in_language)s"), "string",
                 _person_value(_translated("name"))),
                ("person_url", _("Address of the person’s page %(in_language)s"), "url",
                 _person_value(_page_url)),
            ],
            available=lambda term, code: term.person.is_available_in(code),
        ),
    )  # fmt: skip

    def queryset(self):
        return (
            Term.objects.filter(_term_public_anywhere())
            .select_related("person", "post__body", "elected_at")
            .order_by("start_date", "pk")
        )

    def last_edit(self):
        # (Aliases that are not field names: an alias "post" would shadow the relation.)
        found = Term.objects.aggregate(
            term_at=Max("updated_at"),
            person_at=Max("person__updated_at"),
            post_at=Max("post__updated_at"),
            body_at=Max("post__body__updated_at"),
            session_at=Max("elected_at__updated_at"),
        )
        return _latest(*found.values())


# Every dataset, in the order of the registry.
DATASETS: list[Dataset] = [ArticleDataset(), BodyDataset(), SessionDataset(), TermDataset()]


def get_dataset(identifier: str) -> Dataset | None:
    return next((d for d in DATASETS if d.identifier == identifier), None)


LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}
