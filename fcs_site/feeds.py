"""RSS 2.0 and Atom feeds of the news, per language: all news, per rubric, per topic, per
WCO body.

A new kind of feed is a `NewsFeed` subclass with `get_object` and `filter_articles`, a line
in `urlpatterns`, a section in `feed_index`, and, for the <link rel="alternate"> in the page
head, a line in `PAGE_FEEDS`.

Feeds are cached by the page cache like any page (fcs_site/caching/): tagged with the
articles they show and the list of all articles, which every new article enters.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import re_path, reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from committees.models import Body
from news.models import Article, Rubric, Topic
from news.search_index import html_to_text
from news.templatetags.news_tags import ABOUT

from .caching.invalidation import ARTICLES as ARTICLES_LIST
from .caching.recording import record

# Characters XML 1.0 does not allow, even escaped.
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(value):
    """`value` (text, or a list of texts) without the characters XML 1.0 forbids."""
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


class _XmlSafeMixin:
    """Feeds stay well-formed whatever control characters the content holds."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(
            xml_safe(title),
            link,
            xml_safe(description),
            **{key: xml_safe(value) for key, value in kwargs.items()},
        )

    def add_item(self, title, link, description, **kwargs):
        super().add_item(
            xml_safe(title),
            link,
            xml_safe(description),
            **{key: xml_safe(value) for key, value in kwargs.items()},
        )


class RssFeed(_XmlSafeMixin, Rss201rev2Feed):
    pass


class AtomFeed(_XmlSafeMixin, Atom1Feed):
    pass


FORMATS = {"rss": RssFeed, "atom": AtomFeed}
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom"}


