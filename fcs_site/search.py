"""Site search: one `search()` over every registered source.

On PostgreSQL each source is matched against its stored, weighted ``tsvector`` for the page's
language (``russian`` or ``english`` configuration, so word forms match), ranked with
``ts_rank`` and highlighted with ``ts_headline``, under a statement timeout. Elsewhere (SQLite)
every word of the query must occur in the source's folded text (case-insensitive also for
Cyrillic, "ё" as "е"); results are newest first and highlighted in Python.

A source is anything public that has a page: articles now; bodies, sessions and people join
by adding a `SearchSource` subclass to `SOURCES`.
"""

import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from html import unescape

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import InvalidPage
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.db.models import F, Func, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from news.models import Article
from news.search_index import CONFIGS, fold, html_to_text, yo_to_ye

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
PER_PAGE = 20
# Results past this page are not served: nobody reads them, and deep pages cost the most.
MAX_PAGES = 250
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
    # The committees app adds the body filter: articles about it, its sessions.
    body: object | None = None

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
    rank: float | None = None

    @property
    def label(self):
        return self.source.label


@dataclass
class SearchPage:
    """One page of results; quacks like Django's Page for templates/includes/pagination.html."""

    query: str
    results: list[SearchResult]
    number: int
    count: int
    per_page: int
    backend: str
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


class SearchSource:
    """A kind of public page the search finds. Subclasses say where their text is.

    Requirements on the model: ``search_<lang>`` (tsvector, PostgreSQL) and
    ``search_text_<lang>`` (folded text) columns per language, kept current on save
    (see news/search_index.py).
    """

    key = ""
    label = ""
    model = None
    # The date shown with a result and used by the date filters (None: no date).
    date_field: str | None = None
    # Plain-text title field, without the language suffix.
    title_field = "title"
    # Fields shown as the fragment under the title, in order: (name without suffix, is HTML).
    snippet_fields: tuple[tuple[str, bool], ...] = ()

    def public_queryset(self, language: str):
        raise NotImplementedError

    def apply_filters(self, queryset, filters: SearchFilters):
        """`queryset` narrowed by `filters`, or None when a filter excludes this whole source."""
        if filters.rubric is not None or filters.body is not None:
            return None
        return self.filter_dates(queryset, filters)

    def filter_dates(self, queryset, filters: SearchFilters):
        start, end = filters.datetime_range()
        if (start or end) and not self.date_field:
            return None
        if start:
            queryset = queryset.filter(**{f"{self.date_field}__gte": start})
        if end:
            queryset = queryset.filter(**{f"{self.date_field}__lt": end})
        return queryset

    def detail_queryset(self):
        return self.model._default_manager.all()

    def url(self, obj, language: str) -> str:
        return obj.get_absolute_url(language)

    def date(self, obj):
        return getattr(obj, self.date_field) if self.date_field else None

    def title_text(self, obj, language: str) -> str:
        return getattr(obj, f"{self.title_field}_{language}") or ""

    def snippet_text(self, obj, language: str) -> str:
        parts = []
        for name, is_html in self.snippet_fields:
            value = getattr(obj, f"{name}_{language}") or ""
            parts.append(html_to_text(value) if is_html else value)
        return " ".join(part for part in parts if part)

    # PostgreSQL
    def title_expression(self, language: str):
        return Translate(F(f"{self.title_field}_{language}"))

    def snippet_expression(self, language: str):
        parts = []
        for name, is_html in self.snippet_fields:
            column = F(f"{name}_{language}")
            parts.append(StripTags(column) if is_html else column)
        if not parts:
            return Value("")
        joined = parts[0]
        for part in parts[1:]:
            joined = Concat(joined, Value(" "), part, output_field=TextField())
        return Translate(joined)


class ArticleSource(SearchSource):
    key = "articles"
    label = _("News")
    model = Article
    date_field = "published_at"
    title_field = "title"
    snippet_fields = (("lead", False), ("body", True))

    def public_queryset(self, language):
        return Article.objects.public(language)

    def apply_filters(self, queryset, filters):
        if filters.body is not None:
            # Articles do not name bodies yet; the committees work links them.
            return None
        if filters.rubric is not None:
            queryset = queryset.filter(rubric=filters.rubric)
        return self.filter_dates(queryset, filters)

    def detail_queryset(self):
        return Article.objects.select_related("rubric")


# Every kind of page the search finds, in the order results of equal rank are shown.
SOURCES: list[SearchSource] = [ArticleSource()]


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


def _timestamp(value) -> float:
    """A sortable number for a datetime or a date (midnight, current time zone); 0 for None."""
    if value is None:
        return 0.0
    if not isinstance(value, datetime):
        value = timezone.make_aware(datetime.combine(value, time.min))
    return value.timestamp()


class _Backend:
    name = ""

    def __init__(self, query: str, language: str, using: str = DEFAULT_DB_ALIAS):
        self.query = query
        self.language = language
        self.using = using

    def matching(self, source: SearchSource, queryset):
        raise NotImplementedError

    def hits(self, source, queryset, offset: int, limit: int) -> list[tuple]:
        """(rank, date, pk) of the best `limit` matches after `offset`, best first."""
        raise NotImplementedError

    def results(self, source, pks: list) -> dict:
        raise NotImplementedError


