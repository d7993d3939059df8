"""Which edit evicts which cached page: every public page type × every kind of change.

Each case fills the page cache (on Redis, as in production) with every public page in one
language, makes one change, and reads every page again: the pages named must be made anew
and show the change; every other page must still come from the cache.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from fcs_site.models import PressContacts
from news.models import Article
from tests.factories import ArticleFactory, SessionFactory
from tests.public_pages import LANGUAGES, PUBLIC_PAGES, build_public_site
from tests.site.redis_support import redis_page_cache  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_page_cache")]

STATUS = "X-Page-Cache"
# The pages a change can show on (200 answers are the cached ones), and two more.
PAGES = {page.name: page for page in PUBLIC_PAGES if page.status == 200}
EXTRA = {
    "feed": lambda site, lang: reverse("feeds:news", kwargs={"fmt": "rss"}),
    "sitemap": lambda site, lang: reverse("sitemap"),
}
NEWS_LISTS = {"home", "news list", "rubric", "feed", "sitemap"}
# The article's "Related articles" list: the latest of its rubric and topics.
RELATED = {"article"}
ABOUT_THE_ARTICLE = {"body", "session", "person"}  # their "News" lists show it
SEARCHES = {"search", "search committees"}
DATASETS = {"open data", "dataset"}
REGISTRY = {"bodies", "body", "session", "person", "home"}  # home: the sessions ahead


@dataclass(frozen=True)
class Change:
    name: str
    make: object  # (site) -> None
    evicts: frozenset
    # Text the page must show after the change, when the change is visible in it (or per
    # language: {"en": ..., "ru": ...}).
    shows: str | dict = ""


def edit_article(site):
    site.article.title_en = site.article.title_ru = "Headline after the edit"
    site.article.save()


def publish_new(site):
    ArticleFactory(rubric=site.rubric, title_en="Just published", title_ru="Только что")


def publish_press_release(site):
    ArticleFactory(
        rubric=site.rubric,
        kind=Article.Kind.PRESS_RELEASE,
        title_en="Press release just out",
        title_ru="Пресс-релиз только что",
    )


def make_press_release(site):
    site.article.kind = Article.Kind.PRESS_RELEASE
    site.article.save()


def withdraw(site):
    site.article.status = Article.Status.WITHDRAWN
    site.article.withdrawn_at = timezone.now()
    site.article.save()


def delete_other(site):
    site.only_in["ru"].delete()
    site.only_in["en"].delete()


def edit_draft(site):
    draft = site.draft
    draft.title_en = draft.title_ru = "A draft edited"
    draft.save()


def rename_rubric(site):
    site.rubric.name_en = site.rubric.name_ru = "Renamed rubric"
    site.rubric.save()


def rename_body(site):
    site.body.name_en = site.body.name_ru = "Renamed committee"
    site.body.save()


def move_session(site):
    site.session.venue_en = site.session.venue_ru = "Brussels"
    site.session.save()


def add_session(site):
    SessionFactory(body=site.body, number=42)


def link_article_to_new_session(site):
    other = SessionFactory(body=site.council, number=7)
    site.article.sessions.add(other)


def edit_press_contacts(site):
    contacts = PressContacts.objects.get()
    contacts.phones = "+7 499 000-00-00"
    contacts.save()


def bulk_update_lead(site):
    Article.objects.filter(pk=site.article.pk).update(lead_en="Lead, bulk", lead_ru="Лид")


CHANGES = [
    Change(
        "edit a public article",
        edit_article,
        frozenset({"article", *NEWS_LISTS, *ABOUT_THE_ARTICLE, *SEARCHES, *DATASETS}),
        shows="Headline after the edit",
    ),
    Change(
        "publish an article",
        publish_new,
        frozenset({*NEWS_LISTS, *RELATED, *SEARCHES, *DATASETS}),
    ),
    # News items leave the press releases page alone; a press release enters it.
    Change(
        "publish a press release",
        publish_press_release,
        frozenset({*NEWS_LISTS, *RELATED, *SEARCHES, *DATASETS, "press releases"}),
        shows={"en": "Press release just out", "ru": "Пресс-релиз только что"},
    ),
    Change(
        "make an article a press release",
        make_press_release,
        frozenset(
            {"article", *NEWS_LISTS, *ABOUT_THE_ARTICLE, *SEARCHES, *DATASETS, "press releases"}
        ),
    ),
    Change(
        "withdraw an article",
        withdraw,
        frozenset({"article", *NEWS_LISTS, *ABOUT_THE_ARTICLE, *SEARCHES, *DATASETS}),
    ),
    Change(
        "delete articles",
        delete_other,
        frozenset({*NEWS_LISTS, *RELATED, *SEARCHES, *DATASETS}),
    ),
    Change("edit a draft", edit_draft, frozenset({*DATASETS})),
    Change(
        "rename a rubric",
        rename_rubric,
        # The feeds page names each rubric's feed.
        frozenset({"article", *NEWS_LISTS, *ABOUT_THE_ARTICLE, *SEARCHES, *DATASETS, "feeds"}),
        shows="Renamed rubric",
    ),
    Change(
        "rename a WCO body",
        rename_body,
        frozenset({"article", *REGISTRY, *SEARCHES, *DATASETS, "sitemap", "feeds"}),
        shows="Renamed committee",
    ),
    Change(
        "move a session",
        move_session,
        frozenset({"article", *REGISTRY, *SEARCHES, *DATASETS, "sitemap"}),
    ),
    Change(
        "add a session",
        add_session,
        frozenset({*REGISTRY, *SEARCHES, *DATASETS, "sitemap"}),
    ),
    Change(
        "link an article to a session",
        link_article_to_new_session,
        frozenset({"article", *NEWS_LISTS, *SEARCHES, *REGISTRY, *DATASETS}),
    ),
    Change(
        "bulk-update an article",
        bulk_update_lead,
        frozenset({"article", *NEWS_LISTS, *ABOUT_THE_ARTICLE, *SEARCHES, *DATASETS}),
    ),
    # The footer of every page shows them.
    Change("edit the press contacts", edit_press_contacts, frozenset({*PAGES, *EXTRA})),
]


@pytest.fixture
def site():
    found = build_public_site()
    found.council = found.body.reports_to.get()
    found.draft = ArticleFactory(draft=True, rubric=found.rubric)
    return found


def page_urls(site, language):
    urls = {name: page.path(site, language) for name, page in PAGES.items()}
    with translation.override(language):
        urls |= {name: url(site, language) for name, url in EXTRA.items()}
    return urls


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.name)
def test_a_change_evicts_exactly_the_pages_that_show_it(client, site, change, language):
    urls = page_urls(site, language)
    for name, url in urls.items():
        client.get(url)
        cached = client.get(url)
        assert cached[STATUS] == "hit", f"{name} was not cached"
    with translation.override(language):
        change.make(site)
    after = {name: client.get(url) for name, url in urls.items()}
    evicted = {name for name, response in after.items() if response.get(STATUS) != "hit"}
    assert evicted == set(change.evicts), (
        f"evicted but not expected: {sorted(evicted - change.evicts)}; "
        f"expected but kept: {sorted(change.evicts - evicted)}"
    )
    if change.shows:
        # (Not home: registry changes evict it for its sessions ahead, which this site
        # may have none of.)
        shows = change.shows if isinstance(change.shows, str) else change.shows[language]
        for name in evicted & {"article", "news list", "press releases"}:
            assert shows in after[name].content.decode(), name


def test_a_scheduled_article_falling_due_evicts_its_lists_only(client, site):
    ArticleFactory(
        rubric=site.rubric,
        title_en="Embargoed until noon",
        published_at=timezone.now() + timedelta(hours=1),
    )
    urls = page_urls(site, "en")
    for url in urls.values():
        client.get(url)
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        after = {name: client.get(url) for name, url in urls.items()}
    evicted = {name for name, response in after.items() if response.get(STATUS) != "hit"}
    assert evicted == {*NEWS_LISTS, *RELATED, *SEARCHES, *DATASETS}
    assert "Embargoed until noon" in after["news list"].content.decode()


def _withdraw_press_release(release):
    release.status = Article.Status.WITHDRAWN
    release.withdrawn_at = timezone.now()
    release.save()


def _press_release_to_news(release):
    release.kind = Article.Kind.NEWS
    release.save()


@pytest.mark.parametrize(
    ("change", "evicts_press_releases"),
    [
        (_withdraw_press_release, True),
        (_press_release_to_news, True),  # it leaves the list: the old kind's tag
        (lambda release: release.delete(), True),
        (lambda release: ArticleFactory(title_en="Plain news"), False),
    ],
    ids=["withdraw it", "make it news", "delete it", "publish a news item"],
)
def test_the_press_releases_page_follows_its_own_articles(
    client, site, change, evicts_press_releases
):
    release = ArticleFactory(
        rubric=site.rubric, kind=Article.Kind.PRESS_RELEASE, title_en="Release on the list"
    )
    url = page_urls(site, "en")["press releases"]
    client.get(url)
    assert "Release on the list" in client.get(url).content.decode()
    assert client.get(url)[STATUS] == "hit"
    change(release)
    after = client.get(url)
    assert (after[STATUS] != "hit") is evicts_press_releases
    assert ("Release on the list" in after.content.decode()) is not evicts_press_releases


def test_a_scheduled_press_release_falling_due_evicts_the_press_releases(client, site):
    ArticleFactory(
        kind=Article.Kind.PRESS_RELEASE,
        title_en="Embargoed release",
        published_at=timezone.now() + timedelta(hours=1),
    )
    url = page_urls(site, "en")["press releases"]
    client.get(url)
    assert client.get(url)[STATUS] == "hit"
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        after = client.get(url)
    assert after[STATUS] != "hit"
    assert "Embargoed release" in after.content.decode()
