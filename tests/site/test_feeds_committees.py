"""The news feed of each WCO body: RSS 2.0 and Atom, in each language the body exists in."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from news.models import Article
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    PhotoFactory,
    RubricFactory,
    SessionFactory,
    TopicFactory,
)
from tests.site.test_feeds import parse

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
FORMATS = ["rss", "atom"]
LANGUAGES = ["ru", "en"]
HOST = "http://testserver"


@pytest.fixture
def ec():
    return BodyFactory(
        slug="enforcement-committee",
        name_ru="Комитет по правоприменению",
        name_genitive_ru="Комитета по правоприменению",
        name_en="Enforcement Committee",
    )


@pytest.fixture
def about_ec(ec):
    article = ArticleFactory(
        title_ru="Представитель ФТС России впервые стал заместителем председателя",
        title_en="An FCS representative becomes Vice-Chair for the first time",
        lead_ru="На 41-й сессии избран заместитель председателя.",
        lead_en="A Vice-Chair was elected at the 41st session.",
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=MSK),
    )
    article.bodies.add(ec)
    return article


def feed_url(language, fmt, slug="enforcement-committee"):
    return f"/{language}/feeds/bodies/{slug}.{fmt}"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_body_feed_items_carry_title_link_date_and_lead(client, ec, about_ec, fmt, language):
    ArticleFactory(title_ru="О другом", title_en="About something else")
    response, feed = parse(client, feed_url(language, fmt))
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    assert feed.version == ("rss20" if fmt == "rss" else "atom10")
    body_title = {"ru": "Комитет по правоприменению ВТамО", "en": "WCO Enforcement Committee"}
    assert body_title[language] in feed.feed.title
    assert feed.feed.link == HOST + ec.get_absolute_url(language)
    (item,) = feed.entries
    assert item.title == getattr(about_ec, f"title_{language}")
    assert item.link == HOST + about_ec.get_absolute_url(language)
    assert item.summary == getattr(about_ec, f"lead_{language}")
    assert item.published_parsed[:5] == (2021, 4, 8, 14, 55)  # 17:55 Moscow time in UTC


def test_body_feed_describes_the_body_in_each_language(client, ec, about_ec):
    _response, ru = parse(client, feed_url("ru", "atom"))
    _response, en = parse(client, feed_url("en", "atom"))
    assert ru.feed.subtitle == (
        "Новости и пресс-релизы ФТС России о работе Комитета по правоприменению ВТамО"
    )
    assert en.feed.subtitle == (
        "News and press releases of the Federal Customs Service on the WCO Enforcement Committee"
    )


def test_body_feed_lists_what_the_body_page_lists(client, ec, about_ec):
    """The articles about the body and about its sessions, each once, newest first."""
    session = SessionFactory(body=ec, number=41)
    about_session = ArticleFactory(title_en="The 41st session opened")
    about_session.sessions.add(session)
    both = ArticleFactory(title_en="About the body and its session")
    both.bodies.add(ec)
    both.sessions.add(session)
    other_body = BodyFactory()
    ArticleFactory(title_en="Another body").bodies.add(other_body)
    _response, feed = parse(client, feed_url("en", "rss"))
    titles = [entry.title for entry in feed.entries]
    assert titles == [both.title_en, about_session.title_en, about_ec.title_en]
    page = client.get(ec.get_absolute_url("en")).content.decode()
    for title in titles:
        assert title in page


def test_body_feed_lists_only_public_articles_available_in_the_language(client, ec, about_ec):
    hidden = [
        ArticleFactory(draft=True, title_ru="Черновик"),
        ArticleFactory(scheduled=True, title_ru="Запланировано"),
        ArticleFactory(status=Article.Status.WITHDRAWN, title_ru="Отозвано"),
        ArticleFactory(status=Article.Status.IN_REVIEW, title_ru="На проверке"),
    ]
    russian = ArticleFactory(russian_only=True, title_ru="Только по-русски")
    for article in [*hidden, russian]:
        article.bodies.add(ec)
    _response, ru = parse(client, feed_url("ru", "rss"))
    _response, en = parse(client, feed_url("en", "atom"))
    assert [e.title for e in ru.entries] == [russian.title_ru, about_ec.title_ru]
    assert [e.title for e in en.entries] == [about_ec.title_en]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_body_feed_stays_valid_xml_with_control_characters(client, ec, fmt, language):
    article = ArticleFactory(
        title_ru="Звонок\x07 и SOH\x01 в заголовке",
        title_en="Bell\x07 and SOH\x01 and escape\x1b in the title",
        lead_ru="Вертикальная табуляция\x0b и \ufffe в анонсе",
        lead_en="Vertical tab\x0b, form feed\x0c and \ufffe in the lead",
    )
    article.bodies.add(ec)
    ec.name_en = "Enforcement\x0c Committee"
    ec.save()
    _response, feed = parse(client, feed_url(language, fmt))
    (entry,) = feed.entries
    expected = {
        "ru": ("Звонок и SOH в заголовке", "Вертикальная табуляция и  в анонсе"),
        "en": ("Bell and SOH and escape in the title", "Vertical tab, form feed and  in the lead"),
    }
    assert (entry.title, entry.summary) == expected[language]
    assert "\x0c" not in feed.feed.title


@pytest.mark.parametrize("language", LANGUAGES)
def test_body_feed_offers_the_lead_photo(client, ec, language):
    article = ArticleFactory(lead_photo=PhotoFactory())
    article.bodies.add(ec)
    _response, feed = parse(client, feed_url(language, "rss"))
    (enclosure,) = feed.entries[0].enclosures
    assert enclosure.href.startswith(f"{HOST}/media/photos/")
    assert enclosure.type == "image/jpeg"


@pytest.mark.parametrize(
    "url",
    [
        "/en/feeds/bodies/no-such-body.rss",
        "/ru/feeds/bodies/no-such-body.atom",
        "/en/feeds/bodies/enforcement-committee.xml",
        "/en/feeds/bodies/enforcement-committee.",
        "/en/feeds/bodies/.rss",
        "/en/feeds/bodies/../news.rss",
        "/en/feeds/bodies/enforcement-committee/sessions.rss",
        # Described in Russian only: no page, hence no feed, in English.
        "/en/feeds/bodies/russian-only.rss",
        "/en/feeds/bodies/russian-only.atom",
        "/ru/feeds/bodies/english-only.rss",
    ],
)
def test_unknown_or_unavailable_body_feeds_answer_404(client, ec, url):
    BodyFactory(slug="russian-only", russian_only=True)
    BodyFactory(slug="english-only", english_only=True)
    assert client.get(url).status_code == 404


def test_body_in_one_language_has_a_feed_in_that_language(client):
    body = BodyFactory(slug="russian-only", russian_only=True)
    ArticleFactory(title_ru="Новость").bodies.add(body)
    _response, feed = parse(client, feed_url("ru", "rss", slug="russian-only"))
    assert [e.title for e in feed.entries] == ["Новость"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_body_page_announces_and_links_its_feed(client, ec, language):
    html = client.get(ec.get_absolute_url(language)).content.decode()
    head, page = html.split("</head>", 1)
    for fmt, content_type in (("rss", "application/rss+xml"), ("atom", "application/atom+xml")):
        url = feed_url(language, fmt)
        assert f'<link rel="alternate" type="{content_type}"' in head
        assert f'href="{url}"' in head
        assert f'<a href="{url}" type="{content_type}">' in page
    # The news feeds of the whole site are still announced.
    assert f'href="/{language}/feeds/news.rss"' in head


def test_pages_about_something_else_do_not_announce_a_body_feed(client, ec, about_ec):
    session = SessionFactory(body=ec)
    for url in ("/en/", "/en/committees/", session.get_absolute_url("en")):
        assert "/feeds/bodies/" not in client.get(url).content.decode(), url


@pytest.mark.parametrize("language", LANGUAGES)
def test_feed_index_lists_the_body_feeds_of_the_language(client, ec, language):
    BodyFactory(slug="russian-only", russian_only=True)
    html = client.get(f"/{language}/feeds/").content.decode()
    assert f'href="{feed_url(language, "rss")}"' in html
    assert f'href="{feed_url(language, "atom")}"' in html
    assert ('href="/ru/feeds/bodies/russian-only.rss"' in html) is (language == "ru")
    heading = {"ru": "Органы ВТамО", "en": "WCO bodies"}[language]
    assert f"<h2>{heading}</h2>" in html


def test_body_feed_is_cached_until_the_body_or_its_news_change(
    client, ec, about_ec, django_assert_num_queries
):
    url = feed_url("en", "rss")
    parse(client, url)
    with django_assert_num_queries(0):
        parse(client, url)
    ec.name_en = "Enforcement Committee (EC)"
    ec.save()
    _response, feed = parse(client, url)
    assert "WCO Enforcement Committee (EC)" in feed.feed.title
    newer = ArticleFactory(title_en="A newer article")
    newer.bodies.add(ec)
    newer.save()  # as the admin does: the article row, then its links
    _response, feed = parse(client, url)
    assert [e.title for e in feed.entries] == [newer.title_en, about_ec.title_en]


def test_body_renamed_away_from_a_language_loses_its_feed_there(client, ec, about_ec):
    parse(client, feed_url("en", "rss"))
    ec.name_en = ""
    ec.save()
    assert client.get(feed_url("en", "rss")).status_code == 404
    parse(client, feed_url("ru", "rss"))


@pytest.mark.parametrize("size", [2, 12])
def test_body_feed_query_count_does_not_grow_with_items(
    client, ec, django_assert_num_queries, size
):
    session = SessionFactory(body=ec)
    rubric = RubricFactory()
    for number, article in enumerate(ArticleFactory.create_batch(size, rubric=rubric)):
        article.topics.add(TopicFactory(), TopicFactory())
        if number % 2:
            article.bodies.add(ec)
        else:
            article.sessions.add(session)
    # the body; articles with rubrics; their topics
    with django_assert_num_queries(3):
        _response, feed = parse(client, feed_url("en", "atom"))
    assert len(feed.entries) == size
