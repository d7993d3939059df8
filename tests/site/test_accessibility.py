"""The version for the visually impaired, without a browser: profile, set view, pages."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import connection
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from fcs_site.accessibility.profile import SETTINGS, STYLE_SETTINGS, Profile
from tests.public_pages import LANGUAGES, PUBLIC_PAGES, build_public_site

COOKIE = settings.FCS_A11Y_COOKIE_NAME
TAMPERED = {
    "junk": "qwerty!@#$%^&*()",
    "5 KB": "fs:200|" * 730,
    "markup": '"><script>alert(1)</script>',
    "unknown values": "fs:999|cs:pink|img:maybe|panel:wide",
    "unknown keys": "zoom:200|theme:dark",
    "no separators": "fs150cswhite-on-black",
}
ALL_CHOICES = [(s.key, value) for s in SETTINGS for value, _label in s.choices]
PAGES = [pytest.param(page, id=page.name) for page in PUBLIC_PAGES]


@pytest.fixture
def site(db):
    return build_public_site()


# The profile ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", *TAMPERED.values()], ids=["none", "empty", *TAMPERED])
def test_anything_but_allowed_values_gives_the_default_profile(value):
    profile = Profile.from_cookie(value)
    assert profile == Profile()
    assert profile.is_default
    assert profile.css_classes() == ""
    assert profile.cache_key_part() == Profile().cache_key_part()


def test_each_field_falls_back_on_its_own():
    profile = Profile.from_cookie("fs:150|cs:pink|img:off|ls:|lh:3|ff:serif|bogus:1")
    assert profile == Profile(font_size="150", images="off", font="serif")


@pytest.mark.parametrize(("key", "value"), ALL_CHOICES)
def test_every_choice_survives_the_cookie(key, value):
    profile = Profile().with_choices({key: value})
    assert profile.get(key) == value
    assert Profile.from_cookie(profile.to_cookie()) == profile
    assert len(profile.to_cookie()) <= 200


def test_the_longest_profile_fits_the_cookie_limit():
    longest = {s.key: max((v for v, _l in s.choices), key=len) for s in SETTINGS}
    profile = Profile().with_choices(longest)
    assert Profile.from_cookie(profile.to_cookie()) == profile


def test_cache_key_part_is_normalised():
    one = Profile.from_cookie("cs:blue|fs:150")
    other = Profile.from_cookie("fs:100|fs:150|cs:blue|img:on|junk")
    assert one.cache_key_part() == other.cache_key_part()
    assert one.cache_key_part() != Profile().cache_key_part()
    assert Profile(panel="open").cache_key_part() != Profile().cache_key_part()


def test_css_classes_name_only_the_choices_that_differ_from_the_default():
    profile = Profile(font_size="200", colour_scheme="white-on-black", line_height="2.5")
    assert profile.css_classes() == "a11y-fs-200 a11y-cs-white-on-black a11y-lh-2-5"
    assert Profile(panel="open").css_classes() == ""


def test_a_bad_choice_is_refused():
    with pytest.raises(ValueError):
        Profile().with_choices({"fs": "300"})
    with pytest.raises(ValueError):
        Profile(colour_scheme="pink")


def test_the_panel_offers_every_style_setting_with_the_current_choice_pressed():
    groups = Profile(colour_scheme="blue").controls()
    assert [group["key"] for group in groups] == [s.key for s in STYLE_SETTINGS]
    schemes = next(group for group in groups if group["key"] == "cs")
    assert [o["value"] for o in schemes["options"] if o["pressed"]] == ["blue"]


# The set view --------------------------------------------------------------------------


def assert_profile_cookie(response, value):
    cookie = response.cookies[COOKIE]
    assert cookie.value == value
    assert cookie["path"] == "/"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    assert 360 * 24 * 3600 <= int(cookie["max-age"]) <= 366 * 24 * 3600


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("key", "value"), ALL_CHOICES)
def test_each_choice_sets_the_cookie_and_returns_to_the_page(client, language, key, value):
    next_url = f"/{language}/news/?page=2"
    response = client.get(f"/{language}/a11y/set/", {key: value, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url + "#a11y-panel"
    expected = Profile().with_choices({key: value})
    if expected.is_default:
        assert response.cookies[COOKIE].value == ""
        assert response.cookies[COOKIE]["max-age"] == 0
    else:
        assert_profile_cookie(response, expected.to_cookie())


def test_choices_add_up(client):
    client.get("/ru/a11y/set/", {"fs": "150", "next": "/ru/"})
    response = client.get("/ru/a11y/set/", {"cs": "blue", "next": "/ru/"})
    assert_profile_cookie(response, "fs:150|cs:blue")
    response = client.get("/ru/a11y/set/", {"fs": "200", "img": "off", "next": "/ru/"})
    assert_profile_cookie(response, "fs:200|cs:blue|img:off")


def test_normal_version_forgets_everything(client, db):
    client.cookies[COOKIE] = "fs:200|cs:white-on-black|panel:open"
    response = client.get("/en/a11y/set/", {"reset": "1", "next": "/en/news/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/news/#a11y-panel"
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0
    assert 'class=""' in client.get("/en/news/").content.decode()


def test_a_junk_cookie_does_not_stop_a_choice(client):
    client.cookies[COOKIE] = TAMPERED["markup"]
    response = client.get("/ru/a11y/set/", {"ff": "serif", "next": "/ru/"})
    assert_profile_cookie(response, "ff:serif")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "query",
    [{"fs": "300"}, {"cs": "<script>"}, {"lh": ""}, {"img": "x" * 5000}, {"panel": "wide"}],
    ids=["size", "markup", "empty", "5 KB", "panel"],
)
def test_a_choice_that_does_not_exist_is_a_clear_400(client, language, query):
    response = client.get(f"/{language}/a11y/set/", {**query, "next": f"/{language}/news/"})
    assert response.status_code == 400
    assert COOKIE not in response.cookies
    html = response.content.decode()
    heading = {"ru": "Такой настройки нет", "en": "There is no such setting"}[language]
    assert heading in html
    assert f'href="/{language}/news/"' in html
    # The panel on this page leads back to the page, not to the bad address again.
    assert f'name="next" value="/{language}/news/"' in html
    assert "<script>" not in html


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "https:evil.example", "javascript:alert(1)",
     "https://evil.example/", ""],
)  # fmt: skip
def test_the_set_view_never_redirects_off_site(client, language, target):
    response = client.get(f"/{language}/a11y/set/", {"fs": "150", "next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/#a11y-panel"


def test_the_script_gets_the_new_state_as_json(client):
    client.cookies[COOKIE] = "fs:150"
    response = client.get(
        "/ru/a11y/set/",
        {"cs": "green-on-brown", "next": "/ru/"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "classes": ["a11y-fs-150", "a11y-cs-green-on-brown"],
        "choices": {**Profile().as_dict(), "fs": "150", "cs": "green-on-brown"},
        "panelOpen": False,
    }
    assert_profile_cookie(response, "fs:150|cs:green-on-brown")


def test_the_set_view_is_never_cached_and_touches_no_database(
    client, db, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/ru/a11y/set/", {"fs": "150", "next": "/ru/"})
    assert "no-store" in response["Cache-Control"]


# The pages -----------------------------------------------------------------------------


class PageOutline(HTMLParser):
    """What the accessibility checks need from a page: focusables, images, headings, langs."""

    FOCUSABLE = {"a", "button", "input", "select", "textarea"}

    def __init__(self):
        super().__init__()
        self.html_attrs = {}
        self.focusables = []
        self.images = []
        self.h1_count = 0
        self.landmarks = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        elif tag == "body":
            self.in_body = True
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "h1":
            self.h1_count += 1
        if tag in {"header", "nav", "main", "footer", "section", "aside"}:
            self.landmarks.append((tag, attrs))
        if (
            self.in_body
            and tag in self.FOCUSABLE
            and attrs.get("type") != "hidden"
            and (tag != "a" or "href" in attrs)
        ):
            self.focusables.append((tag, attrs))


def outline(response) -> PageOutline:
    parser = PageOutline()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_the_site_wide_basics(client, site, page, language):
    path = page.path(site, language)
    response = client.get(path)
    assert response.status_code == page.status
    parsed = outline(response)
    assert parsed.html_attrs["lang"] == language
    assert parsed.h1_count == 1
    # The skip link comes first, then the panel.
    (first_tag, first), (second_tag, second) = parsed.focusables[:2]
    assert first_tag == "a"
    assert first["href"] == "#main"
    assert second_tag == "button"
    assert second["class"] == "a11y-panel__toggle"
    assert second["aria-expanded"] == "false"
    landmarks = [tag for tag, _attrs in parsed.landmarks if tag in {"main", "header", "footer"}]
    assert landmarks.count("main") == 1
    assert (landmarks[0], landmarks[-1]) == ("header", "footer")
    panel = next(attrs for tag, attrs in parsed.landmarks if attrs.get("id") == "a11y-panel")
    assert (
        panel["aria-label"]
        == {
            "ru": "Настройки версии для слабовидящих",
            "en": "Settings of the version for the visually impaired",
        }[language]
    )
    # Every image has a text alternative (an empty one marks it decorative).
    assert all("alt" in image for image in parsed.images), parsed.images
    # Every link into the other language says so.
    for tag, attrs in parsed.focusables:
        if tag == "a" and attrs.get("hreflang") and attrs["hreflang"] != language:
            assert attrs.get("lang") == attrs["hreflang"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_never_set_cookies_and_vary_on_them(client, site, page, language):
    path = page.path(site, language)
    for cookie in (None, "fs:200|cs:blue|panel:open"):
        if cookie:
            client.cookies[COOKIE] = cookie
        response = client.get(path)
        assert response.status_code == page.status
        assert not response.cookies, response.cookies
        assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("tampered", TAMPERED.values(), ids=TAMPERED.keys())
@pytest.mark.parametrize("page", PAGES)
def test_tampered_cookies_are_ignored(client, site, page, tampered):
    client.cookies[COOKIE] = tampered
    response = client.get(page.path(site, "ru"))
    assert response.status_code == page.status
    html = response.content.decode()
    assert '<html lang="ru" class="">' in html
    assert "<script>alert" not in html
    assert "a11y-fs-200" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_wears_the_profile_and_the_panel_shows_it(client, site, language):
    client.cookies[COOKIE] = "fs:200|cs:white-on-black|img:grey|ls:larger|lh:2|ff:serif|panel:open"
    path = site.article.get_absolute_url(language)
    html = client.get(path).content.decode()
    assert (
        f'<html lang="{language}" class="a11y-fs-200 a11y-cs-white-on-black a11y-img-grey '
        'a11y-ls-larger a11y-lh-2 a11y-ff-serif">'
    ) in html
    pressed = re.findall(r'name="(\w+)" value="([\w.-]+)" aria-pressed="true"', html)
    assert pressed == [
        ("fs", "200"),
        ("cs", "white-on-black"),
        ("img", "grey"),
        ("ls", "larger"),
        ("lh", "2"),
        ("ff", "serif"),
    ]
    assert 'aria-expanded="true"' in html
    assert 'id="a11y-controls" class="a11y-panel__controls">' in html
    assert f'action="/{language}/a11y/set/"' in html
    assert f'name="next" value="{path}"' in html
    toggle = {"ru": "Версия для слабовидящих", "en": "Version for the visually impaired"}
    normal = {"ru": "Обычная версия", "en": "Normal version"}
    assert toggle[language] in html
    assert normal[language] in html


def test_the_folded_panel_is_hidden_until_opened(client, site):
    html = client.get("/ru/").content.decode()
    assert 'id="a11y-controls" class="a11y-panel__controls" hidden>' in html
    assert 'name="panel" value="open" aria-expanded="false"' in html


def test_the_profile_costs_no_queries(client, site, django_assert_num_queries):
    from fcs_site.caching import fragments

    path = site.article.get_absolute_url("ru")
    client.get(path)
    # Kept fragments are made per profile: each request here starts without them.
    fragments.forget()
    with CaptureQueriesContext(connection) as plain, override_settings(FCS_PAGE_CACHE_SECONDS=0):
        client.get(path)
    client.cookies[COOKIE] = "fs:200|cs:blue|panel:open"
    fragments.forget()
    with (
        django_assert_num_queries(len(plain.captured_queries)),
        override_settings(FCS_PAGE_CACHE_SECONDS=0),
    ):
        client.get(path)


def test_the_image_include_prints_the_alt_text_for_the_images_off_mode():
    html = render_to_string(
        "includes/image.html", {"src": "/media/a.jpg", "alt": "Брюссель, штаб-квартира ВТамО"}
    )
    assert '<img src="/media/a.jpg" alt="Брюссель, штаб-квартира ВТамО"' in html
    assert '<span class="a11y-img-alt">Брюссель, штаб-квартира ВТамО</span>' in html
    decorative = render_to_string("includes/image.html", {"src": "/media/line.png", "alt": ""})
    assert 'alt=""' in decorative
    assert "a11y-img-alt" not in decorative
