"""The home page and the list pages (news, rubric, topic) made for each request (the page
cache off) show every change to published content at once."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation

from news import services
from tests.factories import ArticleFactory, RubricFactory, TopicFactory

# Every page is made for its request.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


@pytest.fixture
def subjects():
    rubric = RubricFactory(name_en="Trade facilitation", slug="trade")
    topic = TopicFactory(name_en="Ports", slug="ports")
    article = ArticleFactory(rubric=rubric, title_en="First headline")
    article.topics.add(topic)
    return rubric, topic, article


def urls_of(rubric, topic):
    with translation.override("en"):
        return ["/en/", "/en/news/", rubric.get_absolute_url(), topic.get_absolute_url()]


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert "X-Page-Cache" not in response  # made for this request
    return response.content.decode()


def test_new_articles_and_renamed_rubrics_and_topics_show_at_once(client, subjects):
    rubric, topic, _first = subjects
    urls = urls_of(rubric, topic)
    for url in urls:
        page(client, url)

    second = ArticleFactory(rubric=rubric, title_en="Second headline")
    second.topics.add(topic)
    rubric.name_en = "Customs and trade"
    rubric.save()
    topic.name_en = "Sea ports"
    topic.save()
    for url in urls:
        assert "Second headline" in page(client, url), url
    assert "<h1>Customs and trade</h1>" in page(client, urls[2])
    assert "<h1>Sea ports</h1>" in page(client, urls[3])


def test_a_changed_slug_moves_the_page_at_once(client, subjects):
    rubric, topic, _article = subjects
    old = urls_of(rubric, topic)[2]
    page(client, old)
    rubric.slug = "customs-and-trade"
    rubric.save()
    assert client.get(old).status_code == 404
    assert "First headline" in page(client, urls_of(rubric, topic)[2])


def test_a_withdrawn_article_leaves_every_list_at_once(client, subjects, staff_user):
    rubric, topic, article = subjects
    urls = urls_of(rubric, topic)
    for url in urls:
        assert "First headline" in page(client, url)
    services.article_unpublish(article=article, user=staff_user)
    for url in urls:
        assert "First headline" not in page(client, url), url


def test_a_scheduled_article_appears_at_its_time(client, subjects):
    rubric, topic, _article = subjects
    when = timezone.now() + timedelta(hours=2)
    later = ArticleFactory(rubric=rubric, published_at=when, title_en="Embargoed headline")
    later.topics.add(topic)
    urls = urls_of(rubric, topic)
    for url in urls:
        assert "Embargoed headline" not in page(client, url)
    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        for url in urls:
            assert "Embargoed headline" in page(client, url), url


def test_an_unknown_slug_is_404_every_time(client, subjects):
    for _ in range(2):
        assert client.get("/en/news/rubrics/no-such-rubric/").status_code == 404
        assert client.get("/en/news/topics/no-such-topic/").status_code == 404


def test_each_language_has_its_own_lists(client, subjects):
    rubric, topic, _article = subjects
    russian_only = ArticleFactory(rubric=rubric, russian_only=True, title_ru="Только по-русски")
    russian_only.topics.add(topic)
    with translation.override("ru"):
        russian = ["/ru/", "/ru/news/", rubric.get_absolute_url(), topic.get_absolute_url()]
    for _ in range(2):  # the same answer the second time
        for url in urls_of(rubric, topic):
            assert "Только по-русски" not in page(client, url), url
        for url in russian:
            assert "Только по-русски" in page(client, url), url

    rubric.name_ru = "Содействие торговле"
    rubric.save()
    assert "<h1>Содействие торговле</h1>" in page(client, russian[2])
    assert "<h1>Trade facilitation</h1>" in page(client, urls_of(rubric, topic)[2])
