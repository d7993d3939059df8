"""The version for the visually impaired and WCAG 2.2 AA on every public page, in Chromium.

The pages come from tests/public_pages.py: a page added there is checked here too.
"""

import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from fcs_site.accessibility.profile import SETTINGS_BY_KEY, STYLE_SETTINGS, Profile
from tests.public_pages import LANGUAGES, PUBLIC_PAGES, build_public_site

pytestmark = pytest.mark.django_db(transaction=True)

COOKIE = settings.FCS_A11Y_COOKIE_NAME
SCHEMES = [value for value, _label in SETTINGS_BY_KEY["cs"].choices]
SIZES = [value for value, _label in SETTINGS_BY_KEY["fs"].choices]
PAGES = [pytest.param(page, id=page.name) for page in PUBLIC_PAGES]
# Widths and profiles at which no page may scroll sideways.
REFLOW_CASES = [
    (1280, "fs:200"),
    (320, ""),
    (320, "fs:150"),
    (320, "fs:200"),
    (320, "fs:200|ls:largest|lh:2.5|ff:serif"),
]
# WCAG 1.4.12: the spacing a user's own style sheet may impose.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""
# Elements whose content spills out of their box, where it is not scrollable.
FIND_CLIPPED = """() => {
  const found = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.getClientRects().length || el.closest("[hidden]")) continue;
    // Text for screen readers only is clipped to a pixel on purpose.
    if (el.closest(".visually-hidden")) continue;
    const style = getComputedStyle(el);
    if (style.display.startsWith("inline") && style.display !== "inline-block") continue;
    const scrolls = (value) => value === "auto" || value === "scroll";
    if (scrolls(style.overflowX) || scrolls(style.overflowY)) continue;
    const wide = el.scrollWidth - el.clientWidth, tall = el.scrollHeight - el.clientHeight;
    if (wide > 1 || tall > 1) {
      const text = el.textContent.trim().slice(0, 40);
      found.push(`${el.tagName}.${el.className} +${wide}px wide, +${tall}px tall: ${text}`);
    }
  }
  return found;
}"""
FOCUS_RING = """() => {
  const el = document.activeElement;
  if (el === document.body) return null;
  const s = getComputedStyle(el);
  return {tag: el.tagName, text: el.textContent.trim().slice(0, 30),
          style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor};
}"""
HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def site():
    return build_public_site()


def use_profile(page, live_server, profile: str) -> None:
    page.context.clear_cookies()
    if profile:
        page.context.add_cookies([{"name": COOKIE, "value": profile, "url": live_server.url}])


def open_page(page, live_server, path, status=200):
    response = page.goto(live_server.url + path)
    assert response.status == status, path
    return response


def html_classes(page) -> set[str]:
    return set((page.locator("html").get_attribute("class") or "").split())


def option(page, key, value):
    return page.locator(f'#a11y-panel button[name="{key}"][value="{value}"]')


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, two: str) -> float:
    lighter, darker = sorted(
        (luminance(tuple(int(n) for n in re.findall(r"\d+", c)[:3])) for c in (one, two)),
        reverse=True,
    )
    return (lighter + 0.05) / (darker + 0.05)


# axe-core ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PAGES)
def test_every_page_passes_axe_in_every_colour_scheme(
    live_server, page, check_axe, site, public_page, language
):
    path = public_page.path(site, language)
    for scheme in SCHEMES:
        # With the panel open, so that axe sees every control of it too.
        use_profile(page, live_server, f"cs:{scheme}|panel:open")
        open_page(page, live_server, path, public_page.status)
        check_axe(page, label=scheme)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_article_passes_axe_in_every_scheme_at_every_size(
    live_server, page, check_axe, site, artifacts_dir, scheme
):
    path = site.article.get_absolute_url("ru")
    for size in SIZES:
        use_profile(page, live_server, f"fs:{size}|cs:{scheme}|panel:open")
        open_page(page, live_server, path)
        assert {f"a11y-cs-{scheme}", f"a11y-fs-{size}"} - {"a11y-cs-standard", "a11y-fs-100"} <= (
            html_classes(page)
        )
        check_axe(page, label=f"{scheme} {size}%")
        assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0
        page.screenshot(path=artifacts_dir / f"article-{scheme}-{size}.png", full_page=True)


# Reflow and text spacing ---------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PAGES)
def test_no_page_scrolls_sideways(live_server, page, site, artifacts_dir, public_page, language):
    path = public_page.path(site, language)
    for width, profile in REFLOW_CASES:
        page.set_viewport_size({"width": width, "height": 800})
        # With the panel open: its rows of buttons are the widest thing on the page.
        use_profile(page, live_server, "|".join(filter(None, [profile, "panel:open"])))
        open_page(page, live_server, path, public_page.status)
        overflow = page.evaluate(HORIZONTAL_OVERFLOW)
        assert overflow <= 0, f"{path} at {width}px with {profile!r} scrolls by {overflow}px"
    if public_page.name == "article":
        page.screenshot(path=artifacts_dir / f"article-{language}-320px-worst-case.png")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("public_page", PAGES)
