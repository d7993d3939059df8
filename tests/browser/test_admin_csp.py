"""The admin, with modeltranslation's language tabs, works under the strict CSP."""

import pytest
from django.test import Client

from tests.factories import ArticleFactory, RubricFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});
"""


def signed_in_context(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    context.add_init_script(CSP_LISTENER)
    return context


def watch(page):
    problems = []
    # Failed loads are reported by the response listener with their address; the console's
    # copy has none (Chromium's own /favicon.ico request is one of them).
    page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if (message.type == "error" and "Failed to load resource" not in message.text)
            or "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}")
            if response.status >= 400 and "no-such-page" not in response.url
            else None
        ),
    )
    return problems


def test_public_and_admin_pages_have_no_csp_violations_and_the_language_tabs_work(
    browser, live_server, staff_user
):
    article = ArticleFactory(rubric=RubricFactory())
    context = signed_in_context(browser, live_server, staff_user)
    page = context.new_page()
    problems = watch(page)
    for path in (
        "/ru/",
        "/en/news/",
        article.get_absolute_url("en"),
        "/ru/no-such-page/",
        "/admin/",
        "/admin/news/article/",
        f"/admin/news/article/{article.pk}/change/",
        "/admin/news/article/add/",
        f"/admin/news/article/{article.pk}/history/",
        "/admin/news/rubric/add/",
    ):
        response = page.goto(live_server.url + path)
        assert response.status == (404 if "no-such" in path else 200), path
        assert "Content-Security-Policy" in response.headers or (
            "content-security-policy" in response.headers
        )
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path
    assert problems == []

    page.goto(live_server.url + f"/admin/news/article/{article.pk}/change/")
    tabs = page.locator(".ui-tabs-nav").first
    tabs.wait_for(state="visible")
    english_tab = tabs.get_by_role("tab").nth(1)
    english_tab.click()
    assert page.locator("#id_title_en").is_visible()
    assert not page.locator("#id_title_ru").is_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert problems == []

    # The listener does see a violation when there is one: an image from another origin
    # (a loopback address, blocked before any request is made).
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=\"http://127.0.0.2/x.png\">')"
    )
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("img-src")
    context.close()
