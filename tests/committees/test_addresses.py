"""Addresses and dates of the committee pages: the same answers as reverse() and the date
filter give, for each language, script prefix and URL configuration."""

from datetime import date

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, path, reverse, set_script_prefix
from django.utils import translation

from committees import dates
from committees.addresses import reverse_in
from tests.factories import BodyFactory, SessionFactory


def test_an_address_is_the_one_reverse_makes_in_each_language():
    for language in ("ru", "en"):
        with translation.override(language):
            expected = reverse("committees:body_detail", kwargs={"slug": "council"})
        assert reverse_in("committees:body_detail", language, slug="council") == expected
        assert expected.startswith(f"/{language}/")
    # Asking in Russian after English does not give the English one.
    with translation.override("en"):
        assert reverse_in("committees:body_detail", slug="council").startswith("/en/")
    with translation.override("ru"):
        assert reverse_in("committees:body_detail", slug="council").startswith("/ru/")


def test_the_script_prefix_is_part_of_the_address():
    """A site mounted under a path (/press/) links under it; the same worker serving the root
    does not hand out those addresses."""
    plain = reverse_in("committees:body_detail", "en", slug="council")
    set_script_prefix("/press/")
    try:
        assert reverse_in("committees:body_detail", "en", slug="council") == "/press" + plain
    finally:
        clear_script_prefix()
        set_script_prefix("/")
    assert reverse_in("committees:body_detail", "en", slug="council") == plain


def test_an_unknown_address_raises_as_reverse_does():
    with pytest.raises(NoReverseMatch):
        reverse_in("committees:body_detail", "en", slug="not a slug!")


urlpatterns = [path("elsewhere/<slug:slug>/", lambda request, slug: None, name="x")]


def test_changed_url_settings_change_the_addresses():
    reverse_in("committees:body_detail", "en", slug="council")
    with override_settings(ROOT_URLCONF=__name__):
        with pytest.raises(NoReverseMatch):
            reverse_in("committees:body_detail", "en", slug="council")
        assert reverse_in("x", "en", slug="council") == "/elsewhere/council/"
    assert reverse_in("committees:body_detail", "en", slug="council") == "/en/committees/council/"


@pytest.mark.django_db
def test_pages_link_to_the_current_slug_after_a_rename():
    """A body given a new slug links to the new one, and so do its sessions."""
    body = BodyFactory(slug="old-name")
    session = SessionFactory(body=body, number=3)
    with translation.override("en"):
        assert body.get_absolute_url() == "/en/committees/old-name/"
        assert session.get_absolute_url() == "/en/committees/old-name/sessions/3/"
        body.slug = "new-name"
        body.save()
        session.refresh_from_db()
        assert body.get_absolute_url() == "/en/committees/new-name/"
        assert session.get_absolute_url() == "/en/committees/new-name/sessions/3/"


def test_dates_are_written_in_the_language_asked():
    day = date(2026, 3, 22)
    assert dates.format_day(day, "ru") == "22 марта 2026 г."
    assert dates.format_day(day, "en") == "22 March 2026"
    with translation.override("en"):
        assert dates.format_date_range(day, date(2026, 3, 26)) == "22–26 March 2026"
    with translation.override("ru"):
        assert dates.format_date_range(day, date(2026, 3, 26)) == "22–26 марта 2026 г."
    # The same dates asked again in the other language are not the English ones.
    assert dates.format_date_range(day, date(2026, 4, 1), "en") == "22 March – 1 April 2026"
    assert dates.format_date_range(day, date(2026, 4, 1), "ru") == "22 марта – 1 апреля 2026 г."


def test_a_request_of_its_own_url_configuration_gets_its_own_addresses():
    """A middleware may set `request.urlconf`: addresses follow it."""
    from django.urls import set_urlconf

    plain = reverse_in("committees:body_detail", "en", slug="council")
    set_urlconf(__name__)
    try:
        assert reverse_in("x", "en", slug="council") == "/elsewhere/council/"
        with pytest.raises(NoReverseMatch):
            reverse_in("committees:body_detail", "en", slug="council")
    finally:
        set_urlconf(None)
    assert reverse_in("committees:body_detail", "en", slug="council") == plain
