"""The template filters public pages use (shorten, iso_time, moment) give what Django's own
would, and choice labels follow the language."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from committees.models import Session
from tests.factories import SessionFactory


@pytest.mark.django_db
def test_choice_labels_follow_the_language_and_unknown_values_show_as_they_are():
    session = SessionFactory.build(format="virtual", status="postponed")
    with translation.override("ru"):
        assert session.get_format_display() == "Дистанционный"
        assert session.get_status_display() == "Перенесена"
    with translation.override("en"):
        assert session.get_format_display() == "Virtual"
    session.format = "by-pigeon"
    assert session.get_format_display() == "by-pigeon"
    assert Session(format=None).get_format_display() is None


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Short lead.", 200, "Short lead."),
        ("  Two\n\nlines  ", 200, "Two lines"),
        ("a" * 10, 10, "a" * 10),
        ("word " * 10, 12, "word word w…"),
        (None, 10, ""),
    ],
)
def test_shorten(text, limit, expected):
    html = Template("{% load seo_tags %}{{ text|shorten:limit }}").render(
        Context({"text": text, "limit": limit})
    )
    assert html == expected
    assert len(html) <= limit


@override_settings(TIME_ZONE="Europe/Moscow")
def test_iso_time_is_the_sites_local_time_to_the_second():
    moment = datetime(2021, 4, 8, 14, 55, 0, 123456, tzinfo=UTC)
    template = Template("{% load site_tags %}{{ value|iso_time }}")
    assert template.render(Context({"value": moment})) == "2021-04-08T17:55:00+03:00"
    assert template.render(Context({"value": date(2021, 4, 8)})) == "2021-04-08"
    assert template.render(Context({"value": None})) == ""
    assert template.render(Context({"value": "not a date"})) == ""


def test_shorten_keeps_text_already_safe_as_it_is():
    html = Template("{% load seo_tags %}{{ text|shorten:20 }}").render(
        Context({"text": mark_safe("A &amp; B")})
    )
    assert html == "A &amp; B"


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("zone", ["Europe/Moscow", "Europe/London"])
def test_moment_writes_what_the_date_filter_writes(language, zone):
    ours = Template("{% load site_tags %}{{ value|moment }}")
    django = Template('{{ value|date:"j E Y H:i" }}')
    moments = [
        datetime(2021, 4, 8, 14, 55, 59, 999999, tzinfo=UTC),
        datetime(2022, 1, 31, 23, 5, tzinfo=UTC),  # another day in Moscow
        datetime(2022, 7, 1, 0, 0, tzinfo=UTC),  # summer time in London
    ]
    with override_settings(TIME_ZONE=zone), translation.override(language):
        for value in moments:
            expected = django.render(Context({"value": value}))
            assert ours.render(Context({"value": value})) == expected
    with override_settings(TIME_ZONE="Europe/Moscow"), translation.override("ru"):
        assert ours.render(Context({"value": moments[1]})) == "1 февраля 2022 02:05"
    with override_settings(TIME_ZONE="Europe/London"), translation.override("en"):
        # The same instant, written in Moscow time before, is written in London time now.
        assert ours.render(Context({"value": moments[1]})) == "31 January 2022 23:05"
        assert ours.render(Context({"value": None})) == ""
