"""Site search: one `search()` over every registered source.

On PostgreSQL each source is matched against its stored, weighted ``tsvector`` for the page's
language (``russian`` or ``english`` configuration, so word forms match), ranked with
``ts_rank`` and highlighted with ``ts_headline``, under a statement timeout. Elsewhere (SQLite)
every word of the query must occur in the source's folded text (case-insensitive also for
Cyrillic, "ё" as "е"); results are newest first and highlighted in Python.

A source is anything public that has a page: articles, WCO bodies, sessions and people, each
a `SearchSource` in `SOURCES`. The sources are searched together, in a number of queries that
does not depend on how many there are (see `_Backend`). On PostgreSQL those statements are
written by the ORM once per shape (language, filters, sources) and run again with the words,
the time and the ids of the rows shown as parameters (see `_Statements`).
"""

import json
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from html import escape as html_escape
from html import unescape

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import InvalidPage
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    JSONField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, JSONObject, NullIf
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _

from committees import dates
from committees.models import Body, Person, Session, Term
from news.models import Article
from news.search_index import CONFIGS, fold, html_to_text, yo_to_ye

from .committees_index import session_title

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
PER_PAGE = 20
# Results past this page are not served: nobody reads them, and deep pages cost the most.
MAX_PAGES = 250
# On PostgreSQL a source with many rows (the news) ranks only its newest this-many matches:
# ranking reads each match's whole vector, so a word found in every article would cost a
# pass over the table; the page then says "more than N results".
MAX_RANKED = 500
# Private-use characters that the database puts around highlighted words; stored search text
# never holds them (news.search_index.clean_text removes them), so they cannot be forged.
MARK_START = "\ue000"
MARK_END = "\ue001"
# The oldest and newest dates the date filters accept.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
# SQLSTATE of a statement cancelled by statement_timeout.
QUERY_CANCELED = "57014"

