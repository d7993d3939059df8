from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from news.models import Article
from tests.factories import ArticleFactory, RubricFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


def url(name, language, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def reference():
    return ArticleFactory(
        title_ru="Представитель ФТС России впервые стал заместителем председателя",
        title_en="An FCS representative becomes Vice-Chair for the first time",
        body_ru="<p>Первый абзац.</p>",
        body_en="<p>First paragraph.</p>",
        note_ru="<p>Комитет создан в 1983 году.</p>",
        note_en="<p>The Committee was established in 1983.</p>",
        kind=Article.Kind.PRESS_RELEASE,
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=MSK),
    )


@pytest.mark.parametrize(
    ("language", "published", "note_heading", "title"),
    [
        ("en", "Published at: <time", "To take note", "Vice-Chair for the first time"),
        ("ru", "Опубликовано: <time", "Справочно", "заместителем председателя"),
    ],
)
def test_article_page_reproduces_the_reference_page(
    client, reference, language, published, note_heading, title
):
    response = client.get(reference.get_absolute_url(language))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<html lang="{language}"' in html
    assert html.count("<h1") == 1
    assert title in html
    assert published in html
    assert note_heading in html
    assert "1983" in html
    assert 'href="#main"' in html
    assert "<main" in html and "<header" in html and "<footer" in html
    assert 'aria-label="' in html  # breadcrumbs, service links, switcher are labelled navs


def test_published_date_is_localised_in_moscow_time(client, reference):
    en = client.get(reference.get_absolute_url("en")).content.decode()
    ru = client.get(reference.get_absolute_url("ru")).content.decode()
    assert "8 April 2021 17:55" in en
    assert "8 апреля 2021 17:55" in ru


def test_service_links_and_site_name_are_translated(client, reference):
    en = client.get(reference.get_absolute_url("en")).content.decode()
    ru = client.get(reference.get_absolute_url("ru")).content.decode()
    assert "Authentic source texts of legal documents" in en
    assert "Federal customs service" in en
    assert "Достоверные исходные тексты правовых документов" in ru
    assert "Искать в банке данных «Таможенное законодательство»" in ru
    assert "Открытые данные" in ru
    assert "Федеральная таможенная служба" in ru
    assert "Раздел сайта" in ru


def test_article_links_to_its_other_language_version(client, reference):
    en = client.get(reference.get_absolute_url("en")).content.decode()
    ru = client.get(reference.get_absolute_url("ru")).content.decode()
    to_russian = (
        f'<p class="other-language"><a href="{reference.get_absolute_url("ru")}" '
        'hreflang="ru" lang="ru">Эта статья на русском языке</a></p>'
    )
    to_english = (
        f'<p class="other-language"><a href="{reference.get_absolute_url("en")}" '
        'hreflang="en" lang="en">This article in English</a></p>'
    )
    assert to_russian in en and to_english not in en
    assert to_english in ru and to_russian not in ru


def test_article_in_one_language_has_no_other_language_link(client):
    article = ArticleFactory(russian_only=True)
    ru = client.get(article.get_absolute_url("ru")).content.decode()
    assert 'class="other-language"' not in ru


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client, reference):
    canonical = reference.get_absolute_url("en")
    for stale in (f"/en/news/{reference.pk}-old-slug/", f"/en/news/{reference.pk}/"):
        response = client.get(stale)
        assert response.status_code == 301
        assert response["Location"] == canonical


def test_russian_slug_under_english_prefix_redirects_to_english_slug(client, reference):
    response = client.get(f"/en/news/{reference.pk}-{reference.slug_ru}/")
    assert response.status_code == 301
    assert response["Location"] == reference.get_absolute_url("en")


def test_article_missing_in_language_answers_404_with_link_to_the_other(client):
    article = ArticleFactory(russian_only=True)
    response = client.get(f"/en/news/{article.pk}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert (
        f'<a href="{article.get_absolute_url("ru")}" hreflang="ru" lang="ru">'
        "Эта статья на русском языке</a>"
    ) in html
    assert "not available in this language" in html


@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_hidden_articles_answer_404(client, trait):
    article = ArticleFactory(**{trait: True})
    for language in ("ru", "en"):
        assert client.get(article.get_absolute_url(language)).status_code == 404


def test_unknown_article_answers_404(client):
    assert client.get("/ru/news/999999-nothing/").status_code == 404
    assert client.get("/en/news/99999999999999999999999/").status_code == 404


def test_scheduled_article_appears_at_its_time(client):
    when = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(published_at=when)
    assert client.get(article.get_absolute_url("en")).status_code == 404
    assert article.title_en not in client.get("/en/news/").content.decode()
    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        assert client.get(article.get_absolute_url("en")).status_code == 200
        assert article.title_en in client.get("/en/news/").content.decode()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_lists_show_only_articles_available_in_the_language(client, language):
    both = ArticleFactory()
    russian = ArticleFactory(russian_only=True)
    draft = ArticleFactory(draft=True)
    for page in (url("home", language), url("news:article_list", language)):
        html = client.get(page).content.decode()
        assert getattr(both, f"title_{language}") in html
        assert (russian.title_ru in html) == (language == "ru")
        assert draft.title_ru not in html and draft.title_en not in html