class NewsFeed(Feed):
    """The public news in the current language, newest first."""

    url_name = "feeds:news"

    def __init__(self, feed_format="rss"):
        super().__init__()
        self.feed_format = feed_format
        self.feed_type = FORMATS[feed_format]

    def get_object(self, request, *args, **kwargs):
        return None

    def get_feed(self, obj, request):
        self.request = request
        return super().get_feed(obj, request)

    def filter_articles(self, queryset, obj):
        return queryset

    def url_kwargs(self, obj) -> dict:
        return {}

    def heading(self, obj) -> str:
        return _("News")

    def title(self, obj):
        return f"{settings.FCS_SITE_NAME}: {self.heading(obj)}"

    def link(self, obj):
        return reverse("news:article_list")

    def description(self, obj):
        return _("News and press releases of the Federal Customs Service")

    def subtitle(self, obj):
        return self.description(obj) if self.feed_format == "atom" else None

    def feed_url(self, obj):
        return reverse(self.url_name, kwargs={**self.url_kwargs(obj), "fmt": self.feed_format})

    def author_name(self, obj):
        return str(settings.FCS_SITE_NAME)

    def feed_copyright(self, obj):
        return _("© Federal Customs Service. Materials may be reused with a link to the source.")

    def items(self, obj):
        queryset = Article.objects.public(get_language()).select_related("rubric")
        queryset = self.filter_articles(queryset, obj).prefetch_related("topics").with_lead_photo()
        return queryset[: settings.FCS_FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.lead or Truncator(html_to_text(item.body)).words(60)

    def item_link(self, item):
        return item.get_absolute_url(get_language())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        # Only the rubric and topics named in the feed's language (no fallback).
        names = [item.rubric.name] if item.rubric and item.rubric.name else []
        return names + [topic.name for topic in item.topics.all() if topic.name]

    def item_enclosures(self, item):
        """The lead photo, as readers show it beside the item."""
        image = item.lead_photo_rendition(width=800, request=getattr(self, "request", None))
        if image is None:
            return []
        return [Enclosure(image.url, str(image.size), image.mime_type)]


class RubricFeed(NewsFeed):
    url_name = "feeds:rubric"

    model = Rubric

    def get_object(self, request, *args, slug, **kwargs):
        # Named in this language, or not shown in it (as its page).
        return get_object_or_404(self.model, slug=slug, **{f"name_{get_language()}__gt": ""})

    def filter_articles(self, queryset, obj):
        return queryset.filter(rubric=obj)

    def url_kwargs(self, obj):
        return {"slug": obj.slug}

    def heading(self, obj):
        return str(obj)

    def link(self, obj):
        return obj.get_absolute_url()


class TopicFeed(RubricFeed):
    url_name = "feeds:topic"
    model = Topic

    def filter_articles(self, queryset, obj):
        return queryset.filter(topics=obj)


class BodyFeed(RubricFeed):
    """The news the body's page lists (about the body or one of its sessions); only for a
    body that has a page in this language."""

    url_name = "feeds:body"

    def get_object(self, request, *args, slug, **kwargs):
        return get_object_or_404(Body.objects.available_in(get_language()), slug=slug)

    def filter_articles(self, queryset, obj):
        return queryset.filter(ABOUT["body"](obj)).distinct()

    def heading(self, obj):
        return obj.title

    def description(self, obj):
        return _("News and press releases of the Federal Customs Service on the %(body)s") % {
            "body": body_in_genitive(obj)
        }


def body_in_genitive(body) -> str:
    """«Комитета по правоприменению ВТамО» / "WCO Enforcement Committee"."""
    return _("WCO %(body_genitive)s") % {"body_genitive": body.genitive}


def feed_view(feed_class):
    feeds = {feed_format: feed_class(feed_format) for feed_format in FORMATS}

    @require_safe
    def view(request, fmt, **kwargs):
        if fmt not in feeds:
            raise Http404
        record(ARTICLES_LIST)  # a new article enters every feed it is in
        return feeds[fmt](request, **kwargs)

    return view


def feed_links(url_name: str, heading: str, **kwargs) -> list[dict]:
    """The feed of `url_name` in each format: its title, address and content type."""
    return [
        {
            "format": feed_format,
            "title": f"{heading} — {FORMAT_NAMES[feed_format]}",
            "url": reverse(url_name, kwargs={**kwargs, "fmt": feed_format}),
            "content_type": FORMATS[feed_format].content_type.split(";")[0],
        }
        for feed_format in FORMATS
    ]


# Feeds offered in the head of a page that shows this object: (context name, feed url name).
PAGE_FEEDS = [("rubric", "feeds:rubric"), ("topic", "feeds:topic"), ("body", "feeds:body")]


def page_feeds(context) -> list[dict]:
    """The news feeds, and the feeds of what the page is about (its rubric, topic or body)."""
    links = feed_links("feeds:news", _("News"))
    for name, url_name in PAGE_FEEDS:
        obj = context.get(name)
        if obj is not None and getattr(obj, "slug", None):
            links += feed_links(url_name, str(obj), slug=obj.slug)
    return links


@require_safe
def feed_index(request):
    language_field = f"name_{get_language()}__gt"
    sections = [
        (_("Rubrics"), "feeds:rubric", Rubric.objects.filter(**{language_field: ""})),
        (_("Topics"), "feeds:topic", Topic.objects.filter(**{language_field: ""})),
        (_("WCO bodies"), "feeds:body", Body.objects.available_in(get_language())),
    ]
    context = {
        "news_feeds": feed_links("feeds:news", _("All news")),
        "sections": [
            (heading, [(obj, feed_links(url_name, str(obj), slug=obj.slug)) for obj in objects])
            for heading, url_name, objects in sections
        ],
    }
    return TemplateResponse(request, "feeds/feed_index.html", context)


FORMAT_PATTERN = "(?P<fmt>rss|atom)"

app_name = "feeds"
urlpatterns = [
    re_path(r"^$", feed_index, name="index"),
    re_path(rf"^news\.{FORMAT_PATTERN}$", feed_view(NewsFeed), name="news"),
    re_path(
        rf"^rubrics/(?P<slug>[-a-zA-Z0-9_]+)\.{FORMAT_PATTERN}$",
        feed_view(RubricFeed),
        name="rubric",
    ),
    re_path(
        rf"^topics/(?P<slug>[-a-zA-Z0-9_]+)\.{FORMAT_PATTERN}$",
        feed_view(TopicFeed),
        name="topic",
    ),
    re_path(
        rf"^bodies/(?P<slug>[-a-zA-Z0-9_]+)\.{FORMAT_PATTERN}$",
        feed_view(BodyFeed),
        name="body",
    ),
]