_UNWANTED = re.compile(r"[\x00-\x1f\x7f-\x9f\ue000-\uf8ff\ufeff\ufff0-\uffff]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_NOT_MARKER = re.compile(f"[^{MARK_START}{MARK_END}]+")
_MARK_PAIR = MARK_START + MARK_END
# A tag of sanitised HTML (attribute values are always double-quoted there).
TAG_PATTERN = r'<("[^"]*"|[^">])*>'


class SearchTimeout(Exception):
    """The database gave up on the query (statement timeout)."""


def clean_query(raw: str | None) -> str:
    """The query as searched: no control characters, whitespace collapsed, at most 200 chars."""
    text = _SPACE.sub(" ", _UNWANTED.sub(" ", raw or "")).strip()
    return text[:MAX_QUERY_LENGTH].strip()


def query_terms(query: str) -> list[str]:
    """The folded words of `query`, for the SQLite fallback."""
    return _WORD.findall(fold(query))[:MAX_TERMS]


@dataclass(frozen=True)
class SearchFilters:
    """What a visitor narrowed the search to. A source that cannot apply a filter is left out."""

    date_from: date | None = None
    date_to: date | None = None
    rubric: object | None = None
    # A WCO body (or its id): the articles about it, its sessions, the people who hold or
    # held its posts, and the body itself.
    body: object | None = None

    @property
    def body_id(self):
        return getattr(self.body, "pk", self.body)

    def datetime_range(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in the current time zone: whole days, both ends included."""
        start = end = None
        if self.date_from:
            start = timezone.make_aware(datetime.combine(self.date_from, time.min))
        if self.date_to:
            end = timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))
        return start, end


@dataclass
class SearchResult:
    source: "SearchSource"
    obj: object
    title: SafeString
    snippet: SafeString
    url: str
    date: datetime | date | None
    # The date as shown when it is more than a day ("22–26 March 2021" for a session).
    date_text: str = ""
    rank: float | None = None

    @property
    def label(self):
        return self.source.label

    @property
    def date_iso(self) -> str:
        """The date for <time datetime>: the day, or the moment in the site's time zone."""
        return dates.iso(self.date)

    @property
    def date_shown(self) -> str:
        """The date as shown: `date_text`, else the day as |date:"j E Y" writes it."""
        if self.date_text or not self.date:
            return self.date_text
        day = template_localtime(self.date)
        return dates.format_day_plain(day.date() if isinstance(day, datetime) else day)


@dataclass
class SearchPage:
    """One page of results; quacks like Django's Page for templates/includes/pagination.html."""

    query: str
    results: list[SearchResult]
    number: int
    count: int
    per_page: int
    backend: str
    # True when `count` is a lower bound: a source had more matches than it ranks.
    count_is_lower_bound: bool = False
    paginator: "SearchPage" = field(init=False, repr=False)

    def __post_init__(self):
        self.paginator = self

    @property
    def num_pages(self) -> int:
        return min(MAX_PAGES, max(1, math.ceil(self.count / self.per_page)))

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.count else 0

    def __iter__(self):
        return iter(self.results)

    def __len__(self):
        return len(self.results)


def marked(text: str) -> SafeString:
    """`text` escaped, with the database's highlight markers turned into balanced <mark> tags."""
    text = text or ""
    escaped = html_escape(text)  # as django.utils.html.escape; the markers are left as they are
    markers = _NOT_MARKER.sub("", text)
    if markers == _MARK_PAIR * (len(markers) // 2):
        # Each start followed by its end (always so from ts_headline): replaced as they are.
        return mark_safe(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
    out = []
    open_mark = False
    for part in re.split(f"([{MARK_START}{MARK_END}])", text or ""):
        if part == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    # Every piece of text above is escaped; only <mark> and </mark> are markup.
    return mark_safe("".join(out))


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    folded, positions = [], []
    for index, char in enumerate(text):
        piece = yo_to_ye(char.casefold())
        folded.append(piece)
        positions.extend([index] * len(piece))
    return "".join(folded), positions


def highlight_terms(text: str, terms: list[str], *, window: int | None = None) -> SafeString:
    """Mark every occurrence of `terms` in plain `text` (case-insensitive, "ё" as "е").

    With `window`, only about that many characters around the first occurrence are kept.
    """
    text = text or ""
    folded, positions = _folded_with_positions(text)
    spans = []
    for term in terms:
        start = folded.find(term)
        while term and start != -1:
            spans.append((positions[start], positions[start + len(term) - 1] + 1))
            start = folded.find(term, start + len(term))
    spans.sort()
    prefix = suffix = ""
    if window and len(text) > window:
        first = spans[0][0] if spans else 0
        begin = max(0, first - window // 4)
        if begin:
            begin = text.find(" ", begin) + 1 or begin
            prefix = "… "
        end = min(len(text), begin + window)
        if end < len(text):
            end = text.rfind(" ", begin, end) if text.rfind(" ", begin, end) > begin else end
            suffix = " …"
        text_start, text = begin, text[begin:end]
        spans = [(a - text_start, b - text_start) for a, b in spans if a >= begin and b <= end]
    out, cursor = [], 0
    for start, end in spans:
        if start < cursor:
            continue
        out.append(text[cursor:start] + MARK_START + text[start:end] + MARK_END)
        cursor = end
    out.append(text[cursor:])
    return mark_safe(escape(prefix) + marked("".join(out)) + escape(suffix))


class Translate(Func):
    """translate(text, from, to): "ё" as "е", and the highlight markers removed."""

    function = "translate"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(f"ёЁ{MARK_START}{MARK_END}"), Value("еЕ"))


class StripTags(Func):
    function = "regexp_replace"
    output_field = TextField()

    def __init__(self, expression):
        super().__init__(expression, Value(TAG_PATTERN), Value(" "), Value("g"))


class LocalMidnight(Func):
    """A date as the moment its day begins in the current time zone, to order it among
    datetimes (PostgreSQL). Other databases order the date's text among theirs."""

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql})::timestamp AT TIME ZONE %s)", [
            *params,
            timezone.get_current_timezone_name(),
        ]


