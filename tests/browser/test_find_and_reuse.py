"""Search, feeds and open data pages in a real browser: axe-core and the search box."""

import pytest

from tests.factories import ArticleFactory, RubricFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def articles():
    rubric = RubricFactory(slug="press-releases")
    ArticleFactory.create_batch(21, title_ru="Сессия Совета ВТамО", title_en="WCO Council session")
    return ArticleFactory(
        title_ru="Состоялась 41-я сессия Комитета по правоприменению",
        title_en="The 41st session of the Enforcement Committee took place",
        rubric=rubric,
    )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_search_feeds_and_open_data_pages_pass_axe(
    live_server, page, check_axe, articles, language
):
    query = {"ru": "сессия", "en": "session"}[language]
    for path in (
        f"/{language}/search/",
        f"/{language}/search/?q={query}",
        f"/{language}/search/?q={query}&page=2",
        f"/{language}/search/?q={query}&date_from=2021-05-01&date_to=2021-04-01",
        f"/{language}/search/?q=nothing-matches-this",
        f"/{language}/feeds/",
        f"/{language}/opendata/",
        f"/{language}/opendata/7730176610-news/",
    ):
        page.goto(live_server.url + path)
        check_axe(page, label=path)


def test_search_box_in_the_header_works_without_javascript(live_server, no_js_page, articles):
    no_js_page.goto(live_server.url + "/en/news/")
    no_js_page.get_by_role("searchbox", name="Search the site").fill("session")
    no_js_page.get_by_role("button", name="Find").first.click()
    no_js_page.wait_for_url("**/en/search/?q=session")
    main = no_js_page.locator("main")
    assert "Found 22 results" in main.inner_text()
    assert no_js_page.locator("mark").count() > 0
    no_js_page.get_by_role("link", name="Next page").click()
    no_js_page.wait_for_url("**page=2")
    assert no_js_page.locator(".search-result").count() == 2
