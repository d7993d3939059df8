"""The design system in Chromium: every public page at three widths in both languages
(screenshots in test-artifacts/screenshots/), the menu that collapses without JavaScript,
and the print stylesheet."""

import pytest

from tests.public_pages import LANGUAGES, PUBLIC_PAGES, build_public_site

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 768, 375)
HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def site():
    return build_public_site()


@pytest.fixture
def shots(artifacts_dir):
    folder = artifacts_dir / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_at_every_width_fits_and_is_photographed(
    live_server, page, site, shots, language
):
    for public_page in PUBLIC_PAGES:
        path = public_page.path(site, language)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live_server.url + path)
            assert response.status == public_page.status, path
            overflow = page.evaluate(HORIZONTAL_OVERFLOW)
            assert overflow <= 0, f"{path} at {width}px scrolls sideways by {overflow}px"
            name = public_page.name.replace(" ", "-")
            page.screenshot(path=shots / f"{name}-{language}-{width}.png", full_page=True)


def test_the_menu_is_a_bar_on_wide_screens_and_opens_without_javascript_on_small_ones(
    live_server, no_js_page, site
):
    page = no_js_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/ru/")
    bar = page.locator(".main-nav__bar")
    assert bar.get_by_role("link", name="Пресс-релизы").is_visible()
    assert not page.locator(".main-nav__menu").is_visible()
    opendata = "Открытые данные"
    assert page.locator(".service-links").get_by_role("link", name=opendata).is_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/ru/")
    assert not bar.is_visible()
    menu = page.locator(".main-nav__menu")
    link = menu.get_by_role("link", name="Органы ВТамО")
    assert not link.is_visible()
    # On a small screen the service links leave the bar above the masthead for the menu.
    assert not page.locator(".service-links").is_visible()
    assert page.locator(".language-switcher").get_by_role("link", name="English").is_visible()
    menu.locator("summary").click()
    assert link.is_visible()
    assert menu.get_by_role("link", name=opendata).is_visible()
    link.click()
    assert page.url.endswith("/ru/committees/")
    # The section the visitor is in is marked in the menu.
    assert "is-current" in (
        page.locator(".main-nav__bar a", has_text="Органы ВТамО").get_attribute("class") or ""
    )


def test_the_article_prints_without_navigation_and_with_the_addresses_of_its_links(
    live_server, page, site
):
    site.article.body_en = (
        '<p>See <a href="https://www.wcoomd.org/">the WCO site</a> for the report.</p>'
    )
    site.article.save()
    page.goto(live_server.url + site.article.get_absolute_url("en"))
    assert page.locator(".main-nav").is_visible()
    page.emulate_media(media="print")
    for hidden in (".main-nav", ".a11y-panel", ".site-search", ".share", ".breadcrumbs"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible() and page.locator(".article__note").is_visible()
    printed = page.evaluate(
        "getComputedStyle(document.querySelector('.article__body a'), '::after').content"
    )
    assert "https://www.wcoomd.org/" in printed


def test_share_links_load_nothing_from_the_services(live_server, page, site):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + site.article.get_absolute_url("ru"))
    share = page.locator(".share")
    hrefs = [a.get_attribute("href") for a in share.get_by_role("link").all()]
    assert any(href.startswith("https://vk.com/share.php?url=http") for href in hrefs)
    assert any(href.startswith("https://t.me/share/url?url=http") for href in hrefs)
    assert any(href.startswith("mailto:?subject=") for href in hrefs)
    assert all(url.startswith(live_server.url) for url in requested), requested


@pytest.mark.parametrize("path", ["/ru/", "/ru/news/", "/en/"])
def test_images_off_and_greyscale_reach_the_new_components(live_server, page, site, path):
    """The lead story's photo, the cards' thumbnails and the emblem follow the panel's
    images setting like every other image: hidden behind their alt text, or grey."""
    from tests.browser.test_accessibility import open_page, use_profile

    use_profile(page, live_server, "")
    open_page(page, live_server, path)
    photos = page.locator("main picture img")
    assert photos.count() >= 1, "the page shows no photo"
    assert photos.first.is_visible()

    use_profile(page, live_server, "img:off")
    open_page(page, live_server, path)
    for index in range(photos.count()):
        assert not photos.nth(index).is_visible()
    alts = page.locator("main .a11y-img-alt")
    assert alts.count() == photos.count()
    assert alts.first.is_visible() and alts.first.inner_text().strip()

    use_profile(page, live_server, "img:grey")
    open_page(page, live_server, path)
    for index in range(photos.count()):
        assert photos.nth(index).evaluate("el => getComputedStyle(el).filter") == "grayscale(1)"
    emblem = page.locator(".brand__emblem")
    assert emblem.evaluate("el => getComputedStyle(el).filter") == "grayscale(1)"
