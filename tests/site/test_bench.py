"""The benchmark: its content, its fill on PostgreSQL, its limits and a short run."""

import shutil
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from fcs_site.bench import content
from fcs_site.bench.pages import BenchContext, find_pages
from fcs_site.bench.views import fixed_page
from news.models import Article, Rubric, Topic

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark runs on PostgreSQL only"
)


def test_generated_articles_are_bilingual_varied_and_repeatable():
    first = list(content.articles(300, seed=7, now=NOW))
    assert first == list(content.articles(300, seed=7, now=NOW))
    # Any slice gives the same articles, whatever the batches.
    assert list(content.articles(50, start=100, seed=7, now=NOW)) == first[100:150]

    both = [a for a in first if a["title_ru"] and a["title_en"]]
    assert 0.7 < len(both) / len(first) < 0.9
    assert any(a["title_ru"] and not a["title_en"] for a in first)
    assert any(a["title_en"] and not a["title_ru"] for a in first)
    assert len({a["title_en"] for a in first}) > 100
    assert {a["status"] for a in first} >= {Article.Status.PUBLISHED, Article.Status.DRAFT}
    scheduled = [a for a in first if a["published_at"] and a["published_at"] > NOW]
    assert 1 <= len(scheduled) <= 3
    article = both[0]
    assert article["body_ru"].startswith("<p>") and article["body_en"].startswith("<p>")
    assert "ФТС" in article["body_ru"] + article["title_ru"]
    assert article["slug_ru"].isascii() and article["slug_en"].isascii()
    for row in first:
        assert len(row["topics"]) == len(set(row["topics"]))


def test_generated_withdrawn_articles_carry_their_withdrawal():
    rows = list(content.articles(2000, seed=7, now=NOW))
    withdrawn = [a for a in rows if a["status"] == Article.Status.WITHDRAWN]
    assert withdrawn
    for row in withdrawn:
        assert row["withdrawn_at"] > row["published_at"]
        assert row["withdrawal_reason"]
    assert all(a["withdrawn_at"] is None for a in rows if a["status"] != "withdrawn")


def test_english_ordinals():
    assert [content.ordinal_en(n) for n in (1, 2, 3, 11, 12, 13, 21, 41, 111, 138)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "41st", "111th", "138th",
    ]  # fmt: skip


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the refusal is SQLite's")
@pytest.mark.django_db
@pytest.mark.parametrize("command", ["bench_fill", "bench_run"])
def test_the_benchmark_refuses_sqlite_with_a_clear_message(command):
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command(command)


def test_bench_run_names_the_pages_it_knows_when_asked_for_another():
    with pytest.raises(CommandError, match=r"No such page: hom\. The pages: home, news list"):
        call_command("bench_run", "--page", "hom", "--page", "search")


@on_postgresql
@pytest.mark.django_db
def test_bench_fill_refuses_a_database_not_made_for_it():
    with pytest.raises(CommandError, match="bench"):
        call_command("bench_fill", "--articles", "5")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_bench_fill_loads_articles_rubrics_topics_and_committees(capsys, monkeypatch):
    from committees.models import Body, Session

    # The site's statement timeout (5 s by default) is for pages: a bulk load of any size
    # runs without it. Here it is 50 ms, which the load's big statements would pass.
    options = {**connection.settings_dict["OPTIONS"], "options": "-c statement_timeout=50"}
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)
    connection.close()

    call_command(
        "bench_fill",
        "--articles",
        "1200",
        "--batch",
        "500",
        "--allow-any-database",
        "--no-progress",
    )
    monkeypatch.undo()
    connection.close()
    out = capsys.readouterr().out
    assert "Fill time:" in out and "vacuum analyze" in out
    assert Article.objects.count() == 1200
    assert Rubric.objects.count() == len(content.RUBRICS)
    assert Topic.objects.count() == len(content.TOPICS)
    assert Article.objects.public("ru").count() > 800
    assert Article.objects.public("en").count() > 700
    assert Article.topics.through.objects.count() > 1200
    assert Article.objects.filter(status="withdrawn", withdrawn_at__isnull=False).exists()
    article = Article.objects.public("en").filter(lead_en__gt="").first()
    assert article.get_absolute_url("en").startswith(f"/en/news/{article.pk}-")
    # The real WCO bodies and synthetic working groups, with sessions and articles on them.
    assert Body.objects.filter(slug="enforcement-committee").exists()
    assert Body.objects.filter(classification="working_group").count() >= 5
    assert Session.objects.count() >= 100
    assert 200 < Article.bodies.through.objects.count() < 400
    assert Article.sessions.through.objects.exists()
    # The committees rows are found by the site search (their columns are filled).
    assert not Session.objects.filter(parent__isnull=True, search_text_en="").exists()
    assert Body.objects.filter(search_text_ru__contains="рабочая группа").count() >= 5
    # The search columns hold what saving the article would write.
    for sample in Article.objects.filter(title_ru__gt="", title_en__gt="")[:3]:
        stored = Article.objects.filter(pk=sample.pk).values(
            "search_ru", "search_en", "search_text_ru", "search_text_en"
        )[0]
        assert stored["search_ru"] and stored["search_text_en"]
        sample.save()
        assert stored == Article.objects.filter(pk=sample.pk).values(*stored)[0]
    # Ids continue after the fill: the next article saved through Django gets a new one.
    created = Article.objects.create(title_ru="Новая", body_ru="<p>Текст.</p>")
    assert created.pk == 1201
    # Every index is there again after the load.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'news_article'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"news_article_list_ru_idx", "news_article_public_idx"} <= names


