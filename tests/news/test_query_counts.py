"""SQL queries per public page: constant whatever the number of articles, and at most 6.

Each page is asked for twice with the page cache off: first when its list has just
changed (it is numbered and its cards are read), then again (the numbering and the list
of cards are kept for their tags' versions, `{% fragment %}`: what the view itself reads
is read again).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from news.views import ArticleListView
from tests.factories import (
    ArticleFactory,
    BodyFactory,
    PersonFactory,
    RubricFactory,
    SessionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6
# (first request after a change, next request)
EXPECTED = {
    # the cards (their photos' renditions would add one), the press releases, the WCO
    # sessions ahead, the press service's contacts; then kept
    "home": (4, 0),
    "list": (2, 0),  # the numbering and the page's cards, then kept
    "deep": (2, 0),
    "rubric": (3, 1),  # the rubric; the numbering and the cards, then kept
    "topic": (3, 1),
    # the article (with which of its relations have rows); its topics; its WCO bodies,
    # sessions and people, as many as the size (no gallery here: it would add one query,
    # and its photos' renditions one more, whatever their number); the related articles,
    # then kept
    "article": (6, 5),
}


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch, settings):
    """Two articles a page and an anchor every two pages, so small lists have deep pages."""
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    monkeypatch.setattr(ArticleListView, "anchor_every", 2)
    settings.FCS_PAGE_CACHE_SECONDS = 0


def make_articles(count):
    rubric, topic = RubricFactory(), TopicFactory()
    now = timezone.now()
    articles = []
    for number in range(count):
        article = ArticleFactory(rubric=rubric, published_at=now - timedelta(hours=number + 1))
        article.topics.add(topic)
        articles.append(article)
    # A few that lists must leave out, in both languages.
    ArticleFactory(draft=True, rubric=rubric)
    ArticleFactory(russian_only=True, rubric=rubric)
    return rubric, topic, articles


def link_committees(article, count):
    """Link `article` to `count` WCO bodies, sessions and people."""
    for number in range(1, count + 1):
        body = BodyFactory()
        article.bodies.add(body)
        article.sessions.add(SessionFactory(body=body, number=number))
        article.people.add(PersonFactory())


def page_urls(language, rubric, topic, article, count):
    with translation.override(language):
        deep = max(2, count // 2 - 1)
        return {
            "home": reverse("home"),
            "list": reverse("news:article_list"),
            "deep": f"{reverse('news:article_list')}?page={deep}",
            "rubric": f"{rubric.get_absolute_url()}?page=3",
            "topic": f"{topic.get_absolute_url()}?page=3",
            "article": article.get_absolute_url(language),
        }


@pytest.mark.parametrize("count", [8, 40])
@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_queries_per_page_are_few_and_do_not_grow(
    client, django_assert_num_queries, count, language, page
):
    rubric, topic, articles = make_articles(count)
    if page == "article":
        link_committees(articles[count // 2], count // 4)
    url = page_urls(language, rubric, topic, articles[count // 2], count)[page]
    first, after = EXPECTED[page]
    assert max(first, after) <= MAX_QUERIES

    with django_assert_num_queries(first):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_num_queries(after):
        assert client.get(url).status_code == 200
    html = response.content.decode()
    if page != "article":
        assert html.count('class="article-card') >= 1


def test_every_card_of_a_list_is_there_whether_cached_or_not(client):
    _rubric, _topic, articles = make_articles(7)
    first = client.get("/en/news/?page=2").content.decode()
    again = client.get("/en/news/?page=2").content.decode()
    assert first == again
    for article in articles[2:4]:
        assert article.title_en in first
        assert article.get_absolute_url("en") in first