class SearchSource:
    """A kind of public page the search finds. Subclasses say where their text is.

    Requirements on the model: ``search_<lang>`` (tsvector, PostgreSQL) and
    ``search_text_<lang>`` (folded text) columns per language, kept current on save
    (see news/search_index.py and fcs_site/committees_index.py).
    """

    key = ""
    label = ""
    model = None
    # The date shown with a result and used by the date filters (None: no date; such a
    # source is left out when a date filter is set).
    date_field: str | None = None
    # Plain-text title field, without the language suffix.
    title_field = "title"
    # Fields shown as the fragment under the title, in order: (name without suffix, is HTML).
    snippet_fields: tuple[tuple[str, bool], ...] = ()
    snippet_separator = " "
    # On PostgreSQL, rank only this many of the newest matches (None: all of them).
    ranked_at_most: int | None = None
    # What a result needs for its address, title and date: attnames of the model, or
    # ``relation__attname`` of a related row; "{language}" stands for the page's language.
    display_fields: tuple[str, ...] = ("id",)

    def public_queryset(self, language: str, now=None):
        """What the public may see in `language`; `now` (a datetime) for "published by now"
        where the source has such a condition."""
        raise NotImplementedError

    def apply_filters(self, queryset, filters: "SearchFilters"):
        """`queryset` narrowed by `filters`, or None when a filter excludes this whole source."""
        if filters.rubric is not None or filters.body is not None:
            return None
        return self.filter_dates(queryset, filters)

    def date_is_day(self) -> bool:
        return not isinstance(self.model._meta.get_field(self.date_field), DateTimeField)

    def filter_dates(self, queryset, filters: "SearchFilters"):
        if not (filters.date_from or filters.date_to):
            return queryset
        if not self.date_field:
            return None
        if self.date_is_day():
            if filters.date_from:
                queryset = queryset.filter(**{f"{self.date_field}__gte": filters.date_from})
            if filters.date_to:
                queryset = queryset.filter(**{f"{self.date_field}__lte": filters.date_to})
            return queryset
        start, end = filters.datetime_range()
        if start:
            queryset = queryset.filter(**{f"{self.date_field}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{self.date_field}__lt": end})
        return queryset

    def sort_time(self):
        """The result's moment, for ordering results of equal rank (newest first)."""
        if not self.date_field:
            return Cast(Value(None), DateTimeField())
        if self.date_is_day():
            return LocalMidnight(F(self.date_field))
        return F(self.date_field)

    def detail_queryset(self):
        return self.model._default_manager.all()

    def fields(self, language: str, *, with_snippet: bool) -> list[str]:
        names = [name.format(language=language) for name in self.display_fields]
        if with_snippet:
            names += [f"{name}_{language}" for name, _is_html in self.snippet_fields]
        return list(dict.fromkeys(names))

    def url(self, obj, language: str) -> str:
        return obj.get_absolute_url(language)

    def date(self, obj):
        return getattr(obj, self.date_field) if self.date_field else None

    def date_display(self, obj, language: str) -> str:
        """The date as shown, when it is not simply the day of `date()`."""
        return ""

    def title_text(self, obj, language: str) -> str:
        return getattr(obj, f"{self.title_field}_{language}") or ""

    def hit_data(self, language: str):
        """What the title needs beyond the row's own columns, read with the hits (JSON)."""
        return Value(None, output_field=JSONField())

    def made_title(self, language: str, data) -> str | None:
        """The title made in Python from the row's `hit_data`, when no column holds it."""
        return None

    # PostgreSQL
    def title_expression(self, language: str, made_title):
        """The plain-text title as SQL; `made_title` is the row's `made_title()` as SQL."""
        return Translate(F(f"{self.title_field}_{language}"))

    def snippet_text(self, obj, language: str) -> str:
        parts = []
        for name, is_html in self.snippet_fields:
            value = getattr(obj, f"{name}_{language}") or ""
            parts.append(html_to_text(value) if is_html else value)
        return self.snippet_separator.join(part for part in parts if part)

    @property
    def snippet_has_html(self) -> bool:
        return any(is_html for _name, is_html in self.snippet_fields)

    def snippet_expression(self, language: str):
        parts = []
        for name, is_html in self.snippet_fields:
            column = F(f"{name}_{language}")
            parts.append(NullIf(StripTags(column) if is_html else column, Value("")))
        if not parts:
            return Value("")
        return Translate(
            Func(
                Value(self.snippet_separator),
                *parts,
                function="concat_ws",
                output_field=TextField(),
            )
        )


class ArticleSource(SearchSource):
    key = "articles"
    label = _("News")
    model = Article
    date_field = "published_at"
    title_field = "title"
    snippet_fields = (("lead", False), ("body", True))
    display_fields = ("id", "slug_{language}", "title_{language}", "published_at")

    @property
    def ranked_at_most(self):
        return MAX_RANKED

    def public_queryset(self, language, now=None):
        return Article.objects.public(language, now=now)

    def apply_filters(self, queryset, filters):
        if filters.body is not None:
            queryset = queryset.filter(bodies=filters.body_id)
        if filters.rubric is not None:
            queryset = queryset.filter(rubric=filters.rubric)
        return self.filter_dates(queryset, filters)