def test_news_list_paginates_by_twenty(client):
    for i in range(25):
        ArticleFactory(published_at=timezone.now() - timedelta(hours=i + 1))
    first = client.get("/en/news/")
    second = client.get("/en/news/?page=2")
    assert first.status_code == second.status_code == 200
    assert len(first.context["articles"]) == 20
    assert len(second.context["articles"]) == 5
    assert "Page 1 of 2" in first.content.decode()
    assert "Страница 2 из 2" in client.get("/ru/news/?page=2").content.decode()


@pytest.mark.parametrize(
    "page", ["0", "-1", "abc", "1e309", "99999999999999999999", "%00", "2", "1.5", ""]
)
def test_bad_page_numbers_answer_404_never_500(client, page):
    ArticleFactory()
    response = client.get(f"/en/news/?page={page}")
    assert response.status_code in (200, 404)
    if page not in ("",):
        assert response.status_code == 404


def test_rubric_list_shows_only_its_articles(client):
    rubric = RubricFactory()
    inside = ArticleFactory(rubric=rubric)
    outside = ArticleFactory()
    html = client.get(rubric.get_absolute_url()).content.decode()
    assert inside.title_ru in html and outside.title_ru not in html
    assert client.get("/en/news/rubrics/no-such-rubric/").status_code == 404


def test_home_and_list_render_in_both_languages(client):
    ArticleFactory()
    ArticleFactory()
    russian, english = client.get("/ru/").content.decode(), client.get("/en/").content.decode()
    assert "Главная новость" in russian and "Последние новости" in russian
    assert "Lead story" in english and "Latest news" in english
    assert "<h1>Новости</h1>" in client.get("/ru/news/").content.decode()
    assert "<h1>News</h1>" in client.get("/en/news/").content.decode()


def test_empty_list_says_so(client):
    ArticleFactory(russian_only=True)
    assert (
        "No news has been published in this language yet."
        in client.get("/en/news/").content.decode()
    )


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow_with_articles(client, django_assert_num_queries, count):
    rubric = RubricFactory()
    for _ in range(count):
        ArticleFactory(rubric=rubric)
    # Numbering the list (kept until an article enters or leaves it), the page's cards.
    with django_assert_num_queries(2):
        assert client.get("/en/news/").status_code == 200
    # the cards, the press releases, the sessions ahead, the press service's contacts
    with django_assert_num_queries(4):
        assert client.get("/en/").status_code == 200


def test_article_page_query_count(client, reference, django_assert_num_queries):
    # The article, which also says that it has no gallery, topics or linked WCO bodies,
    # sessions or people: none of them is read; without a rubric or topics it has no
    # related articles to look for.
    with django_assert_num_queries(1):
        assert client.get(reference.get_absolute_url("en")).status_code == 200
    # With a rubric: and the latest others of its rubric (related articles).
    reference.rubric = RubricFactory()
    reference.save()
    other = ArticleFactory(rubric=reference.rubric, title_en="Another of the rubric")
    with django_assert_num_queries(2):
        html = client.get(reference.get_absolute_url("en")).content.decode()
    assert "Another of the rubric" in html and other.get_absolute_url("en") in html


def test_a_rubric_or_topic_without_a_name_in_a_language_is_not_shown_in_it(client):
    """No silent fallback: a rubric named only in Russian used to have an English page and
    feed titled with its slug, and English cards and article pages showed the slug."""
    from tests.factories import TopicFactory
    from tests.site.test_sitemap import HOST, entries, parse

    rubric = RubricFactory(slug="tamozhennye-novosti", name_ru="Таможенные новости", name_en="")
    topic = TopicFactory(slug="tolko-russkaya", name_ru="Только по-русски", name_en="")
    article = ArticleFactory(rubric=rubric, title_en="Bilingual article")
    article.topics.add(topic)
    for path in (
        "/en/news/rubrics/tamozhennye-novosti/",
        "/en/news/topics/tolko-russkaya/",
        "/en/feeds/rubrics/tamozhennye-novosti.rss",
        "/en/feeds/topics/tolko-russkaya.atom",
    ):
        assert client.get(path).status_code == 404, path
        assert client.get(path.replace("/en/", "/ru/", 1)).status_code == 200, path
    for page in ("/en/news/", article.get_absolute_url("en"), "/en/feeds/news.rss"):
        html = client.get(page).content.decode()
        assert "tamozhennye-novosti</" not in html and "Таможенные" not in html, page
        assert "tolko-russkaya<" not in html and "Только" not in html, page
    assert "Таможенные новости" in client.get("/ru/news/").content.decode()
    found = entries(parse(client))
    assert f"{HOST}/ru/news/rubrics/tamozhennye-novosti/" in found
    assert f"{HOST}/en/news/rubrics/tamozhennye-novosti/" not in found
    assert set(found[f"{HOST}/ru/news/topics/tolko-russkaya/"]) <= {"ru"}


@pytest.mark.parametrize("page", ["２", "٢", "+2", " 2", "0_2", "2.0"])
def test_page_numbers_in_other_writings_are_404_not_duplicates(client, page):
    for _ in range(21):
        ArticleFactory()
    assert client.get("/en/news/", {"page": "2"}).status_code == 200
    assert client.get("/en/news/", {"page": page}).status_code == 404
