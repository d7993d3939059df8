"""Before its time, nothing of a draft, an article in review or a scheduled article shows
on any public surface, in either language, nor in any page's HTML metadata.

Surfaces are a list: a new public page adds a line to SURFACES (with the address it is
at). Every public address that takes no parameters is also found in the URLconf and
checked on its own, with and without a search query, so feeds, sitemaps, search and open
data are covered as soon as they exist.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils import timezone, translation

from news import services
from news.models import Article
from tests.factories import ArticleFactory, RubricFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# A word no other page contains, in every text field of the hidden article.
SECRET = "Zanzibarovsky"
# Searched for: also in every text field, but never a probe, since a search page may
# repeat the words it was asked for.
SEARCH_WORD = "Quokkagrad"


@dataclass(frozen=True)
class World:
    hidden: Article
    neighbour: Article  # published, same rubric and topic
    rubric: object
    topic: object


HIDDEN_STATES = {
    "draft": {"status": Article.Status.DRAFT, "published_at": None},
    "in review": {"status": Article.Status.IN_REVIEW, "published_at": None},
    "scheduled": {"status": Article.Status.PUBLISHED, "published_at": "future"},
}


def make_world(state: str) -> World:
    rubric, topic = RubricFactory(), TopicFactory()
    values = dict(HIDDEN_STATES[state])
    if values["published_at"] == "future":
        values["published_at"] = timezone.now() + timedelta(hours=3)
    hidden = ArticleFactory(
        title_ru=f"Секретная новость {SECRET} {SEARCH_WORD}",
        title_en=f"Secret news {SECRET} {SEARCH_WORD}",
        slug_ru=f"sekret-{SECRET.lower()}",
        slug_en=f"secret-{SECRET.lower()}",
        lead_ru=f"Анонс {SECRET} {SEARCH_WORD}",
        lead_en=f"Lead {SECRET} {SEARCH_WORD}",
        body_ru=f"<p>Текст {SECRET} {SEARCH_WORD}.</p>",
        body_en=f"<p>Text {SECRET} {SEARCH_WORD}.</p>",
        kind=Article.Kind.PRESS_RELEASE,
        rubric=rubric,
        **values,
    )
    hidden.topics.add(topic)
    neighbour = ArticleFactory(rubric=rubric)
    neighbour.topics.add(topic)
    # A shared preview link must not make the article any more visible.
    services.preview_link_create(article=hidden, user=UserFactory(username="e", role="Editor"))
    return World(hidden=hidden, neighbour=neighbour, rubric=rubric, topic=topic)


def in_language(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@dataclass(frozen=True)
class Surface:
    name: str
    path: Callable[[str, World], str]
    # The hidden article's own addresses answer 404; every other surface answers 200.
    status: int = 200


SURFACES = [
    Surface("home page", lambda lang, w: in_language(lang, "home")),
    Surface("news list", lambda lang, w: in_language(lang, "news:article_list")),
    Surface("rubric list", lambda lang, w: in_language(lang, "news:rubric", slug=w.rubric.slug)),
    Surface("topic list", lambda lang, w: in_language(lang, "news:topic", slug=w.topic.slug)),
    Surface(
        "a published neighbour's page: switcher, hreflang, canonical, metadata",
        lambda lang, w: w.neighbour.get_absolute_url(lang),
    ),
    Surface(
        "the hidden article's page, with its slug",
        lambda lang, w: w.hidden.get_absolute_url(lang),
        status=404,
    ),
    Surface(
        "the hidden article's page, by number only",
        lambda lang, w: in_language(lang, "news:article_detail_noslug", pk=w.hidden.pk),
        status=404,
    ),
    Surface(
        "the hidden article's page under the other language's slug",
        lambda lang, w: in_language(
            lang,
            "news:article_detail",
            pk=w.hidden.pk,
            slug=getattr(w.hidden, f"slug_{'en' if lang == 'ru' else 'ru'}"),
        ),
        status=404,
    ),
]


def leaks(html: str, article: Article, requested: str = "") -> list[str]:
    """What of `article` the page shows, beyond the address the visitor typed in."""
    if requested:
        # Pages echo the address in their canonical link and language switcher, under
        # each language's prefix: that is what the visitor typed, not a leak.
        rest = requested.split("/", 2)[2] if requested.count("/") > 1 else requested
        for code in LANGUAGES:
            echo = f"/{code}/{rest}"
            for form in (echo, quote(echo, safe=""), quote(echo)):
                html = html.replace(form, "")
    probes = [SECRET, f"/news/{article.pk}-", f"/news/{article.pk}/"]
    probes += [getattr(article, f"slug_{code}") for code in LANGUAGES]
    return [probe for probe in probes if probe and probe in html]


@pytest.mark.parametrize("state", list(HIDDEN_STATES))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("surface", SURFACES, ids=lambda surface: surface.name)
def test_a_hidden_article_shows_nowhere(client, surface, language, state):
    world = make_world(state)
    path = surface.path(language, world)
    response = client.get(path)
    assert response.status_code == surface.status
    html = response.content.decode()
    assert not leaks(html, world.hidden, requested=path), f"{surface.name} ({language}, {state})"


def public_paths_without_parameters() -> list[str]:
    """Every address of the URLconf that takes no parameter, in each language."""
    found = []

    def walk(patterns, prefix="", localized=False):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("admin/", "i18n/")):
                    continue
                walk(
                    pattern.url_patterns,
                    prefix
                    + (
                        ""
                        if isinstance(pattern.pattern, LocalePrefixPattern)
                        else str(pattern.pattern)
                    ),
                    localized or isinstance(pattern.pattern, LocalePrefixPattern),
                )
            elif isinstance(pattern, URLPattern):
                route = str(pattern.pattern)
                if not isinstance(pattern.pattern, RoutePattern) or "<" in route:
                    continue
                for language in LANGUAGES if localized else [None]:
                    found.append(
                        f"/{language}/{prefix}{route}" if language else f"/{prefix}{route}"
                    )
        return found

    return sorted(set(walk(get_resolver().url_patterns)))


def test_the_urlconf_walk_finds_the_public_pages():
    paths = public_paths_without_parameters()
    assert {"/ru/", "/en/", "/ru/news/", "/en/news/"} <= set(paths)
    assert not [path for path in paths if path.startswith("/admin/")]


@pytest.mark.parametrize("state", list(HIDDEN_STATES))
def test_no_public_address_without_parameters_shows_a_hidden_article(client, state):
    """Feeds, sitemaps, search, datasets: whatever the URLconf holds, in both languages."""
    world = make_world(state)
    checked = []
    for path in public_paths_without_parameters():
        for query in ("", f"?q={SEARCH_WORD}", f"?q=secret+{SEARCH_WORD.lower()}"):
            response = client.get(path + query)
            if response.status_code in (301, 302, 404, 405):
                continue
            body = b"".join(response) if response.streaming else response.content
            html = body.decode(errors="replace")
            assert not leaks(html, world.hidden, requested=path + query), f"{path}{query} ({state})"
            checked.append(path)
    assert len(set(checked)) >= 4


def test_the_probes_would_see_the_article_once_it_is_due(client):
    """The control: the same surfaces show the scheduled article when its time comes."""
    world = make_world("scheduled")
    with time_machine.travel(world.hidden.published_at + timedelta(seconds=1)):
        for language in LANGUAGES:
            for surface in SURFACES[:5]:
                if surface.name.startswith("a published neighbour"):
                    continue
                html = client.get(surface.path(language, world)).content.decode()
                assert leaks(html, world.hidden), surface.name
            assert client.get(world.hidden.get_absolute_url(language)).status_code == 200


def test_a_withdrawn_article_leaves_every_list_but_keeps_its_notice_page(client):
    world = make_world("scheduled")
    editor = UserFactory(username="w", role="Editor")
    with time_machine.travel(world.hidden.published_at + timedelta(minutes=1)):
        world.hidden.refresh_from_db()
        services.article_withdraw(
            article=world.hidden,
            user=editor,
            mode=Article.WithdrawalMode.NOTICE,
            reasons={"ru": "Причина.", "en": "Reason."},
        )
        for language in LANGUAGES:
            for surface in SURFACES[:5]:
                html = client.get(surface.path(language, world)).content.decode()
                assert not leaks(html, world.hidden), surface.name
            for path in public_paths_without_parameters():
                response = client.get(path)
                if response.status_code == 200 and not response.streaming:
                    assert not leaks(response.content.decode(), world.hidden), path
            assert client.get(world.hidden.get_absolute_url(language)).status_code == 200
