import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django.utils.http import http_date

from news.models import Article
from tests.factories import ArticleFactory, RubricFactory, TopicFactory

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}
HOST = "http://testserver"


def parse(client, url="/sitemap.xml"):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def entries(root) -> dict[str, dict[str, str]]:
    """Each <loc> with its hreflang alternates."""
    result = {}
    for url in root.findall("sm:url", NS):
        loc = url.find("sm:loc", NS).text
        result[loc] = {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NS)
        }
    return result


def test_sitemap_lists_exactly_the_public_article_pages(client):
    both = ArticleFactory()
    russian = ArticleFactory(russian_only=True)
    english = ArticleFactory(english_only=True)
    hidden = [
        ArticleFactory(draft=True),
        ArticleFactory(scheduled=True),
        ArticleFactory(status=Article.Status.WITHDRAWN),
        ArticleFactory(status=Article.Status.IN_REVIEW),
    ]
    locs = {loc for loc in entries(parse(client)) if "/news/" in loc and "-" in loc.split("/")[-2]}
    expected = {
        HOST + both.get_absolute_url("ru"),
        HOST + both.get_absolute_url("en"),
        HOST + russian.get_absolute_url("ru"),
        HOST + english.get_absolute_url("en"),
    }
    assert locs == expected
    for article in hidden:
        for language in ("ru", "en"):
            assert HOST + article.get_absolute_url(language) not in locs


def test_alternates_only_where_both_languages_exist(client):
    both = ArticleFactory()
    russian = ArticleFactory(russian_only=True)
    found = entries(parse(client))
    alternates = {
        "ru": HOST + both.get_absolute_url("ru"),
        "en": HOST + both.get_absolute_url("en"),
    }
    assert found[HOST + both.get_absolute_url("ru")] == alternates
    assert found[HOST + both.get_absolute_url("en")] == alternates
    assert found[HOST + russian.get_absolute_url("ru")] == {}


def test_sitemap_lists_the_lists_rubrics_topics_and_open_data(client):
    RubricFactory(slug="press-releases")
    TopicFactory(slug="wco")
    found = entries(parse(client))
    for language in ("ru", "en"):
        for path in (
            "/",
            "/news/",
            "/news/rubrics/press-releases/",
            "/news/topics/wco/",
            "/opendata/",
            "/feeds/",
        ):
            url = f"{HOST}/{language}{path}"
            assert url in found, url
            assert set(found[url]) == {"ru", "en"}
    assert not [loc for loc in found if "/search/" in loc]


def test_lastmod_is_the_last_change(client):
    article = ArticleFactory()
    root = parse(client)
    for url in root.findall("sm:url", NS):
        if url.find("sm:loc", NS).text == HOST + article.get_absolute_url("en"):
            lastmod = url.find("sm:lastmod", NS).text
    assert lastmod.startswith(article.updated_at.astimezone().strftime("%Y-%m-%d"))


def test_large_sites_get_a_sitemap_index(client, settings):
    settings.FCS_SITEMAP_LIMIT = 5
    articles = ArticleFactory.create_batch(4)
    root = parse(client)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    sitemaps = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    assert f"{HOST}/sitemap-news.xml" in sitemaps
    assert f"{HOST}/sitemap-news.xml?p=2" in sitemaps
    found = {}
    for url in sitemaps:
        found |= entries(parse(client, url.removeprefix(HOST)))
    for article in articles:
        for language in ("ru", "en"):
            assert HOST + article.get_absolute_url(language) in found
    assert client.get("/sitemap-news.xml?p=9").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_deleting_an_article_moves_the_dates_of_its_sitemap(client, settings):
    settings.FCS_SITEMAP_LIMIT = 5  # an index, with pages of two articles
    articles = ArticleFactory.create_batch(4)

    def news_lastmod():
        root = parse(client)
        for entry in root.findall("sm:sitemap", NS):
            if entry.find("sm:loc", NS).text == f"{HOST}/sitemap-news.xml":
                return entry.find("sm:lastmod", NS).text

    before = news_lastmod()
    address = HOST + articles[0].get_absolute_url("en")
    later = timezone.now() + timedelta(days=2)
    with time_machine.travel(later, tick=False):
        articles[0].delete()
        assert news_lastmod() != before
        assert news_lastmod().startswith(timezone.localtime(later).strftime("%Y-%m-%d"))
        response = client.get("/sitemap-news.xml")
        assert response["Last-Modified"] == http_date(later.timestamp())
        assert address not in entries(parse(client, "/sitemap-news.xml"))


def test_a_section_emptied_by_deletions_keeps_no_stale_date(client, settings):
    settings.FCS_SITEMAP_LIMIT = 1  # an index whatever the size
    article = ArticleFactory()

    def news_entry():
        for entry in parse(client).findall("sm:sitemap", NS):
            if entry.find("sm:loc", NS).text == f"{HOST}/sitemap-news.xml":
                return entry

    assert news_entry().find("sm:lastmod", NS) is not None
    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        article.delete()
        assert news_entry().find("sm:lastmod", NS) is None


def test_sitemap_is_served_from_the_cache(client, django_assert_num_queries):
    ArticleFactory()
    parse(client)
    with django_assert_num_queries(0):
        parse(client)


@pytest.mark.parametrize("size", [2, 20])
def test_sitemap_query_count_does_not_grow_with_articles(client, django_assert_num_queries, size):
    ArticleFactory.create_batch(size)
    # rubrics and topics; articles counted; the articles; bodies; sessions; people.
    with django_assert_num_queries(6):
        client.get("/sitemap.xml")


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin_and_search(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /ru/search/" in lines and "Disallow: /en/search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_robots_txt_uses_https_behind_a_tls_proxy(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost")
    assert "Sitemap: https://localhost/sitemap.xml" in response.content.decode()


def test_sitemap_and_robots_refuse_post(client):
    assert client.post("/sitemap.xml").status_code == 405
    assert client.post("/robots.txt").status_code == 405


def test_a_page_of_the_index_reads_only_its_own_articles(client, settings):
    """Django's i18n sitemaps read every item for any page; ours reads one page of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.FCS_SITEMAP_LIMIT = 5  # an index, with pages of two articles
    articles = ArticleFactory.create_batch(6)
    with CaptureQueriesContext(connection) as queries:
        found = entries(parse(client, "/sitemap-news.xml?p=2"))
    selects = [q["sql"] for q in queries if "news_article" in q["sql"] and "COUNT" not in q["sql"]]
    assert selects and all("LIMIT 2" in sql for sql in selects), selects
    assert len({loc for loc in found if "/news/" in loc}) == 4  # two articles, two languages
    newest_first = sorted(articles, key=lambda a: (a.published_at, a.pk), reverse=True)
    assert HOST + newest_first[2].get_absolute_url("en") in found


@pytest.mark.parametrize("size", [3, 12])
def test_the_sitemap_index_query_count_does_not_grow(
    client, settings, django_assert_num_queries, size
):
    settings.FCS_SITEMAP_LIMIT = 5
    ArticleFactory.create_batch(size)
    # rubrics and topics; articles counted (with their last change); bodies; sessions; people.
    with django_assert_num_queries(5):
        root = parse(client)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
