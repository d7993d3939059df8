from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article():
    ArticleFactory.create_batch(3)
    return ArticleFactory(
        title_ru="Представитель ФТС России впервые стал заместителем председателя",
        title_en="An FCS representative becomes Vice-Chair for the first time",
        note_ru="<p>Комитет создан в 1983 году.</p>",
        note_en="<p>The Committee was established in 1983.</p>",
        published_at=datetime(2021, 4, 8, 17, 55, tzinfo=ZoneInfo("Europe/Moscow")),
    )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_public_pages_pass_axe(live_server, page, check_axe, article, language):
    for path in (f"/{language}/", f"/{language}/news/", article.get_absolute_url(language)):
        response = page.goto(live_server.url + path)
        assert response.status == 200
        check_axe(page, label=path)


def test_article_page_shows_date_and_note_and_switches_language(live_server, page, article):
    page.goto(live_server.url + article.get_absolute_url("en"))
    assert page.locator("h1").inner_text() == article.title_en
    assert "Published at: 8 April 2021 17:55" in page.locator("main").inner_text()
    assert page.get_by_role("heading", name="To take note").is_visible()

    page.get_by_role("link", name="Русский").first.click()
    page.wait_for_url(f"**{article.get_absolute_url('ru')}")
    assert "Опубликовано: 8 апреля 2021 17:55" in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "ru"
    # The cookie the switcher set now decides where "/" leads.
    page.goto(live_server.url + "/")
    assert page.url.endswith("/ru/")


def test_skip_link_is_the_first_thing_tab_reaches(live_server, page, article):
    page.goto(live_server.url + article.get_absolute_url("ru"))
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