def test_the_text_spacing_override_loses_nothing(
    live_server, tool_page, site, public_page, language
):
    page = tool_page  # the WCAG 1.4.12 override is a user stylesheet: the CSP does not bind it
    path = public_page.path(site, language)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 800})
        use_profile(page, live_server, "panel:open")
        open_page(page, live_server, path, public_page.status)
        page.add_style_tag(content=TEXT_SPACING_CSS)
        assert page.evaluate(FIND_CLIPPED) == [], f"{path} at {width}px"
        assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0


# Without JavaScript --------------------------------------------------------------------


def test_without_javascript_every_setting_works_through_the_panel_and_persists(
    live_server, no_js_page, site
):
    page = no_js_page
    article = site.article.get_absolute_url("ru")
    open_page(page, live_server, article)
    assert page.locator("#a11y-controls").is_hidden()
    with page.expect_navigation():
        page.get_by_role("button", name="Версия для слабовидящих").click()
    assert page.locator("#a11y-controls").is_visible()
    assert page.url == live_server.url + article + "#a11y-panel"

    expected = Profile(panel="open")
    for setting in STYLE_SETTINGS:
        # Every choice in turn, the default first, ending on one that must then persist.
        for value, _label in setting.choices:
            with page.expect_navigation():
                option(page, setting.key, value).click()
            expected = expected.with_choices({setting.key: value})
            assert page.url == live_server.url + article + "#a11y-panel"
            assert html_classes(page) == set(expected.css_class_list())
            assert option(page, setting.key, value).get_attribute("aria-pressed") == "true"
            assert page.locator(f'button[name="{setting.key}"][aria-pressed="true"]').count() == 1

    with page.expect_navigation():
        page.locator(".main-nav").get_by_role("link", name="Новости").click()
    assert page.url == live_server.url + "/ru/news/"
    assert html_classes(page) == set(expected.css_class_list())
    assert len(html_classes(page)) == len(STYLE_SETTINGS)

    # Another language keeps the profile too.
    with page.expect_navigation():
        page.get_by_role("link", name="English").click()
    assert page.url == live_server.url + "/en/news/"
    assert html_classes(page) == set(expected.css_class_list())

    with page.expect_navigation():
        page.get_by_role("button", name="Normal version").click()
    assert page.url == live_server.url + "/en/news/#a11y-panel"
    assert html_classes(page) == set()
    assert page.locator("#a11y-controls").is_hidden()
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE]


def test_without_javascript_the_keyboard_returns_to_the_panel(live_server, no_js_page, site):
    page = no_js_page
    open_page(page, live_server, "/en/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Back on the same page, the next Tab continues from the panel, not from the top.
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.get_attribute("class") == "a11y-panel__toggle"
    assert focused.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    assert page.locator(":focus").get_attribute("value") == "100"
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "a11y-fs-125" in html_classes(page)


# With JavaScript -----------------------------------------------------------------------


def test_with_javascript_a_change_applies_at_once_without_a_reload(live_server, tool_page, site):
    page = tool_page  # the test's own wait_for_function expressions are evaluated strings
    article = site.article.get_absolute_url("en")
    open_page(page, live_server, article)
    page.evaluate("window.notReloaded = true")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    toggle = page.get_by_role("button", name="Version for the visually impaired")
    toggle.click()
    page.locator("#a11y-controls").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"

    for key, value in [("fs", "175"), ("cs", "white-on-black"), ("img", "grey"), ("lh", "2")]:
        option(page, key, value).click()
        page.wait_for_function(
            "cls => document.documentElement.classList.contains(cls)",
            arg=SETTINGS_BY_KEY[key].css_class(value),
        )
        assert option(page, key, value).get_attribute("aria-pressed") == "true"
        assert page.locator(f'button[name="{key}"][aria-pressed="true"]').count() == 1
    option(page, "fs", "100").click()
    page.wait_for_function("!document.documentElement.classList.contains('a11y-fs-175')")
    assert page.evaluate("window.notReloaded") is True
    assert navigations == []
    assert page.url == live_server.url + article
    expected = {"a11y-cs-white-on-black", "a11y-img-grey", "a11y-lh-2"}
    assert html_classes(page) == expected

    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert cookie["path"] == "/"

    # The server agrees after a reload, and nothing flashes: the classes come with the HTML.
    page.reload()
    assert html_classes(page) == expected
    assert page.locator("#a11y-controls").is_visible()

    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name="Normal version").click()
    page.locator("#a11y-controls").wait_for(state="hidden")
    assert html_classes(page) == set()
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.className") == "a11y-panel__toggle"
    assert not [c for c in page.context.cookies() if c["name"] == COOKIE]


