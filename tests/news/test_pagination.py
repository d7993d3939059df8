"""Anchored pagination: the same pages as counting and skipping rows, at a constant cost."""

import re
from datetime import timedelta

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from news.models import Article
from news.pagination import AnchoredPaginator
from news.views import ArticleListView
from tests.factories import ArticleFactory, RubricFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    """31 public articles, some sharing a publication time (ordered by id then)."""
    now = timezone.now().replace(microsecond=0)
    rubric, topic = RubricFactory(), TopicFactory()
    made = []
    for number in range(31):
        when = now - timedelta(hours=number // 3 + 1)  # three at each time
        article = ArticleFactory(
            published_at=when,
            rubric=rubric if number % 2 else None,
            russian_only=number % 5 == 0,
        )
        if number % 3:
            article.topics.add(topic)
        made.append(article)
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    return rubric, topic


def pages_of(paginator):
    return [
        [item if isinstance(item, int) else item.pk for item in paginator.page(n).object_list]
        for n in paginator.page_range
    ]


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("per_page, anchor_every", [(2, 2), (3, 1), (4, 3), (50, 10)])
@pytest.mark.parametrize("which", ["all", "rubric", "topic"])
def test_pages_match_plain_pagination(articles, language, per_page, anchor_every, which):
    rubric, topic = articles
    queryset = Article.objects.public(language)
    if which == "rubric":
        queryset = queryset.filter(rubric=rubric)
    elif which == "topic":
        queryset = queryset.filter(topics=topic)
    expected = Paginator(queryset.order_by("-published_at", "-pk"), per_page)
    for numbering in (None, AnchoredPaginator.numbering):
        anchored = AnchoredPaginator(
            queryset, per_page, list_key=f"{which}:{language}", anchor_every=anchor_every
        )
        anchored.numbering = numbering
        assert anchored.count == expected.count
        assert anchored.num_pages == expected.num_pages
        assert pages_of(anchored) == pages_of(expected)


def test_numbering_is_kept_until_an_article_enters_the_list(articles):
    def paginator():
        return AnchoredPaginator(Article.objects.public("en"), 2, list_key="all:en", anchor_every=2)

    with CaptureQueriesContext(connection) as first:
        assert paginator().count > 10
        list(paginator().page(7).object_list)
    with CaptureQueriesContext(connection) as second:
        list(paginator().page(7).object_list)
        assert paginator().count > 10
    assert len(first) == 2  # numbering + page
    assert len(second) == 1  # the page only: the numbering was kept

    before = paginator().count
    ArticleFactory()  # enters the list: numbered afresh
    fresh = paginator()
    with CaptureQueriesContext(connection) as third:
        assert fresh.count == before + 1
    assert len(third) == 1


def test_a_page_is_right_without_its_anchor(articles, monkeypatch):
    queryset = Article.objects.public("en")
    expected = pages_of(Paginator(queryset.order_by("-published_at", "-pk"), 2))
    anchored = AnchoredPaginator(queryset, 2, list_key="all:en", anchor_every=2)
    total = anchored.count
    assert len(expected) > 3
    # A numbering without anchors (kept from a list's first page only): read from the start.
    anchored.__dict__["_numbered"] = (total, [])
    assert pages_of(anchored) == expected


def test_deep_pages_skip_no_more_than_one_anchor_stretch(articles):
    paginator = AnchoredPaginator(
        Article.objects.public("ru"), 2, list_key="all:ru", anchor_every=2
    )
    offsets = []
    for number in paginator.page_range:
        with CaptureQueriesContext(connection) as captured:
            list(paginator.page(number).object_list)
        page_sql = captured.captured_queries[-1]["sql"]
        match = re.search(r"OFFSET (\d+)", page_sql)
        offsets.append(int(match.group(1)) if match else 0)
    assert max(offsets) < 2 * 2  # below one stretch between anchors, on every page
    assert "COUNT(" not in page_sql.upper() or "OVER" in page_sql.upper()


@pytest.mark.parametrize("number", [0, -1, 10_000, "abc", "1.5", None])
def test_pages_out_of_range_are_refused(articles, number):
    paginator = AnchoredPaginator(Article.objects.public("en"), 2, list_key="x")
    with pytest.raises((EmptyPage, PageNotAnInteger)):
        paginator.page(number)


def test_an_empty_list_has_one_empty_page():
    paginator = AnchoredPaginator(Article.objects.public("en"), 20, list_key="none")
    assert paginator.count == 0
    assert list(paginator.page(1).object_list) == []


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1e309", "99999999999999999999", "%00"])
def test_bad_page_numbers_of_every_list_answer_404(client, articles, page, monkeypatch):
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    rubric, topic = articles
    for url in ("/en/news/", rubric.get_absolute_url(), topic.get_absolute_url()):
        assert client.get(f"{url}?page={page}").status_code == 404


def test_list_pages_show_the_right_articles_after_a_change(client, articles, monkeypatch):
    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    monkeypatch.setattr(ArticleListView, "anchor_every", 2)
    before = client.get("/en/news/?page=5").content.decode()
    newest = ArticleFactory(title_en="A brand new headline")
    assert newest.title_en in client.get("/en/news/").content.decode()
    after = client.get("/en/news/?page=5").content.decode()
    assert after != before  # everything moved down by one


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")
@pytest.mark.parametrize("language", ["ru", "en"])
def test_postgresql_reads_lists_in_order_from_the_partial_index(articles, language):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
        # A tiny table: ask what the index allows, not what is cheapest for 30 rows.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET {setting} = off")
        paginator = AnchoredPaginator(Article.objects.public(language), 2, list_key="x")
        with CaptureQueriesContext(connection) as captured:
            assert paginator.count
            list(paginator.page(paginator.num_pages).object_list)
        numbering, page = (q["sql"] for q in captured.captured_queries)
        cursor.execute("EXPLAIN " + numbering)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        # Index Only Scan once VACUUM has marked the pages all-visible, as bench_fill does.
        assert f"Scan using news_article_list_{language}_idx" in plan
        assert "Sort" not in plan
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert f"news_article_list_{language}_idx" in plan
        assert "Sort" not in plan
        cursor.execute("RESET ALL")
