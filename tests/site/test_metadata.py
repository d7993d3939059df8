import json
import re
from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from fcs_site import structured_data
from fcs_site.context_processors import resolve_link
from tests.factories import ArticleFactory, RubricFactory, TopicFactory
from tests.public_pages import LANGUAGES, PUBLIC_PAGES, build_public_site

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


class HeadParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self._script = (attrs, [])

    def handle_data(self, data):
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def json_ld(parser):
    return [
        json.loads(text)
        for attrs, text in parser.scripts
        if attrs.get("type") == "application/ld+json"
    ]


@pytest.fixture
def article():
    return ArticleFactory(
        title_ru="Представитель ФТС России впервые стал заместителем председателя",
        title_en="An FCS representative becomes Vice-Chair for the first time",
        lead_en="Oleg Bakanov was elected Vice-Chair at the 41st session.",
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=MSK),
        rubric=RubricFactory(slug="press-releases", name_en="Press releases"),
    )


def public_pages(article, language):
    TopicFactory(slug="wco")
    pages = [
        "/", "/news/", "/news/rubrics/press-releases/", "/news/topics/wco/", "/search/",
        "/search/?q=session", "/feeds/", "/opendata/", "/opendata/7730176610-news/",
    ]  # fmt: skip
    return [f"/{language}{page}" for page in pages] + [article.get_absolute_url(language)]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_public_page_has_title_description_canonical_and_open_graph(
    client, article, language
):
    for url in public_pages(article, language):
        parser = head(client, url)
        meta = parser.meta
        for key in ("description", "og:title", "og:description", "og:type", "og:url",
                    "og:site_name", "og:locale"):  # fmt: skip
            assert meta.get(key) and meta[key][0].strip(), (url, key)
        canonical = [link["href"] for link in parser.links if link.get("rel") == "canonical"]
        assert canonical == [meta["og:url"][0]], url
        assert meta["og:locale"] == [{"ru": "ru_RU", "en": "en_GB"}[language]]
        assert meta["og:locale:alternate"] == [{"ru": "en_GB", "en": "ru_RU"}[language]]


def test_article_page_open_graph_describes_the_article(client, article):
    meta = head(client, article.get_absolute_url("en")).meta
    assert meta["og:type"] == ["article"]
    assert meta["og:title"] == [article.title_en]
    assert meta["og:description"] == [article.lead_en]
    assert meta["og:url"] == ["http://testserver" + article.get_absolute_url("en")]
    assert meta["article:published_time"] == ["2021-04-08T17:55:00+03:00"]
    assert meta["article:section"] == ["Press releases"]


def test_article_in_one_language_has_no_locale_alternate(client):
    article = ArticleFactory(russian_only=True)
    parser = head(client, article.get_absolute_url("ru"))
    assert "og:locale:alternate" not in parser.meta
    assert not [link for link in parser.links if link.get("hreflang")]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_article_page_has_news_article_json_ld(client, article, language):
    (data,) = json_ld(head(client, article.get_absolute_url(language)))
    url = "http://testserver" + article.get_absolute_url(language)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == getattr(article, f"title_{language}")
    assert data["inLanguage"] == language
    assert data["datePublished"] == "2021-04-08T17:55:00+03:00"
    assert datetime.fromisoformat(data["dateModified"]) >= article.published_at
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["publisher"]["@type"] in {"Organization", "GovernmentOrganization"}
    assert data["publisher"]["name"]
    assert data["description"]
    assert data["articleSection"]


def test_json_ld_cannot_close_its_script_element(client):
    article = ArticleFactory(
        title_en='</script><script>alert("x")</script> & <!-- more',
        lead_en="Lead </SCRIPT> too",
    )
    html = client.get(article.get_absolute_url("en")).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["headline"] == article.title_en
    assert data["description"] == article.lead_en


def test_long_headlines_are_shortened_for_json_ld(client):
    article = ArticleFactory(title_en="A very long headline " * 10)
    (data,) = json_ld(head(client, article.get_absolute_url("en")))
    assert len(data["headline"]) <= 110 and data["headline"].endswith("…")
    assert data["name"] == article.title_en


def test_other_pages_carry_no_article_json_ld(client, article):
    assert json_ld(head(client, "/en/news/")) == []


