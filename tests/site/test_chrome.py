"""The page chrome (header, panel, footer) is rendered once per worker and kept: it must
still follow the language, the visitor's profile, the page and the settings."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings

from fcs_site.templatetags import site_tags

COOKIE = settings.FCS_A11Y_COOKIE_NAME


@pytest.fixture(autouse=True)
def empty_chrome():
    site_tags.clear_chrome()
    yield
    site_tags.clear_chrome()


def pressed(html):
    return re.findall(r'name="(\w+)" value="([\w.-]+)" aria-pressed="true"', html)


@pytest.mark.django_db
def test_the_kept_chrome_follows_language_profile_and_page(client):
    russian = client.get("/ru/news/").content.decode()
    english = client.get("/en/news/").content.decode()
    assert "Поиск по сайту" in russian and "Search the site" not in russian
    assert "Search the site" in english and "Поиск по сайту" not in english
    # The switcher points at this page's other version, whichever page rendered first.
    assert 'hreflang="en"' in russian and "next=%2Fen%2Fnews%2F" in russian
    assert 'hreflang="ru"' in english and "next=%2Fru%2Fnews%2F" in english

    client.cookies[COOKIE] = "fs:200|panel:open"
    large = client.get("/ru/news/").content.decode()
    assert ("fs", "200") in pressed(large) and 'aria-expanded="true"' in large
    client.cookies[COOKIE] = ""
    normal = client.get("/ru/").content.decode()
    assert ("fs", "100") in pressed(normal) and 'aria-expanded="false"' in normal
    # The panel brings the visitor back to the page they were on.
    assert 'name="next" value="/ru/"' in normal
    assert 'name="next" value="/ru/news/"' in large
    assert len(site_tags._chrome) >= 4


@pytest.mark.django_db
def test_changed_settings_show_at_once(client):
    # (Different pages each time: the page cache keeps whole pages, by design.)
    assert "https://example.org/moved/" not in client.get("/en/").content.decode()
    with override_settings(FCS_SERVICE_LINKS=[("Moved", "https://example.org/moved/")]):
        assert "https://example.org/moved/" in client.get("/en/news/").content.decode()
    assert "https://example.org/moved/" not in client.get("/en/committees/").content.decode()


def test_the_kept_chrome_is_bounded():
    for number in range(site_tags.CHROME_LIMIT + 5):
        site_tags._chrome[("test", number)] = "x"
        if len(site_tags._chrome) > site_tags.CHROME_LIMIT:
            break
    Template('{% load site_tags %}{% chrome "x" %}y{% endchrome %}').render(Context({}))
    assert len(site_tags._chrome) <= site_tags.CHROME_LIMIT