class BodySource(SearchSource):
    key = "bodies"
    label = _("WCO bodies")
    model = Body
    snippet_fields = (("description", False),)
    display_fields = ("id", "slug", "name_{language}", "abbreviation_{language}")

    def public_queryset(self, language, now=None):
        return Body.objects.available_in(language)

    def apply_filters(self, queryset, filters):
        if filters.rubric is not None:
            return None
        if filters.body is not None:
            queryset = queryset.filter(pk=filters.body_id)
        return self.filter_dates(queryset, filters)

    def title_text(self, obj, language):
        name = getattr(obj, f"name_{language}") or ""
        abbreviation = getattr(obj, f"abbreviation_{language}") or ""
        return f"{name} ({abbreviation})" if abbreviation else name

    def title_expression(self, language, made_title):
        abbreviation = F(f"abbreviation_{language}")
        return Translate(
            Concat(
                F(f"name_{language}"),
                Case(
                    When(
                        **{f"abbreviation_{language}__gt": ""},
                        then=Concat(
                            Value(" ("), abbreviation, Value(")"), output_field=TextField()
                        ),
                    ),
                    default=Value(""),
                    output_field=TextField(),
                ),
                output_field=TextField(),
            )
        )


class SessionSource(SearchSource):
    """Numbered sessions; the phases of a session are shown on its page, not as results."""

    key = "sessions"
    label = _("Sessions")
    model = Session
    date_field = "start_date"
    snippet_fields = (("venue", False), ("summary", False))
    snippet_separator = ". "
    display_fields = (
        "id",
        "number",
        "second_number",
        "parent_id",
        "start_date",
        "end_date",
        "body__id",
        "body__slug",
        "body__name_{language}",
        "body__name_genitive_{language}",
    )

    def public_queryset(self, language, now=None):
        return Session.objects.available_in(language).numbered()

    def apply_filters(self, queryset, filters):
        if filters.rubric is not None:
            return None
        if filters.body is not None:
            queryset = queryset.filter(body=filters.body_id)
        return self.filter_dates(queryset, filters)

    def title_text(self, obj, language):
        return session_title(obj, obj.body, language)

    def hit_data(self, language):
        return JSONObject(
            number=F("number"),
            second_number=F("second_number"),
            name=F(f"body__name_{language}"),
            genitive=F(f"body__name_genitive_{language}"),
        )

    def made_title(self, language, data):
        return Session.title_in(
            language,
            number=data["number"],
            second_number=data["second_number"],
            body_genitive=data["genitive"] or data["name"] or "",
        )

    def title_expression(self, language, made_title):
        # The title is made in Python (no column holds it) from what the hits query read.
        return Translate(made_title)

    def date_display(self, obj, language):
        return obj.dates_display(language)


class PersonSource(SearchSource):
    """People; with the body filter, those who hold or held a post of that body."""

    key = "people"
    label = _("People")
    model = Person
    title_field = "name"
    snippet_fields = (("position", False), ("organisation", False), ("country", False))
    snippet_separator = ", "
    display_fields = ("id", "slug", "name_{language}")

    def public_queryset(self, language, now=None):
        return Person.objects.available_in(language)

    def apply_filters(self, queryset, filters):
        if filters.rubric is not None:
            return None
        if filters.body is not None:
            holders = Term.objects.filter(post__body=filters.body_id).values("person_id")
            queryset = queryset.filter(pk__in=holders)
        return self.filter_dates(queryset, filters)


# Every kind of page the search finds, in the order results of equal rank and date are shown.
SOURCES: list[SearchSource] = [BodySource(), PersonSource(), SessionSource(), ArticleSource()]


