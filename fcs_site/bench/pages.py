"""The pages `make bench` measures: a registry other parts of the site add their pages to.

Each entry finds its URL in the filled database; it returns None (skipped, with its
note) while the page does not exist yet, so the benchmark runs on any stage of the site.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db.models import Count
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation

from news.models import Article, Rubric, Topic

# The deep page is page 2 000 of the news list at 100 000 articles, in proportion below.
DEEP_PAGE_AT_100K = 2000


@dataclass(frozen=True)
class BenchContext:
    language: str
    public_articles: int
    page_size: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.public_articles // self.page_size))

    @property
    def deep_page(self) -> int:
        scaled = round(DEEP_PAGE_AT_100K * self.public_articles / 100_000)
        return max(2, min(self.num_pages, scaled))


@dataclass(frozen=True)
class BenchPage:
    name: str
    find: Callable[[BenchContext], str | None]
    missing: str  # why a page is skipped when `find` returns None
    # Target: uncached throughput (and worker CPU per request) as a share of bare Django's
    # (`run.UNCACHED_VS_BARE`); off for pages judged by absolute figures instead.
    vs_bare: bool = True
    # Targets: uncached, at least this many requests per second, and p95 latency under
    # this many milliseconds.
    min_requests_per_second: float | None = None
    p95_under_ms: float | None = None
    # A document (feed, sitemap) rather than a page: its target is to be served from the
    # page cache; its throughput next to a static file of the pages' size says nothing.
    document: bool = False
    # Measured in both languages: in the other one too, as "<name> (<language>)".
    both_languages: bool = False
    # Of such a page in the other language: the name of the page it doubles.
    twin_of: str = ""


def reversed_url(*names: str, query: str = "") -> Callable[[BenchContext], str | None]:
    def find(context):
        for name in names:
            try:
                return reverse(name) + query
            except NoReverseMatch:
                continue
        return None

    return find


def routed_path(*paths: str) -> Callable[[BenchContext], str | None]:
    """The first of `paths` (with {lang}) that the URL configuration answers."""

    def find(context):
        for path in paths:
            path = path.format(lang=context.language)
            try:
                resolve(path.split("?", 1)[0])
            except Resolver404:
                continue
            return path
        return None

    return find


def first_object_page(app_label: str, model_name: str) -> Callable[[BenchContext], str | None]:
    def find(context):
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return None
        item = model.objects.first()
        return item.get_absolute_url() if item is not None else None

    return find


def deep_list_page(context):
    return f"{reverse('news:article_list')}?page={context.deep_page}"


def middle_article(context):
    public = Article.objects.public(context.language).order_by("-published_at", "-pk")
    article = public[context.public_articles // 2 : context.public_articles // 2 + 1].first()
    return article.get_absolute_url(context.language) if article else None


def largest(model) -> Callable[[BenchContext], str | None]:
    def find(context):
        item = model.objects.annotate(size=Count("articles")).order_by("-size").first()
        return item.get_absolute_url() if item else None

    return find


def search_page(context):
    words = "таможенная служба" if context.language == "ru" else "customs service"
    query = "?" + urlencode({"q": words})
    return reversed_url("search", "search:search", "fcs_site:search", query=query)(
        context
    ) or routed_path(f"/{{lang}}/search/{query}")(context)


PAGES: list[BenchPage] = [
    BenchPage("home", reversed_url("home"), "no home page"),
    BenchPage("news list", reversed_url("news:article_list"), "no news list"),
    BenchPage("news list, deep page", deep_list_page, "no news list"),
    BenchPage("article", middle_article, "no published article"),
    BenchPage("rubric", largest(Rubric), "no rubric"),
    BenchPage("topic", largest(Topic), "no topic"),
    BenchPage("body", first_object_page("committees", "Body"), "no committees.Body yet"),
    BenchPage("session", first_object_page("committees", "Session"), "no committees.Session yet"),
    # Issue 20: search is judged by its own figures, in both languages.
    BenchPage(
        "search",
        search_page,
        "no search page yet",
        vs_bare=False,
        min_requests_per_second=200,
        p95_under_ms=40,
        both_languages=True,
    ),
    BenchPage(
        "feed",
        routed_path("/{lang}/feeds/news.rss", "/{lang}/news/feed/", "/{lang}/feed/"),
        "no news feed yet",
        document=True,
    ),
    BenchPage("sitemap", routed_path("/sitemap.xml"), "no sitemap yet", document=True),
]


def context_for(language: str) -> BenchContext:
    return BenchContext(
        language=language,
        public_articles=Article.objects.public(language).count(),
        page_size=settings.FCS_NEWS_PAGE_SIZE,
    )


def other_language(language: str) -> str:
    return next(code for code, _name in settings.LANGUAGES if code != language)


def other_language_pages(language: str) -> list[BenchPage]:
    """The pages measured in the other language as well, named "<name> (<language>)"."""
    return [
        replace(page, name=f"{page.name} ({language})", twin_of=page.name)
        for page in PAGES
        if page.both_languages
    ]


def page_names() -> list[str]:
    """Every name `--page` accepts: the pages, then their other-language twins."""
    names = [page.name for page in PAGES]
    for code, _name in settings.LANGUAGES:
        names += [page.name for page in other_language_pages(code)]
    return names


def find_pages(context: BenchContext, pages=None) -> tuple[list[tuple], list[str]]:
    """The pages that exist (of `pages`, default `PAGES`), with their URLs in the context's
    language; notes on those skipped."""
    found, skipped = [], []
    with translation.override(context.language):
        for page in PAGES if pages is None else pages:
            path = page.find(context)
            if path:
                found.append((page, path))
            else:
                skipped.append(f"{page.name}: {page.missing}")
    return found, skipped