class _PostgresBackend(_Backend):
    name = "postgresql"

    def __init__(self, query, language, using=DEFAULT_DB_ALIAS):
        super().__init__(query, language, using)
        self.config = CONFIGS[language]
        self.search_query = SearchQuery(
            yo_to_ye(query), config=self.config, search_type="websearch"
        )

    def matching(self, source, queryset):
        return queryset.filter(**{f"search_{self.language}": self.search_query})

    def hits(self, source, queryset, offset, limit):
        date_order = [F(source.date_field).desc(nulls_last=True)] if source.date_field else []
        fields = ["pk", "rank", *([source.date_field] if source.date_field else [])]
        rows = (
            queryset.annotate(rank=SearchRank(F(f"search_{self.language}"), self.search_query))
            .order_by("-rank", *date_order, "-pk")
            .values_list(*fields)[offset : offset + limit]
        )
        return [(row[1], row[2] if len(row) > 2 else None, row[0]) for row in rows]

    def results(self, source, pks):
        headline = {
            "config": self.config,
            "start_sel": MARK_START,
            "stop_sel": MARK_END,
        }
        objects = (
            source.detail_queryset()
            .filter(pk__in=pks)
            .annotate(
                search_title=SearchHeadline(
                    source.title_expression(self.language),
                    self.search_query,
                    highlight_all=True,
                    **headline,
                ),
                search_snippet=SearchHeadline(
                    source.snippet_expression(self.language),
                    self.search_query,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **headline,
                ),
            )
        )
        results = {}
        for obj in objects:
            results[obj.pk] = SearchResult(
                source=source,
                obj=obj,
                title=marked(obj.search_title),
                # The HTML parts of the fragment still hold entities (&amp;): decode them
                # once, then escape everything.
                snippet=marked(unescape(obj.search_snippet or "")),
                url=source.url(obj, self.language),
                date=source.date(obj),
            )
        return results


class _FallbackBackend(_Backend):
    name = "fallback"

    def __init__(self, query, language, using=DEFAULT_DB_ALIAS):
        super().__init__(query, language, using)
        self.terms = query_terms(query)

    def matching(self, source, queryset):
        if not self.terms:
            return queryset.none()
        for term in self.terms:
            queryset = queryset.filter(**{f"search_text_{self.language}__contains": term})
        return queryset

    def hits(self, source, queryset, offset, limit):
        date_order = [F(source.date_field).desc(nulls_last=True)] if source.date_field else []
        fields = ["pk", *([source.date_field] if source.date_field else [])]
        rows = queryset.order_by(*date_order, "-pk").values_list(*fields)
        return [
            (0.0, row[1] if len(row) > 1 else None, row[0]) for row in rows[offset : offset + limit]
        ]

    def results(self, source, pks):
        results = {}
        for obj in source.detail_queryset().using(self.using).filter(pk__in=pks):
            results[obj.pk] = SearchResult(
                source=source,
                obj=obj,
                title=highlight_terms(source.title_text(obj, self.language), self.terms),
                snippet=highlight_terms(
                    source.snippet_text(obj, self.language), self.terms, window=240
                ),
                url=source.url(obj, self.language),
                date=source.date(obj),
            )
        return results


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
    if language not in CONFIGS:
        raise ValueError(f"No search configuration for language {language!r}")
    if not isinstance(page, int) or page < 1:
        raise InvalidPage(page)
    vendor = connections[using].vendor
    backend_class = _PostgresBackend if vendor == "postgresql" else _FallbackBackend
    if not query:
        if page > 1:
            raise InvalidPage(page)
        return SearchPage(query, [], page, 0, per_page, backend_class.name)
    backend = backend_class(query, language, using)
    with statement_timeout(settings.FCS_SEARCH_TIMEOUT_MS, using=using):
        matched = []
        for source in sources if sources is not None else SOURCES:
            queryset = source.apply_filters(source.public_queryset(language), filters)
            if queryset is None:
                continue
            queryset = backend.matching(source, queryset.using(using))
            count = queryset.count()
            if count:
                matched.append((source, queryset, count))
        total = sum(count for _source, _queryset, count in matched)
        result_page = SearchPage(query, [], page, total, per_page, backend.name)
        if page > result_page.num_pages:
            raise InvalidPage(page)
        offset = (page - 1) * per_page
        hits = []
        if len(matched) == 1:
            source, queryset, _count = matched[0]
            hits = [(hit, source) for hit in backend.hits(source, queryset, offset, per_page)]
        else:
            # Each source's best (offset + per_page) hits, merged, then the page cut out.
            for order, (source, queryset, _count) in enumerate(matched):
                for hit in backend.hits(source, queryset, 0, offset + per_page):
                    hits.append((hit, source, order))
            hits.sort(key=lambda item: (-item[0][0], -_timestamp(item[0][1]), item[2]))
            hits = [(hit, source) for hit, source, _order in hits[offset : offset + per_page]]
        by_source: dict[int, tuple[SearchSource, list]] = {}
        for (_rank, _date, pk), source in hits:
            by_source.setdefault(id(source), (source, []))[1].append(pk)
        fetched = {id(source): backend.results(source, pks) for source, pks in by_source.values()}
    for (rank, _date, pk), source in hits:
        result = fetched[id(source)].get(pk)
        if result is not None:
            result.rank = rank if backend.name == "postgresql" else None
            result_page.results.append(result)
    return result_page