@contextmanager
def statement_timeout(milliseconds: int, using: str = DEFAULT_DB_ALIAS):
    """Run the block in a transaction whose statements PostgreSQL cancels after `milliseconds`.

    A cancelled statement raises `SearchTimeout`. Other databases run the block as it is.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [f"{int(milliseconds)}ms"],
                )
                previous = cursor.fetchone()[0]
            yield
            if nested:
                # SET LOCAL lasts to the end of the outer transaction, not of this block.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as exc:
        cause = exc.__cause__
        code = getattr(cause, "pgcode", None) or getattr(
            getattr(cause, "diag", None), "sqlstate", None
        )
        if code == QUERY_CANCELED:
            raise SearchTimeout from exc
        raise


def _from_json(model_field, value):
    """A value read back from JSON as the model field holds it."""
    if value is None:
        return None
    value = model_field.to_python(value)
    if isinstance(value, datetime) and settings.USE_TZ and timezone.is_naive(value):
        # SQLite keeps datetimes as UTC text without an offset.
        value = timezone.make_aware(value, UTC)
    return value


def _instance(model, data: dict, using: str):
    """A model instance from `data` (attname -> value, ``relation__attname`` for a related
    row): the other fields are deferred, as with `QuerySet.only()`."""
    own, related = {}, {}
    for path, value in data.items():
        head, separator, rest = path.partition("__")
        if separator:
            related.setdefault(head, {})[rest] = value
        else:
            own[head] = value
    names, values = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.attname in own:
            names.append(model_field.attname)
            values.append(_from_json(model_field, own[model_field.attname]))
    obj = model.from_db(using, names, values)
    for name, fields in related.items():
        setattr(obj, name, _instance(model._meta.get_field(name).related_model, fields, using))
    return obj


# A page of results is read in a fixed number of queries, whatever the number of sources:
# one for the page's hits and the total (a UNION ALL over the sources), and one for the rows
# shown (another UNION ALL, each row as JSON, with its highlighted title and fragment on
# PostgreSQL). What a title needs beyond its row's columns comes with the hits: a session's
# title is made in Python from its numbers and its body's name.
HIT_COLUMNS = ("search_source", "search_pk", "search_rank", "search_time", "search_data")
ROW_COLUMNS = ("search_source", "search_pk", "search_data", "search_title", "search_snippet")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


class _Slot(str):
    """A parameter of a statement written once and run again (see `_Statements`): its value
    is given at each run (the words searched, the time, the ids of a page's rows)."""

    __slots__ = ()


QUERY_SLOT = _Slot("query")
NOW_SLOT = _Slot("now")


def _ids_slot(index: int) -> _Slot:
    return _Slot(f"ids {index}")


def _titles_slot(index: int) -> _Slot:
    return _Slot(f"titles {index}")


class _PkIn(Func):
    """``pk = ANY(ids)``, the ids an array given at each run: one statement for any page."""

    output_field = BooleanField()

    def __init__(self, slot: _Slot):
        super().__init__(F("pk"))
        self.slot = slot

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"{sql} = ANY(%s::bigint[])", [*params, self.slot]


class _RowText(Func):
    """The text that a JSON object given at each run ({pk: text}) holds for the row."""

    output_field = TextField()

    def __init__(self, slot: _Slot):
        super().__init__(F("pk"))
        self.slot = slot

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(%s::jsonb ->> ({sql})::text)", [self.slot, *params]


# The methods of a source that write its SQL: a subclass or a test that replaces one gets
# statements of its own.
_SQL_METHODS = (
    "public_queryset",
    "apply_filters",
    "filter_dates",
    "sort_time",
    "hit_data",
    "detail_queryset",
    "fields",
    "title_expression",
    "snippet_expression",
)


def _shape(source: SearchSource) -> tuple:
    """Everything a source's SQL depends on besides the language and the filters."""
    cls = type(source)
    return (source, source.ranked_at_most, *(getattr(cls, name) for name in _SQL_METHODS))


class _Statements:
    """Statements written by the ORM once per shape (language, filters, sources), with slots
    for what changes from one search to the next.

    Building the querysets of a search (a few per source, over translated fields) and
    compiling them cost more than running them; the SQL itself is the same for every query
    of the same shape. Per process, the least recently used dropped past `size`.
    """

    def __init__(self, size: int = 256):
        self.size = size
        self.entries: dict = {}

    def get(self, key, build):
        try:
            entry = self.entries.pop(key)
        except KeyError:
            entry = build()
            while len(self.entries) >= self.size:
                try:
                    del self.entries[next(iter(self.entries))]
                except (KeyError, StopIteration, RuntimeError):
                    break
        self.entries[key] = entry
        return entry

    def clear(self):
        self.entries.clear()


STATEMENTS = _Statements()


def _filled(params, values: dict) -> list:
    return [values[p] if isinstance(p, _Slot) else p for p in params]


class _Backend:
    name = ""
    # "Published by now" as the statements are written: None for the time of each search.
    statement_now = None
    # Titles and fragments highlighted in Python (from the rows' text), not by the database.
    python_highlights = True

    def __init__(self, query: str, language: str, using: str = DEFAULT_DB_ALIAS):
        self.query = query
        self.language = language
        self.using = using
        self.connection = connections[using]
        self.count_is_lower_bound = False
        # {source index: {pk: hit data}} of the rows read by `rows()`.
        self.wanted: dict[int, dict] = {}

    def can_match(self) -> bool:
        return True

    def matching(self, source: SearchSource, queryset):
        raise NotImplementedError

    def rank(self, source: SearchSource):
        return Value(0.0, output_field=FloatField())

    def slot_values(self) -> dict:
        """The values of the slots of this search's statements."""
        return {}

    def hits_statement(self, sources, filters: SearchFilters) -> tuple[str, list] | None:
        """The statement (LIMIT and OFFSET last) that reads the total and a page of hits,
        or None when every source is left out by the filters."""
        matched = []
        for index, source in enumerate(sources):
            queryset = source.public_queryset(self.language, now=self.statement_now)
            queryset = source.apply_filters(queryset, filters)
            if queryset is None:
                continue
            queryset = self.matching(source, queryset.using(self.using))
            if not queryset.query.is_empty():
                matched.append((index, source, queryset))
        if not matched:
            return None
        branches, bounds = [], {}
        for index, source, queryset in matched:
            bound = self.ranked_at_most(source)
            branch = (
                queryset.order_by(*self.branch_order(source))
                .annotate(
                    search_source=Value(index, output_field=IntegerField()),
                    search_pk=F("pk"),
                    search_rank=self.rank(source),
                    search_time=source.sort_time(),
                    search_data=source.hit_data(self.language),
                )
                .values_list(*HIT_COLUMNS)
            )
            if bound:
                # One more than the bound: whether the source had more matches than it ranks.
                branch, bounds[index] = branch[: bound + 1], bound
            branches.append(branch)
        combined = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
        sql, params = combined.query.get_compiler(self.using).as_sql()
        source, pk, rank, moment, data = (self.connection.ops.quote_name(c) for c in HIT_COLUMNS)
        order = f"ORDER BY {rank} DESC, {moment} DESC NULLS FIRST, {source}, {pk} DESC"
        if bounds:
            # A bounded source gave one row more than it ranks, to tell whether it had more
            # matches: that row is dropped here (its newest-first number is past the bound),
            # and the count and the pages are of the rows kept.
            kept = " AND ".join(
                f"NOT ({source} = {int(index)} AND search_n > {int(bound)})"
                for index, bound in bounds.items()
            )
            more = " OR ".join(
                f"({source} = {int(index)} AND search_given > {int(bound)})"
                for index, bound in bounds.items()
            )
            hits = (
                f"SELECT *, ROW_NUMBER() OVER (PARTITION BY {source} "
                f"ORDER BY {moment} DESC, {pk} DESC) AS search_n, "
                f"COUNT(*) OVER (PARTITION BY {source}) AS search_given FROM ({sql}) branches"
            )
            statement = (
                f"SELECT {source}, {pk}, {rank}, {data}, COUNT(*) OVER (), "
                f"BOOL_OR({more}) OVER () FROM ({hits}) hits WHERE {kept} {order} "
                "LIMIT %s OFFSET %s"
            )
        else:
            # Equal ranks (always, in the fallback): undated bodies and people first, then
            # the newest, then in the order of SOURCES.
            statement = (
                f"SELECT {source}, {pk}, {rank}, {data}, COUNT(*) OVER (), FALSE "
                f"FROM ({sql}) hits {order} LIMIT %s OFFSET %s"
            )
        return statement, list(params)

    def hits(self, statement, offset: int, limit: int) -> tuple[int, list[tuple]]:
        """The total, and (source index, pk, rank, data) of the `limit` best matches after
        `offset`, read with `statement` (from `hits_statement`)."""
        sql, params = statement
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*_filled(params, self.slot_values()), limit, offset])
            rows = cursor.fetchall()
        total = rows[0][4] if rows else 0
        # "More than `total`": a bounded source had more matches than it ranks.
        self.count_is_lower_bound = bool(rows and rows[0][5])
        return total, [(row[0], row[1], row[2], _json(row[3])) for row in rows]

    def ranked_at_most(self, source) -> int | None:
        return None

    def branch_order(self, source) -> list:
        return []

    def rows(self, hits: list, sources) -> dict:
        """{(source index, pk): (object, title, snippet)} for `hits`, in one query."""
        wanted: dict[int, dict] = {}
        for index, pk, _rank, data in hits:
            wanted.setdefault(index, {})[pk] = data
        self.wanted = wanted
        sql, params = self.rows_statement(sorted(wanted), sources)
        values = self.row_slot_values(wanted, sources)
        with self.connection.cursor() as cursor:
            cursor.execute(sql, _filled(params, values))
            fetched = cursor.fetchall()
        found = {}
        for index, pk, data, title, snippet in fetched:
            obj = _instance(sources[index].model, _json(data), self.using)
            found[(index, pk)] = (obj, title, snippet)
        return found

    def rows_statement(self, indexes: list[int], sources) -> tuple[str, list]:
        """The statement that reads the rows of the sources at `indexes` whose ids the slots
        hold (a UNION ALL, each row as JSON)."""
        branches = []
        for index in indexes:
            source = sources[index]
            fields = source.fields(self.language, with_snippet=self.python_highlights)
            branches.append(
                source.detail_queryset()
                .using(self.using)
                .filter(self.pk_condition(index))
                .order_by()
                .annotate(
                    search_source=Value(index, output_field=IntegerField()),
                    search_pk=F("pk"),
                    search_data=JSONObject(**{name: F(name) for name in fields}),
                    search_title=self.title(source, index),
                    search_snippet=self.snippet(source),
                )
                .values_list(*ROW_COLUMNS)
            )
        combined = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
        sql, params = combined.query.get_compiler(self.using).as_sql()
        # The compiler writes annotations in an order of its own: name the columns.
        columns = ", ".join(self.connection.ops.quote_name(c) for c in ROW_COLUMNS)
        return f"SELECT {columns} FROM ({sql}) search_rows", list(params)

    def results(self, hits: list, sources) -> list["SearchResult"]:
        rows = self.rows(hits, sources)
        results = []
        for index, pk, rank, _data in hits:
            if (index, pk) not in rows:
                continue  # deleted between the two queries
            obj, title, snippet = rows[(index, pk)]
            source = sources[index]
            title, snippet = self.highlighted(source, obj, title, snippet)
            results.append(
                SearchResult(
                    source=source,
                    obj=obj,
                    title=title,
                    snippet=snippet,
                    url=source.url(obj, self.language),
                    date=source.date(obj),
                    date_text=source.date_display(obj, self.language),
                    rank=rank if self.name == "postgresql" else None,
                )
            )
        return results

    def highlighted(self, source, obj, title, snippet) -> tuple[SafeString, SafeString]:
        raise NotImplementedError


