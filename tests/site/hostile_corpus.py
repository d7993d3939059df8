"""The hostile input corpus, and the registry of sample URL arguments it fills patterns with.

test_hostile_input.py walks the URLconf: every public URL pattern is requested in both
languages with every value below in every GET parameter its view reads. A pattern that
takes arguments must have sample arguments registered here, or the test fails and says so:

    @sample("committees:body_detail")
    def _body(language):
        body = BodyFactory()
        return [{"slug": body.slug}]

The function gets the page language and returns one or more kwargs dicts for `reverse()`.
"""

from collections.abc import Callable

from django.http import QueryDict

# Every payload carries the marker `window.__xss=1`: the browser tests check it never runs.
XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=1">',
    "<img src=x onerror=\"window.__xss=1;alert('xss')\">",
    "'><svg onload=window.__xss=1>",
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    '<a href="javascript:window.__xss=1">x</a>',
    '<iframe srcdoc="<script>window.__xss=1</script>"></iframe>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "{{ 7|add:7 }}{% debug %}<script>window.__xss=1</script>",
    "\u2028\u2029<script>window.__xss=1</script>",
]
# Payloads with HTML-significant characters: these must never come back as they went in.
ECHO_CHECKED = [p for p in XSS_PAYLOADS if any(c in p for c in "<>\"'")]

PAGE_VALUES = ["0", "-1", "abc", "1e309", "99999999999999999999", "\x00", "1.5", "", "last"]

CONTROL_CHARACTERS = "".join(chr(code) for code in [*range(32), 127])
TEXT_VALUES = [
    "q" * 50_000 + "ф" * 50_000,  # 100 000 characters: refused with 414
    "customs " * 3_500,  # 28 000 characters that do reach the view (under the 32 KB limit)
    "сессия " * 700,  # 4 900 Cyrillic characters, about 26 KB once percent-encoded
    "a\x00b",
    CONTROL_CHARACTERS,
    "%00%0d%0aSet-Cookie:x=1",
    "' OR 1=1 --",
    "\\",
    "Z\u0351\u0358\u0489\u0327\u0301" * 200,  # stacked combining marks
    "\ufeff\u202e\u200b",  # byte-order mark, right-to-left override, zero width space
]
# Query strings sent as raw bytes: broken percent-encoding and invalid UTF-8.
RAW_QUERY_STRINGS = ["page=%FF%FE", "q=%C0%AF", "next=%E0%80%AF", "page=%", "%%%=%%%", "a=1&" * 900]

OPEN_REDIRECTS = [
    "//evil.example",
    "/\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "https://evil.example/",
    "///evil.example",
    "\\\\evil.example",
    " //evil.example",
    "/\t/evil.example",
    "http://testserver@evil.example/",
]

# Every value goes into every parameter.
PARAMETER_VALUES = [*XSS_PAYLOADS, *PAGE_VALUES, *TEXT_VALUES, *OPEN_REDIRECTS]
# Parameters sent to every page even when its view does not read them today.
ALWAYS_SENT_PARAMETERS = ["page", "q", "next"]

LONG_ACCEPT_LANGUAGE = ",".join(f"x{n:04d};q=0.{n % 10}" for n in range(1200))[:10_240]

# The accessibility panel's cookie (another part of the site reads it): junk must not hurt.
A11Y_COOKIE_NAMES = ["a11y"]
A11Y_COOKIE_JUNK = [
    "",
    "x" * 4000,
    "<script>window.__xss=1</script>",
    '{"font": 99999, "scheme": "../../etc/passwd"}',
    "font=999&scheme=<b>&images=maybe",
    "\x00\x01\x02",
    "%ZZ%00",
    "W10=",  # base64 of []
]

# Admin changelist query strings: ordering and filter injection, broken pagination.
ADMIN_CHANGELIST_QUERIES = [
    {"o": "abc"},
    {"o": "99"},
    {"o": "-"},
    {"o": "1.-2.x"},
    {"o": "-99999999999999999999"},
    {"status__regex": "(a+)+$"},
    {"title__startswith": "x"},
    {"title_ru__startswith": "<script>window.__xss=1</script>"},
    {"created_by__password__startswith": "pbkdf2"},
    {"password__startswith": "pbkdf2"},
    {"rubric__id__exact": "abc"},
    {"rubric__id__exact": "99999999999999999999"},
    {"published_at__gte": "not-a-date"},
    {"published_at__year": "99999"},
    {"id__in": "1,2,<script>"},
    {"p": "abc"},
    {"p": "-1"},
    {"p": "99999999999999999999"},
    {"_to_field": "password"},
    {"_popup": "1", "_to_field": "id"},
    {"e": "1"},
    {"all": ""},
    {"languages": "<script>window.__xss=1</script>"},
    {"q": "<script>window.__xss=1</script>"},
    {"q": "q" * 100_000},
    {"q": "q" * 30_000},
    {"q": "a\x00b"},
]

BAD_HOSTS = ["evil.example", "evil.example:80", "testserver.evil.example", "[::1", "a" * 300]


class RecordingQueryDict(QueryDict):
    """request.GET that remembers which parameters the code asked for."""

    def __init__(self, *args, **kwargs):
        self.read_keys: set[str] = set()
        super().__init__(*args, **kwargs)
        self.read_keys.clear()

    def __getitem__(self, key):
        self.read_keys.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read_keys.add(key)
        return super().__contains__(key)

    def get(self, key, default=None):
        self.read_keys.add(key)
        return super().get(key, default)

    def getlist(self, key, default=None):
        self.read_keys.add(key)
        return super().getlist(key, default)


