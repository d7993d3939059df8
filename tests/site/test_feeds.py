from datetime import datetime
from zoneinfo import ZoneInfo

import feedparser
import pytest

from news.models import Article
from tests.factories import ArticleFactory, RubricFactory, TopicFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
FORMATS = ["rss", "atom"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, (url, feed.get("bozo_exception"))
    return response, feed


@pytest.fixture
def article():
    return ArticleFactory(
        title_ru="Представитель ФТС России впервые стал заместителем председателя",
        title_en="An FCS representative becomes Vice-Chair for the first time",
        lead_ru="На 41-й сессии избран заместитель председателя.",
        lead_en="A Vice-Chair was elected at the 41st session.",
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=MSK),
        rubric=RubricFactory(slug="press-releases", name_en="Press releases"),
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_news_feed_items_carry_title_link_date_and_lead(client, article, fmt, language):
    response, feed = parse(client, f"/{language}/feeds/news.{fmt}")
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    assert feed.version == ("rss20" if fmt == "rss" else "atom10")
    assert feed.feed.language == language if fmt == "rss" else True
    (item,) = feed.entries
    assert item.title == getattr(article, f"title_{language}")
    assert item.link == "http://testserver" + article.get_absolute_url(language)
    assert item.summary == getattr(article, f"lead_{language}")
    assert item.published_parsed[:5] == (2021, 4, 8, 14, 55)  # 17:55 Moscow time in UTC
    assert "testserver" in feed.feed.link


def test_feeds_list_only_public_articles_available_in_the_language(client, article):
    ArticleFactory(draft=True, title_ru="Черновик")
    ArticleFactory(scheduled=True, title_ru="Запланировано")
    ArticleFactory(status=Article.Status.WITHDRAWN, title_ru="Отозвано")
    russian = ArticleFactory(russian_only=True, title_ru="Только по-русски")
    _response, ru = parse(client, "/ru/feeds/news.rss")
    _response, en = parse(client, "/en/feeds/news.rss")
    assert [e.title for e in ru.entries] == [russian.title_ru, article.title_ru]
    assert [e.title for e in en.entries] == [article.title_en]


def test_feed_without_lead_describes_the_item_by_its_text(client):
    ArticleFactory(lead_en="", body_en="<p>The Council met in <b>Brussels</b>.</p>")
    _response, feed = parse(client, "/en/feeds/news.rss")
    assert feed.entries[0].summary == "The Council met in Brussels."


@pytest.mark.parametrize("fmt", FORMATS)
def test_feeds_stay_valid_xml_with_control_characters_in_content(client, fmt):
    ArticleFactory(
        # (PostgreSQL refuses NUL in text, so no stored content can hold it.)
        title_en="Bell\x07 and SOH\x01 and escape\x1b in the title",
        lead_en="Vertical tab\x0b, form feed\x0c and \ufffe in the lead",
    )
    _response, feed = parse(client, f"/en/feeds/news.{fmt}")
    assert feed.entries[0].title == "Bell and SOH and escape in the title"
    assert feed.entries[0].summary == "Vertical tab, form feed and  in the lead"


@pytest.mark.parametrize("fmt", FORMATS)
def test_rubric_and_topic_feeds(client, article, fmt):
    topic = TopicFactory(slug="wco", name_en="World Customs Organization")
    article.topics.add(topic)
    other = ArticleFactory(title_en="Elsewhere")
    _response, by_rubric = parse(client, f"/en/feeds/rubrics/press-releases.{fmt}")
    _response, by_topic = parse(client, f"/en/feeds/topics/wco.{fmt}")
    assert [e.title for e in by_rubric.entries] == [article.title_en]
    assert [e.title for e in by_topic.entries] == [article.title_en]
    assert "Press releases" in by_rubric.feed.title
    assert "World Customs Organization" in by_topic.feed.title
    assert by_rubric.feed.link.endswith("/en/news/rubrics/press-releases/")
    tags = {tag.term for tag in by_topic.entries[0].tags}
    assert tags == {"Press releases", "World Customs Organization"}
    _response, everything = parse(client, f"/en/feeds/news.{fmt}")
    assert {e.title for e in everything.entries} == {article.title_en, other.title_en}


@pytest.mark.parametrize(
    "url",
    [
        "/en/feeds/news.xml",
        "/en/feeds/news.",
        "/en/feeds/rubrics/no-such-rubric.rss",
        "/en/feeds/topics/no-such-topic.atom",
        "/en/feeds/rubrics/../news.rss",
    ],
)
def test_unknown_feeds_answer_404(client, url):
    assert client.get(url).status_code == 404


def test_feed_has_at_most_thirty_items(client, settings):
    ArticleFactory.create_batch(35)
    _response, feed = parse(client, "/ru/feeds/news.rss")
    assert len(feed.entries) == settings.FCS_FEED_ITEMS == 30


def test_feeds_are_served_from_the_cache_until_the_content_changes(
    client, article, django_assert_num_queries
):
    parse(client, "/en/feeds/news.rss")
    with django_assert_num_queries(0):
        _response, feed = parse(client, "/en/feeds/news.rss")
    assert [e.title for e in feed.entries] == [article.title_en]
    # A new article shows at once, in every language: no feed waits for a timeout.
    ArticleFactory(title_en="Published a moment later")
    _response, feed = parse(client, "/en/feeds/news.rss")
    assert [e.title for e in feed.entries] == ["Published a moment later", article.title_en]
    _response, ru = parse(client, "/ru/feeds/news.rss")
    assert len(ru.entries) == 2


def test_feeds_cached_without_the_page_cache_still_follow_the_content(client, settings, article):
    """Staff (with a session) and deployments with the page cache off get the feed's own
    cache, which is versioned too."""
    settings.FCS_PAGE_CACHE_SECONDS = 0
    parse(client, "/en/feeds/news.atom")
    article.title_en = "Corrected headline"
    article.save()
    _response, feed = parse(client, "/en/feeds/news.atom")
    assert [e.title for e in feed.entries] == ["Corrected headline"]


@pytest.mark.parametrize("size", [2, 12])
def test_feed_query_count_does_not_grow_with_items(client, django_assert_num_queries, size):
    for article in ArticleFactory.create_batch(size, rubric=RubricFactory()):
        article.topics.add(TopicFactory())
    with django_assert_num_queries(2):  # articles with rubrics, their topics
        client.get("/en/feeds/news.atom")


@pytest.mark.parametrize("language", ["ru", "en"])
def test_pages_announce_their_feeds_in_the_head(client, article, language):
    html = client.get(f"/{language}/news/").content.decode()
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" type="application/rss+xml" title="' in head
    assert f'href="/{language}/feeds/news.rss"' in head
    assert f'href="/{language}/feeds/news.atom"' in head
    rubric_page = client.get(f"/{language}/news/rubrics/press-releases/").content.decode()
    assert f'href="/{language}/feeds/rubrics/press-releases.rss"' in rubric_page


@pytest.mark.parametrize("language", ["ru", "en"])
def test_feed_index_page_lists_every_feed(client, article, language):
    TopicFactory(slug="wco")
    response = client.get(f"/{language}/feeds/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for url in (
        f"/{language}/feeds/news.rss",
        f"/{language}/feeds/news.atom",
        f"/{language}/feeds/rubrics/press-releases.rss",
        f"/{language}/feeds/topics/wco.atom",
    ):
        assert f'href="{url}"' in html


def test_xml_safe_removes_what_xml_forbids_and_keeps_the_rest():
    from fcs_site.feeds import xml_safe

    assert xml_safe("a\x00b\x1fc\ufffed\ud800e\tf\ng\rh") == "abcde\tf\ng\rh"
    assert xml_safe(["x\x00", "ё🙂"]) == ["x", "ё🙂"]
    assert xml_safe(None) is None