class _PostgresBackend(_Backend):
    """Statements written once per shape (`STATEMENTS`); the words searched, the time and the
    ids of the rows shown are their parameters."""

    name = "postgresql"
    python_highlights = False
    # Kept statements are written with this stand-in for "now" (no filter bound is equal
    # to it: those are whole days), which becomes the time of each search when run.
    statement_now = datetime(2000, 1, 1, 0, 0, 0, 424242, tzinfo=UTC)

    def __init__(self, query, language, using=DEFAULT_DB_ALIAS):
        super().__init__(query, language, using)
        self.config = CONFIGS[language]
        self.search_query = SearchQuery(QUERY_SLOT, config=self.config, search_type="websearch")

    def slot_values(self):
        return {QUERY_SLOT: yo_to_ye(self.query), NOW_SLOT: timezone.now()}

    def hits_statement(self, sources, filters):
        key = (
            "hits",
            self.using,
            self.language,
            timezone.get_current_timezone_name(),
            filters,
            tuple(_shape(source) for source in sources),
        )
        return STATEMENTS.get(key, lambda: self._hits_statement(sources, filters))

    def _hits_statement(self, sources, filters):
        statement = super().hits_statement(sources, filters)
        if statement is None:
            return None
        sql, params = statement
        now = self.statement_now
        return sql, [NOW_SLOT if isinstance(p, datetime) and p == now else p for p in params]

    def matching(self, source, queryset):
        return queryset.filter(**{f"search_{self.language}": self.search_query})

    def rank(self, source):
        return SearchRank(F(f"search_{self.language}"), self.search_query)

    def ranked_at_most(self, source):
        return source.ranked_at_most if source.date_field else None

    def branch_order(self, source):
        if not self.ranked_at_most(source):
            return []
        # The newest matches, in the order of the public list indexes (newest first; a public
        # item always has its date), so PostgreSQL reads them from the index and stops.
        return [F(source.date_field).desc(), F("pk").desc()]

    def rows_statement(self, indexes, sources):
        key = ("rows", self.using, self.language, tuple((i, _shape(sources[i])) for i in indexes))
        build = super().rows_statement
        return STATEMENTS.get(key, lambda: build(indexes, sources))

    def pk_condition(self, index):
        return _PkIn(_ids_slot(index))

    def row_slot_values(self, wanted, sources):
        values = {QUERY_SLOT: yo_to_ye(self.query)}
        for index, hit_data in wanted.items():
            values[_ids_slot(index)] = list(hit_data)
            source = sources[index]
            titles = {
                str(pk): source.made_title(self.language, data) for pk, data in hit_data.items()
            }
            values[_titles_slot(index)] = json.dumps(titles)
        return values

    def title(self, source, index):
        return SearchHeadline(
            source.title_expression(self.language, _RowText(_titles_slot(index))),
            self.search_query,
            config=self.config,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            highlight_all=True,
        )

    def snippet(self, source):
        # Two short fragments, about as long together as the fallback's window (240
        # characters): twenty results stay quick to scan, also read aloud.
        return SearchHeadline(
            source.snippet_expression(self.language),
            self.search_query,
            config=self.config,
            start_sel=MARK_START,
            stop_sel=MARK_END,
            max_words=20,
            min_words=10,
            max_fragments=2,
            fragment_delimiter=" … ",
        )

    def highlighted(self, source, obj, title, snippet):
        # The HTML parts of a fragment still hold entities (&amp;): decode them once, then
        # escape everything.
        snippet = unescape(snippet or "") if source.snippet_has_html else snippet or ""
        return marked(title or ""), marked(snippet)