class RecordGetReads:
    """Test-only middleware: installs RecordingQueryDict as request.GET."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = RecordingQueryDict(
            request.META.get("QUERY_STRING", ""), encoding=request.encoding
        )
        return self.get_response(request)


SampleFunction = Callable[[str], list[dict]]
SAMPLES: dict[str, SampleFunction] = {}


def sample(*names: str):
    """Register sample kwargs for the named URL patterns (namespace:name)."""

    def register(function: SampleFunction) -> SampleFunction:
        for name in names:
            SAMPLES[name] = function
        return function

    return register


@sample("news:article_detail")
def _article_with_slug(language):
    from tests.factories import ArticleFactory

    article = ArticleFactory()
    return [{"pk": article.pk, "slug": getattr(article, f"slug_{language}")}]


@sample("news:article_detail_noslug")
def _article(language):
    from tests.factories import ArticleFactory

    return [{"pk": ArticleFactory().pk}]


@sample("news:rubric")
def _rubric(language):
    from tests.factories import ArticleFactory, RubricFactory

    rubric = RubricFactory()
    ArticleFactory(rubric=rubric)
    return [{"slug": rubric.slug}]


@sample("news:topic")
def _topic(language):
    from tests.factories import ArticleFactory, TopicFactory

    topic = TopicFactory()
    ArticleFactory().topics.add(topic)
    return [{"slug": topic.slug}]


@sample("switch_language")
def _language(language):
    return [{"language": language}]


@sample("bench_bare")
def _bench_page(language):
    # Answers 404 unless FCS_BENCH_ENDPOINTS is on (only `make bench` turns it on).
    return [{"size": 16384}]


@sample("sitemap_section")
def _sitemap_section(language):
    from fcs_site.sitemaps import SECTIONS

    return [{"section": section} for section in SECTIONS]


@sample("media")
def _media_file(language):
    from tests.factories import PhotoFactory

    photo = PhotoFactory()
    return [{"path": photo.image.name}]


@sample("feeds:news")
def _news_feed(language):
    from tests.factories import ArticleFactory

    ArticleFactory()
    return [{"fmt": "rss"}, {"fmt": "atom"}]


@sample("feeds:rubric")
def _rubric_feed(language):
    return [{**kwargs, "fmt": fmt} for kwargs in _rubric(language) for fmt in ("rss", "atom")]


@sample("feeds:topic")
def _topic_feed(language):
    return [{**kwargs, "fmt": fmt} for kwargs in _topic(language) for fmt in ("rss", "atom")]


@sample("feeds:body")
def _body_feed(language):
    from tests.factories import ArticleFactory, SessionFactory

    session = SessionFactory()
    ArticleFactory().bodies.add(session.body)
    ArticleFactory().sessions.add(session)
    return [{"slug": session.body.slug, "fmt": fmt} for fmt in ("rss", "atom")]


@sample("opendata:registry")
def _opendata_registry(language):
    return [{"fmt": "csv"}, {"fmt": "json"}]


def _datasets():
    """Every dataset, each with data (so that it has a current version)."""
    from fcs_site.opendata import DATASETS
    from tests.factories import ArticleFactory, PhaseFactory, TermFactory

    ArticleFactory()
    phase = PhaseFactory()
    TermFactory(post__body=phase.body, elected_at=phase.parent)
    return DATASETS


@sample("opendata:dataset")
def _dataset(language):
    return [{"identifier": d.identifier} for d in _datasets()]


@sample("opendata:meta")
def _dataset_meta(language):
    return [{"identifier": d.identifier, "fmt": f} for d in _datasets() for f in ("csv", "json")]


@sample("opendata:structure")
def _dataset_structure(language):
    return [
        {"identifier": d.identifier, "structure": d.structure_name(), "fmt": fmt}
        for d in _datasets()
        for fmt in ("csv", "json")
    ]


@sample("opendata:data")
def _dataset_data(language):
    return [
        {
            "identifier": d.identifier,
            "version": d.version(),
            "structure": d.structure_name(),
            "fmt": fmt,
        }
        for d in _datasets()
        for fmt in ("csv", "json")
    ]


@sample("news:staff_preview")
def _staff_preview(language):
    from tests.factories import ArticleFactory

    return [{"pk": ArticleFactory(draft=True).pk}]


@sample("news:shared_preview")
def _shared_preview(language):
    from news.services import preview_link_create
    from tests.factories import ArticleFactory, UserFactory

    user = UserFactory(is_superuser=True)
    _link, token = preview_link_create(article=ArticleFactory(draft=True), user=user)
    return [{"token": token}]


@sample("committees:body_detail", "committees:body_calendar")
def _body(language):
    from tests.factories import SessionFactory

    return [{"slug": SessionFactory().body.slug}]


@sample("committees:session_detail")
def _session(language):
    from tests.factories import SessionFactory

    session = SessionFactory()
    return [{"slug": session.body.slug, "number": session.number}]


@sample("committees:person_detail")
def _person_with_slug(language):
    from tests.factories import PersonFactory

    person = PersonFactory()
    return [{"pk": person.pk, "slug": person.slug or "person"}]


@sample("committees:person_detail_noslug")
def _person(language):
    from tests.factories import PersonFactory

    return [{"pk": PersonFactory().pk}]


@sample("alerts:confirm")
def _alerts_confirmation(language):
    from alerts import tokens
    from tests.alerts.conftest import SubscriberFactory

    subscriber = SubscriberFactory(confirmed_at=None)
    request = tokens.Request(subscriber.pk, subscriber.token_key, language, "all", None, "daily")
    return [{"token": tokens.confirmation_token(request)}]


@sample("alerts:manage", "alerts:unsubscribe")
def _alerts_address(language):
    from alerts import tokens
    from tests.alerts.conftest import SubscriberFactory

    return [{"token": tokens.manage_token(SubscriberFactory())}]
