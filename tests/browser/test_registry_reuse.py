"""The committees registry's open data passports, the feed index with the body feeds, and the
body page with its feed links, in a real browser: axe-core."""

import pytest

from tests.factories import ArticleFactory, PhaseFactory, TermFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry():
    phase = PhaseFactory()
    TermFactory(post__body=phase.body, elected_at=phase.parent)
    ArticleFactory().bodies.add(phase.body)
    return phase.body


@pytest.mark.parametrize("language", ["ru", "en"])
def test_registry_reuse_pages_pass_axe(live_server, page, check_axe, registry, language):
    for path in (
        f"/{language}/feeds/",
        registry.get_absolute_url(language),
        f"/{language}/opendata/7730176610-bodies/",
        f"/{language}/opendata/7730176610-sessions/",
        f"/{language}/opendata/7730176610-terms/",
    ):
        page.goto(live_server.url + path)
        check_axe(page, label=path)