class _FallbackBackend(_Backend):
    """Statements built for each search (SQLite: titles and fragments are made in Python)."""

    name = "fallback"
    python_highlights = True

    def __init__(self, query, language, using=DEFAULT_DB_ALIAS):
        super().__init__(query, language, using)
        self.terms = query_terms(query)

    def can_match(self):
        return bool(self.terms)

    def matching(self, source, queryset):
        for term in self.terms:
            queryset = queryset.filter(**{f"search_text_{self.language}__contains": term})
        return queryset

    def pk_condition(self, index):
        return Q(pk__in=list(self.wanted[index]))

    def row_slot_values(self, wanted, sources):
        return {}

    def title(self, source, index):
        return Value("", output_field=TextField())

    def snippet(self, source):
        return Value("", output_field=TextField())

    def highlighted(self, source, obj, title, snippet):
        return (
            highlight_terms(source.title_text(obj, self.language), self.terms),
            highlight_terms(source.snippet_text(obj, self.language), self.terms, window=240),
        )


def search(
    query: str,
    language: str,
    *,
    filters: SearchFilters | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    sources: list[SearchSource] | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> SearchPage:
    """Public pages in `language` that match `query`, best first; one page of them.

    Raises `InvalidPage` for a page number past the last page and `SearchTimeout` when
    PostgreSQL cancels the query.
    """
    query = clean_query(query)
    filters = filters or SearchFilters()
    sources = SOURCES if sources is None else sources
    if language not in CONFIGS:
        raise ValueError(f"No search configuration for language {language!r}")
    if not isinstance(page, int) or page < 1 or page > MAX_PAGES:
        raise InvalidPage(page)
    vendor = connections[using].vendor
    backend_class = _PostgresBackend if vendor == "postgresql" else _FallbackBackend
    backend = backend_class(query, language, using) if query else None
    if backend is None or not backend.can_match():
        if page > 1:
            raise InvalidPage(page)
        return SearchPage(query, [], page, 0, per_page, backend_class.name)
    with statement_timeout(settings.FCS_SEARCH_TIMEOUT_MS, using=using):
        statement = backend.hits_statement(sources, filters)
        total, hits = 0, []
        if statement is not None:
            total, hits = backend.hits(statement, (page - 1) * per_page, per_page)
        result_page = SearchPage(
            query,
            [],
            page,
            total,
            per_page,
            backend.name,
            count_is_lower_bound=backend.count_is_lower_bound,
        )
        if page > result_page.num_pages:
            raise InvalidPage(page)
        if hits:
            result_page.results = backend.results(hits, sources)
    return result_page
