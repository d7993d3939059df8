"""sitemap.xml (with hreflang alternates where a page exists in both languages) and robots.txt.

`/sitemap.xml` is one sitemap while the site has at most `FCS_SITEMAP_LIMIT` (50 000) URLs,
and a sitemap index of per-section, paginated sitemaps beyond that. A new section is a
`TranslatedSitemap` subclass added to `SECTIONS`.

Each lists exactly the pages that answer 200: public articles, and the committees
registry's bodies, sessions (not their phases, which have no page of their own) and people,
each in the languages it is available in.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, Max, Q, Value
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from committees.models import Body, Person, Session, filled_in
from news.models import Article, Rubric, Topic, available_condition

from . import opendata
from .caching.invalidation import ARTICLES, COMMITTEES, SITEMAP
from .caching.recording import record
from .models import last_removal


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class ItemPaginator(Paginator):
    """Pages of items, each item given as one (item, language) pair per language it exists in.

    Django's i18n sitemaps paginate over the pairs, which reads every item of the section
    for any one page (98 000 articles for each page of 5 000); this reads one page of items.
    """

    def __init__(self, sitemap, items, per_page):
        super().__init__(items, per_page)
        self.sitemap = sitemap
        known = getattr(sitemap, "item_count", None)
        if known is not None:  # counted already, with the URLs: no second COUNT
            self.__dict__["count"] = known

    def page(self, number):
        page = super().page(number)
        page.object_list = [
            (item, code)
            for item in page.object_list
            for code in self.sitemap.get_languages_for_item(item)
        ]
        return page


class TranslatedSitemap(Sitemap):
    """One <url> per page and language; alternates only for pages that exist in several."""

    i18n = True
    alternates = True
    # The models whose rows are this section's pages: deleting one changes the section.
    read_models: tuple = ()

    def removed_at(self):
        """When a row of this section's pages was last deleted (None: never); read with
        the section's rows, not by a query of its own. A section left without rows has
        no date at all (rather than a stale one)."""
        return None

    @property
    def paginator(self):
        return ItemPaginator(self, self.items(), self.limit)

    def __init__(self, limit: int | None = None):
        self.limit = limit or settings.FCS_SITEMAP_LIMIT

    def url_count(self) -> int:
        return self.paginator.count

    def _urls(self, page, protocol, domain):
        # First: a section that counts its rows reads this with the count, which the
        # paginator then takes as it is.
        removed = self.removed_at()
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            if len(url["alternates"]) < 2:
                url["alternates"] = []
        # The section's Last-Modified (set when every item has a date) moves on a deletion.
        latest = getattr(self, "latest_lastmod", None)
        if latest and removed and removed > latest:
            self.latest_lastmod = removed
        return urls


def _available(language: str):
    return ExpressionWrapper(available_condition(language), output_field=BooleanField())


class ArticleSitemap(TranslatedSitemap):
    read_models = (Article,)

    def queryset(self):
        available_anywhere = Q()
        for code in language_codes():
            available_anywhere |= Q(**{f"available_{code}": True})
        return (
            Article.objects.published()
            .annotate(**{f"available_{code}": _available(code) for code in language_codes()})
            .filter(available_anywhere)
            .only("pk", "published_at", "updated_at", *(f"slug_{c}" for c in language_codes()))
            .order_by("-published_at", "-pk")
        )

    def items(self):
        return self.queryset()

    def url_count(self):
        """The article pages, counted per language in one query."""
        counts = self.queryset().aggregate(
            items=Count("pk"),
            updated=Max("updated_at"),
            published=Max("published_at"),
            removed=Max(last_removal(*self.read_models)),
            **{
                code: Count("pk", filter=Q(**{f"available_{code}": True}))
                for code in language_codes()
            },
        )
        self.item_count = counts.pop("items")
        # For the index, with the counts: its last-modified date costs no query of its own.
        self._removed_at = counts.pop("removed")
        latest = [counts.pop("updated"), counts.pop("published"), self._removed_at]
        self.latest_lastmod = max((value for value in latest if value), default=None)
        return sum(counts.values())

    def get_languages_for_item(self, item):
        return [code for code in language_codes() if getattr(item, f"available_{code}")]

    def removed_at(self):
        if not hasattr(self, "_removed_at"):
            self.url_count()
        return self._removed_at

    def get_latest_lastmod(self):
        """For the sitemap index: from the aggregate that counted the URLs, not a pass over
        every article."""
        if not hasattr(self, "latest_lastmod"):
            self.url_count()
        return self.latest_lastmod

    def location(self, item):
        return item.get_absolute_url(translation.get_language())

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


def _available_anywhere(fields) -> Q:
    condition = Q(pk__in=[])
    for code in language_codes():
        condition |= filled_in(fields, code)
    return condition


class RegistrySitemap(TranslatedSitemap):
    """A section of the committees registry: few enough rows to read in one query."""

    def queryset(self):
        raise NotImplementedError

    @cached_property
    def rows(self) -> list:
        return list(self.queryset().annotate(section_removed_at=last_removal(*self.read_models)))

    def removed_at(self):
        return self.rows[0].section_removed_at if self.rows else None

    def items(self):
        return self.rows

    def get_languages_for_item(self, item):
        return item.available_languages()

    def location(self, item):
        return item.get_absolute_url(translation.get_language())

    def lastmod(self, item):
        return item.updated_at

    def get_latest_lastmod(self):
        latest = [super().get_latest_lastmod(), self.removed_at()]
        return max((moment for moment in latest if moment), default=None)


class BodySitemap(RegistrySitemap):
    read_models = (Body,)

    def queryset(self):
        return Body.objects.filter(_available_anywhere(Body.REQUIRED_TRANSLATED_FIELDS))


class SessionSitemap(RegistrySitemap):
    read_models = (Session, Body)

    def queryset(self):
        body_fields = [f"body__{field}" for field in Body.REQUIRED_TRANSLATED_FIELDS]
        return (
            Session.objects.numbered()
            .filter(_available_anywhere(body_fields))
            .select_related("body")
            .order_by("body__position", "body__slug", "start_date", "pk")
        )


class PersonSitemap(RegistrySitemap):
    read_models = (Person,)

    def queryset(self):
        return Person.objects.filter(_available_anywhere(Person.REQUIRED_TRANSLATED_FIELDS))


class PageSitemap(TranslatedSitemap):
    """Lists and other pages that exist in every language."""

    @cached_property
    def pages(self):
        pages = [("home", {}), ("news:article_list", {}), ("feeds:index", {})]
        pages += [("committees:body_list", {})]
        pages += [("opendata:index", {})]
        pages += [("opendata:dataset", {"identifier": d.identifier}) for d in opendata.DATASETS]
        codes = language_codes()
        pages = [(name, kwargs, codes) for name, kwargs in pages]
        # Rubrics and topics in one query, each in the languages it has a name in.
        names = [f"name_{code}" for code in codes]
        slugs = [
            model.objects.annotate(url_name=Value(url_name, output_field=CharField()))
            .values_list("url_name", "slug", *names)
            .order_by()
            for url_name, model in (("news:rubric", Rubric), ("news:topic", Topic))
        ]
        for url_name, slug, *named in (
            slugs[0].union(*slugs[1:], all=True).order_by("url_name", "slug")
        ):
            languages = [code for code, name in zip(codes, named, strict=True) if name]
            if languages:
                pages.append((url_name, {"slug": slug}, languages))
        return pages

    def items(self):
        return self.pages

    def location(self, item):
        name, kwargs, _languages = item
        return reverse(name, kwargs=kwargs)

    def get_languages_for_item(self, item):
        return item[2]


SECTIONS = {
    "pages": PageSitemap,
    "news": ArticleSitemap,
    "bodies": BodySitemap,
    "sessions": SessionSitemap,
    "people": PersonSitemap,
}


def page_items() -> int:
    """Items per page of a section in the sitemap index. Each item is a URL per language, so
    a page stays within the protocol's 50 000 URLs; and smaller pages are quicker to build
    again after a change (a page of 5 000 articles is about 2 MB)."""
    return max(1, min(settings.FCS_SITEMAP_PAGE_ITEMS, settings.FCS_SITEMAP_LIMIT // 2))


def _sitemaps(limit: int | None = None) -> dict:
    return {name: sitemap_class(limit) for name, sitemap_class in SECTIONS.items()}


@require_safe
def sitemap(request):
    record(ARTICLES, SITEMAP, COMMITTEES)
    # One sitemap of every URL while they are few enough (each section then fits its first
    # page); a sitemap index of paginated sections beyond.
    sitemaps = _sitemaps(settings.FCS_SITEMAP_LIMIT)
    if sum(s.url_count() for s in sitemaps.values()) <= settings.FCS_SITEMAP_LIMIT:
        return sitemap_views.sitemap(request, sitemaps)
    # The same sections, counted already, paginated for the index.
    for section in sitemaps.values():
        section.limit = page_items()
    return sitemap_views.index(request, sitemaps, sitemap_url_name="sitemap_section")


@require_safe
def sitemap_section(request, section):
    record(ARTICLES, SITEMAP, COMMITTEES)
    if section not in SECTIONS:
        raise Http404
    return sitemap_views.sitemap(request, _sitemaps(page_items()), section=section)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code in language_codes():
        with translation.override(code):
            lines.append(f"Disallow: {reverse('search')}")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