def test_with_javascript_quick_presses_all_count(live_server, page, site):
    use_profile(page, live_server, "panel:open")
    open_page(page, live_server, "/ru/news/")
    for key, value in [("fs", "150"), ("cs", "blue"), ("img", "off"), ("ff", "serif")]:
        option(page, key, value).click(no_wait_after=True)
    expected = {"a11y-fs-150", "a11y-cs-blue", "a11y-img-off", "a11y-ff-serif"}
    page.wait_for_function(
        "names => names.every(n => document.documentElement.classList.contains(n))",
        arg=sorted(expected),
    )
    page.reload()
    assert html_classes(page) == expected


def test_the_keyboard_reaches_the_skip_link_then_the_panel_and_works_every_control(
    live_server, page, site
):
    open_page(page, live_server, site.article.get_absolute_url("ru"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "a11y-panel__toggle"
    page.keyboard.press("Enter")
    page.locator("#a11y-controls").wait_for(state="visible")

    buttons = page.locator("#a11y-controls button")
    for index in range(buttons.count() - 1):
        button = buttons.nth(index)
        page.keyboard.press("Tab")
        assert button.evaluate("el => el === document.activeElement")
        # Buttons answer both Enter and Space.
        page.keyboard.press("Enter" if index % 2 else " ")
        expect_pressed = button.get_attribute("value")
        page.wait_for_function(
            "el => el.getAttribute('aria-pressed') === 'true'", arg=button.element_handle()
        )
        key = button.get_attribute("name")
        assert (
            page.locator(f'button[name="{key}"][aria-pressed="true"]').get_attribute("value")
            == expect_pressed
        )
    # Last in the panel: "normal version", which folds it and gives focus back to the toggle.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "a11y-panel__reset"
    page.keyboard.press("Enter")
    page.locator("#a11y-controls").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.className") == "a11y-panel__toggle"

    # The skip link leads into the content.
    page.reload()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_focus_is_visible_with_enough_contrast_in_every_scheme(live_server, page, site, scheme):
    use_profile(page, live_server, f"cs:{scheme}|panel:open")
    open_page(page, live_server, site.article.get_absolute_url("en"))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    seen = 0
    for _step in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_RING)
        if focus is None:
            break
        seen += 1
        assert focus["style"] == "solid", focus
        assert focus["width"] >= 2, focus
        assert contrast(focus["color"], background) >= 3, focus
    assert seen > 30


# Tampered cookies and images -----------------------------------------------------------


@pytest.mark.parametrize(
    "tampered",
    ["qwerty!@#$%^&*()", "fs:200|" * 580, "<script>alert(1)</script>", "fs:999|cs:pink"],
    ids=["junk", "4 KB", "markup", "unknown values"],
)
def test_tampered_cookies_are_ignored(live_server, page, site, tampered):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.context.add_cookies([{"name": COOKIE, "value": tampered, "url": live_server.url}])
    assert [c["value"] for c in page.context.cookies() if c["name"] == COOKIE] == [tampered]
    for public_page in PUBLIC_PAGES:
        open_page(page, live_server, public_page.path(site, "ru"), public_page.status)
        assert html_classes(page) == set()
        assert page.locator("#a11y-controls").is_hidden()
    assert dialogs == []


def test_a_5_kb_cookie_header_is_ignored(live_server, page, site):
    page.set_extra_http_headers({"Cookie": f"{COOKIE}={'fs:200|' * 730}"})
    open_page(page, live_server, site.article.get_absolute_url("ru"))
    assert html_classes(page) == set()


def test_images_hide_behind_their_text_or_turn_grey(live_server, page, site):
    image = render_to_string(
        "includes/image.html",
        {
            "src": "data:image/gif;base64,R0lGODlhAQABAIAAAP8AAP///ywAAAAAAQABAAACAkQBADs=",
            "alt": "Штаб-квартира ВТамО в Брюсселе",
            "width": 200,
            "height": 100,
            "loading": "eager",
        },
    )
    path = site.article.get_absolute_url("ru")
    for profile, img_visible, alt_visible, img_filter in [
        ("", True, False, "none"),
        ("img:off", False, True, "none"),
        ("img:grey", True, False, "grayscale(1)"),
    ]:
        use_profile(page, live_server, profile)
        open_page(page, live_server, path)
        page.locator(".article__body").evaluate(
            "(body, html) => body.insertAdjacentHTML('afterbegin', html)", image
        )
        img = page.locator(".article__body img")
        alt = page.locator(".article__body .a11y-img-alt")
        assert img.is_visible() is img_visible, profile
        assert alt.is_visible() is alt_visible, profile
        assert img.evaluate("el => getComputedStyle(el).filter") == img_filter
        if alt_visible:
            assert alt.inner_text() == "Штаб-квартира ВТамО в Брюсселе"
