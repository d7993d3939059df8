"""The page chrome (header, accessibility panel, footer) follows the language, the
visitor's profile, the page and the settings."""

import re

import pytest
from django.conf import settings
from django.test import override_settings

COOKIE = settings.FCS_A11Y_COOKIE_NAME


def pressed(html):
    return re.findall(r'name="(\w+)" value="([\w.-]+)" aria-pressed="true"', html)


@pytest.mark.django_db
def test_the_chrome_follows_language_profile_and_page(client):
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


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "en"])
def test_changed_settings_show_at_once_in_each_language(client, language):
    # (Different pages each time: the page cache keeps whole pages, by design.)
    assert "https://example.org/moved/" not in client.get(f"/{language}/").content.decode()
    with override_settings(
        FCS_SERVICE_LINKS=[("Moved", "https://example.org/moved/")],
        FCS_SITE_NAME="Renamed service",
    ):
        page = client.get(f"/{language}/news/").content.decode()
        assert '<li><a href="https://example.org/moved/">Moved</a></li>' in page
        assert f'<a class="brand" href="/{language}/">' in page
        assert '<span class="site-name">Renamed service</span>' in page
    after = client.get(f"/{language}/committees/").content.decode()
    assert "https://example.org/moved/" not in after and "Renamed service" not in after