def test_event_json_ld_for_sessions():
    data = structured_data.event(
        name="41st session of the Enforcement Committee",
        url="https://example.test/en/committees/enforcement-committee/sessions/41/",
        start=date(2021, 3, 22),
        end=date(2021, 3, 26),
        language="en",
        attendance="online",
        organizer={"@type": "Organization", "name": "World Customs Organization"},
    )
    parsed = json.loads(str(structured_data.json_ld_script(data))[35:-9])
    assert parsed["@type"] == "Event"
    assert parsed["startDate"] == "2021-03-22" and parsed["endDate"] == "2021-03-26"
    assert parsed["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert parsed["location"]["@type"] == "VirtualLocation"
    hybrid = structured_data.event(
        name="42nd session", url="https://example.test/", start=date(2022, 3, 28),
        language="en", attendance="mixed", location_name="WCO headquarters",
        location_address="Rue du Marché 30, Brussels",
    )  # fmt: skip
    assert [place["@type"] for place in hybrid["location"]] == ["Place", "VirtualLocation"]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_open_data_service_link_leads_to_the_sites_own_page(client, language):
    html = client.get(f"/{language}/").content.decode()
    label = {"ru": "Открытые данные", "en": "Open data"}[language]
    assert f'<a href="/{language}/opendata/">{label}</a>' in html


def test_service_links_can_still_be_external():
    assert resolve_link("https://data.example/opendata") == "https://data.example/opendata"
    assert resolve_link("/elsewhere/") == "/elsewhere/"
    assert resolve_link("opendata:index") == "/ru/opendata/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_the_public_pages_list_carries_its_metadata(client, language):
    """The same head on every kind of public page, including those added later (bodies,
    sessions, people, the search over them): tests/public_pages.py lists them all."""
    site = build_public_site()
    other = {"ru": "en", "en": "ru"}[language]
    for page in PUBLIC_PAGES:
        if page.status != 200:
            continue
        with translation.override(language):
            url = page.url(site, language)
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        title = re.search(r"<title>([^<]*)</title>", html)
        assert title and title.group(1).strip(), (url, "title")
        parser = HeadParser()
        parser.feed(html)
        for key in ("description", "og:title", "og:description", "og:type", "og:url"):
            assert parser.meta.get(key) and parser.meta[key][0].strip(), (url, key)
        canonical = [link["href"] for link in parser.links if link.get("rel") == "canonical"]
        assert canonical == [parser.meta["og:url"][0]], url
        assert canonical[0].split("?")[0].endswith(url.split("?")[0]), url
        hreflangs = {
            link.get("hreflang") for link in parser.links if link.get("rel") == "alternate"
        }
        # The public site is built in both languages: each page names its other version.
        assert {language, other} <= hreflangs, (url, hreflangs)


def test_head_lines_follow_the_host_and_scheme(client, article, settings):
    """The head's language links and og:url: a second host, or the same one over HTTPS,
    gets addresses of its own."""
    settings.ALLOWED_HOSTS = ["testserver", "press.example"]
    url = article.get_absolute_url("en")
    for host, secure in [("testserver", False), ("press.example", False), ("press.example", True)]:
        response = client.get(url, HTTP_HOST=host, secure=secure)
        parser = HeadParser()
        parser.feed(response.content.decode())
        origin = f"{'https' if secure else 'http'}://{host}"
        assert parser.meta["og:url"] == [origin + url]
        hreflang = {link["hreflang"]: link["href"] for link in parser.links if link.get("hreflang")}
        assert hreflang == {
            "ru": origin + article.get_absolute_url("ru"),
            "en": origin + url,
        }


def test_head_lines_of_long_addresses_are_answered_in_full(client):
    """A visitor chooses the address (a 404 page has these lines too): a long one is
    answered in full."""
    url = "/en/?q=" + "x" * 2000
    response = client.get(url)
    parser = HeadParser()
    parser.feed(response.content.decode())
    hreflang = {link["hreflang"]: link["href"] for link in parser.links if link.get("hreflang")}
    assert hreflang == {"ru": "http://testserver/ru/" + url[4:], "en": "http://testserver" + url}
    assert parser.meta["og:url"] == ["http://testserver/en/"]
    assert client.get(f"/en/{'y' * 600}/").status_code == 404