@pytest.mark.django_db
def test_the_bare_limit_answers_only_in_bench_mode(client, settings):
    settings.FCS_BENCH_ENDPOINTS = False
    assert client.get("/bench/bare/5000/").status_code == 404
    settings.FCS_BENCH_ENDPOINTS = True
    response = client.get("/bench/bare/5000/")
    assert response.status_code == 200
    assert len(response.content) == 5000 == len(fixed_page(5000))
    assert client.get("/bench/bare/2000000/").status_code == 404


@pytest.mark.django_db
def test_every_page_the_benchmark_finds_answers(client, settings):
    from tests.factories import ArticleFactory, RubricFactory, TopicFactory

    rubric, topic = RubricFactory(), TopicFactory()
    for _ in range(45):
        ArticleFactory(rubric=rubric).topics.add(topic)
    context = BenchContext(language="ru", public_articles=45, page_size=20)
    assert context.num_pages == 3 and context.deep_page == 2
    assert BenchContext("ru", 100_000, 20).deep_page == 2000
    assert BenchContext("ru", 10_000, 20).deep_page == 200
    found, skipped = find_pages(context)
    names = [page.name for page, _path in found]
    assert names[:6] == ["home", "news list", "news list, deep page", "article", "rubric", "topic"]
    assert {"feed", "sitemap", "search"} <= set(names)
    assert all(": " in note for note in skipped)
    with translation.override("ru"):
        for _page, path in found:
            assert client.get(path).status_code == 200, path


@on_postgresql
@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")
@pytest.mark.django_db(transaction=True)
def test_a_short_benchmark_run_measures_pages_against_both_limits(tmp_path):
    from fcs_site.bench import run as bench_run
    from tests.factories import ArticleFactory

    for _ in range(30):
        ArticleFactory()
    summary = bench_run.run(
        bench_run.Options(
            duration=1,
            warmup=1,
            rounds=1,
            connections=2,
            output_dir=tmp_path,
            pages=("home", "news list", "feed"),
        ),
        write=lambda line: None,
    )
    results = {(r["name"], r["variant"]): r for r in summary["results"]}
    assert set(results) == {
        ("bare Django view", "limit"),
        ("static file", "limit"),
        ("home", "uncached"),
        ("home", "cached"),
        ("news list", "uncached"),
        ("news list", "cached"),
        ("feed", "uncached"),
        ("feed", "cached"),
    }
    for result in results.values():
        assert result["requests_per_second"] > 0
        assert result["errors"] == 0
        assert result["worker_peak_rss_mb"] > 10
        assert result["vs_bare"] > 0 and result["vs_static"] > 0
    assert results[("home", "cached")]["cache_status"] == "hit"
    # The server read this test's database: the list shows its twenty articles.
    assert results[("news list", "uncached")]["response_bytes"] > 8000
    assert results[("home", "uncached")]["queries_warm"] <= 6
    targets = {target["target"]: target for target in summary["targets"]}
    # A feed is judged by whether the page cache serves it, not against a page-sized file.
    assert targets["feed: served from the page cache"]["holds"]
    assert not any(name.startswith("feed: cached ≥") for name in targets)
    assert (tmp_path / summary["output"].rsplit("/", 1)[1]).exists()
    assert "×bare" in summary["table"]
