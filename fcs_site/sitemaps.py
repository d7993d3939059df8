"""sitemap.xml (with hreflang alternates where a page exists in both languages) and robots.txt.

`/sitemap.xml` is one sitemap while the site has at most `FCS_SITEMAP_LIMIT` (50 000) URLs,
and a sitemap index of per-section, paginated sitemaps beyond that. A new section (bodies,
sessions) is a `TranslatedSitemap` subclass added to `SECTIONS`.
"""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_safe

from news.models import Article, Rubric, Topic

from . import opendata


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class TranslatedSitemap(Sitemap):
    """One <url> per page and language; alternates only for pages that exist in several."""

    i18n = True
    alternates = True

    def __init__(self):
        self.limit = settings.FCS_SITEMAP_LIMIT

    def url_count(self) -> int:
        return self.paginator.count

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            if len(url["alternates"]) < 2:
                url["alternates"] = []
        return urls


def _available(language: str):
    condition = Q()
    for field in Article.REQUIRED_TRANSLATED_FIELDS:
        condition &= Q(**{f"{field}_{language}__gt": ""})
    return ExpressionWrapper(condition, output_field=BooleanField())


class ArticleSitemap(TranslatedSitemap):
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
        queryset = self.queryset()
        return sum(
            queryset.filter(**{f"available_{code}": True}).count() for code in language_codes()
        )

    def get_languages_for_item(self, item):
        return [code for code in language_codes() if getattr(item, f"available_{code}")]

    def location(self, item):
        return item.get_absolute_url(translation.get_language())

    def lastmod(self, item):
        return max(item.updated_at, item.published_at)


class PageSitemap(TranslatedSitemap):
    """Lists and other pages that exist in every language."""

    @cached_property
    def pages(self):
        pages = [("home", {}), ("news:article_list", {}), ("feeds:index", {})]
        pages += [("opendata:index", {})]
        pages += [("opendata:dataset", {"identifier": d.identifier}) for d in opendata.DATASETS]
        for url_name, model in (("news:rubric", Rubric), ("news:topic", Topic)):
            slugs = model.objects.order_by("slug").values_list("slug", flat=True)
            pages += [(url_name, {"slug": slug}) for slug in slugs]
        return pages

    def items(self):
        return self.pages

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


SECTIONS = {"pages": PageSitemap, "news": ArticleSitemap}


def _sitemaps() -> dict:
    return {name: sitemap_class() for name, sitemap_class in SECTIONS.items()}


@require_safe
@cache_page(settings.FCS_FEED_CACHE_SECONDS)
def sitemap(request):
    sitemaps = _sitemaps()
    if sum(s.url_count() for s in sitemaps.values()) <= settings.FCS_SITEMAP_LIMIT:
        return sitemap_views.sitemap(request, sitemaps)
    return sitemap_views.index(request, sitemaps, sitemap_url_name="sitemap_section")


@require_safe
@cache_page(settings.FCS_FEED_CACHE_SECONDS)
def sitemap_section(request, section):
    if section not in SECTIONS:
        raise Http404
    return sitemap_views.sitemap(request, _sitemaps(), section=section)


@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/"]
    for code in language_codes():
        with translation.override(code):
            lines.append(f"Disallow: {reverse('search')}")
    lines += ["", f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
