"""The committees registry in sitemap.xml: exactly the body, session and person pages that
answer 200, with hreflang alternates only where both languages exist."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    BodyFactory,
    DelegationFactory,
    PersonFactory,
    PhaseFactory,
    PostFactory,
    SessionFactory,
    TermFactory,
)
from tests.site.test_sitemap import HOST, NS, entries, parse

pytestmark = pytest.mark.django_db


def registry_entries(found) -> dict:
    """The entries of body, session and person pages (not the list of bodies)."""
    return {
        loc: alternates
        for loc, alternates in found.items()
        if "/committees/" in loc and not loc.endswith("/committees/")
    }


@pytest.fixture
def registry():
    council = BodyFactory(slug="council", name_en="Council")
    ec = BodyFactory(slug="enforcement-committee", reports_to=[council])
    # Dissolved, but its page still answers: it stays listed.
    dissolved = BodyFactory(
        slug="old-group",
        established_on=timezone.localdate().replace(year=1990),
        dissolved_on=timezone.localdate().replace(year=2001),
    )
    russian = BodyFactory(slug="russian-only", russian_only=True)
    english = BodyFactory(slug="english-only", english_only=True)
    # A body with no name in any language has no page anywhere.
    unnamed = BodyFactory(slug="unnamed", name_ru="", name_genitive_ru="", name_en="")
    sessions = {
        "ec_41": SessionFactory(body=ec, number=41),
        "ec_42": SessionFactory(body=ec, number=42, second_number=43),
        "russian": SessionFactory(body=russian, number=1),
        "english": SessionFactory(body=english, number=2),
        "unnamed": SessionFactory(body=unnamed, number=3),
    }
    phase = PhaseFactory(parent=sessions["ec_42"])
    people = {
        "both": PersonFactory(),
        "russian": PersonFactory(name_en=""),
        "english": PersonFactory(name_ru=""),
        "unnamed": PersonFactory(name_ru="", name_en=""),
    }
    TermFactory(person=people["both"], post=PostFactory(body=ec), elected_at=sessions["ec_41"])
    DelegationFactory(session=sessions["ec_41"], person=people["russian"])
    return {
        "bodies": {
            "council": council,
            "ec": ec,
            "dissolved": dissolved,
            "russian": russian,
            "english": english,
            "unnamed": unnamed,
        },
        "sessions": sessions,
        "phase": phase,
        "people": people,
    }


def pages_in(registry, language) -> set[str]:
    """Every registry page that exists in `language`."""
    objects = [
        *registry["bodies"].values(),
        *registry["sessions"].values(),
        *registry["people"].values(),
    ]
    return {
        HOST + obj.get_absolute_url(language)
        for obj in objects
        if language in obj.available_languages()
    }


def test_sitemap_lists_exactly_the_public_registry_pages(client, registry):
    found = registry_entries(entries(parse(client)))
    expected = pages_in(registry, "ru") | pages_in(registry, "en")
    assert set(found) == expected
    # Spelled out, so that the helper above cannot hide a mistake.
    assert f"{HOST}/en/committees/old-group/" in found
    assert f"{HOST}/ru/committees/russian-only/" in found
    assert f"{HOST}/en/committees/russian-only/" not in found
    assert f"{HOST}/en/committees/english-only/" in found
    assert f"{HOST}/ru/committees/english-only/" not in found
    assert not [loc for loc in found if "/unnamed/" in loc]
    assert f"{HOST}/en/committees/enforcement-committee/sessions/42/" in found
    assert f"{HOST}/en/committees/enforcement-committee/sessions/43/" not in found  # redirects
    assert f"{HOST}/ru/committees/russian-only/sessions/1/" in found
    assert f"{HOST}/en/committees/russian-only/sessions/1/" not in found
    assert not [loc for loc in found if "#" in loc]  # phases have no page of their own
    people = registry["people"]
    assert HOST + people["russian"].get_absolute_url("ru") in found
    assert HOST + people["russian"].get_absolute_url("en") not in found
    assert not [loc for loc in found if f"/people/{people['unnamed'].pk}-" in loc]


def test_every_listed_registry_page_answers_200_and_every_other_404(client, registry):
    found = registry_entries(entries(parse(client)))
    for loc in found:
        assert client.get(loc.removeprefix(HOST)).status_code == 200, loc
    objects = [
        *registry["bodies"].values(),
        *registry["sessions"].values(),
        *registry["people"].values(),
    ]
    for obj in objects:
        for language in ("ru", "en"):
            url = HOST + obj.get_absolute_url(language)
            if url not in found:
                assert client.get(url.removeprefix(HOST)).status_code == 404, url


def test_registry_alternates_only_where_both_languages_exist(client, registry):
    found = entries(parse(client))
    ec = registry["bodies"]["ec"]
    both = {code: HOST + ec.get_absolute_url(code) for code in ("ru", "en")}
    assert found[both["ru"]] == found[both["en"]] == both
    session = registry["sessions"]["ec_41"]
    both = {code: HOST + session.get_absolute_url(code) for code in ("ru", "en")}
    assert found[both["en"]] == both
    person = registry["people"]["both"]
    both = {code: HOST + person.get_absolute_url(code) for code in ("ru", "en")}
    assert found[both["ru"]] == both
    for single in (
        registry["bodies"]["russian"].get_absolute_url("ru"),
        registry["bodies"]["english"].get_absolute_url("en"),
        registry["sessions"]["russian"].get_absolute_url("ru"),
        registry["people"]["russian"].get_absolute_url("ru"),
        registry["people"]["english"].get_absolute_url("en"),
    ):
        assert found[HOST + single] == {}, single


def test_body_list_is_listed_in_both_languages(client):
    found = entries(parse(client))
    for language in ("ru", "en"):
        assert set(found[f"{HOST}/{language}/committees/"]) == {"ru", "en"}


def test_registry_lastmod_is_the_last_change(client, registry):
    ec = registry["bodies"]["ec"]
    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        ec.description_en = "Works on enforcement."
        ec.save()
    root = parse(client)
    lastmods = {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in root.findall("sm:url", NS)
        if url.find("sm:lastmod", NS) is not None
    }
    assert lastmods[HOST + ec.get_absolute_url("en")].startswith(
        timezone.localtime(later).strftime("%Y-%m-%d")
    )
    session = registry["sessions"]["ec_41"]
    assert lastmods[HOST + session.get_absolute_url("ru")].startswith(
        timezone.localtime(session.updated_at).strftime("%Y-%m-%d")
    )
    person = registry["people"]["both"]
    assert HOST + person.get_absolute_url("en") in lastmods


def test_a_new_body_is_listed_at_once(client, registry, django_assert_num_queries):
    parse(client)
    with django_assert_num_queries(0):
        parse(client)
    BodyFactory(slug="capacity-building-committee")
    found = entries(parse(client))
    assert f"{HOST}/en/committees/capacity-building-committee/" in found
    registry["bodies"]["english"].name_en = ""
    registry["bodies"]["english"].save()
    found = entries(parse(client))
    assert not [loc for loc in found if "/english-only/" in loc]


def test_large_registries_get_sections_of_their_own(client, settings, registry):
    settings.FCS_SITEMAP_LIMIT = 5
    root = parse(client)
    sitemaps = [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)]
    for section in ("bodies", "sessions", "people"):
        assert f"{HOST}/sitemap-{section}.xml" in sitemaps, section
    found = {}
    for url in sitemaps:
        found |= entries(parse(client, url.removeprefix(HOST)))
    assert set(registry_entries(found)) == pages_in(registry, "ru") | pages_in(registry, "en")


def grow(size):
    for number in range(size):
        body = BodyFactory(reports_to=[BodyFactory()])
        session = SessionFactory(body=body, number=number + 1)
        PhaseFactory(parent=session)
        TermFactory(post=PostFactory(body=body), elected_at=session)
        DelegationFactory(session=session)
        ArticleFactory().bodies.add(body)


@pytest.mark.parametrize("size", [2, 15])
def test_sitemap_query_count_does_not_grow_with_the_registry(
    client, django_assert_num_queries, size
):
    grow(size)
    # rubrics and topics; articles counted; the articles; bodies; sessions; people.
    with django_assert_num_queries(6):
        found = entries(parse(client))
    assert len([loc for loc in found if "/sessions/" in loc]) == 2 * size
