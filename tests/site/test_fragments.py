"""Fragments kept rendered ({% fragment %}): reused while what they show is unchanged,
made again after any change to it, in each language and profile; never kept outside a page
the cache may keep, nor when a tag moved while it was being made.

The page cache is off here, so what is kept is the fragment alone; its tags' versions
are on Redis, as in production.
"""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from fcs_site.caching import recording, tags
from news.models import Article
from tests.factories import ArticleFactory
from tests.public_pages import build_public_site
from tests.site.redis_support import redis_page_cache  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("redis_page_cache")]

# The pages whose cards are fragments, and which show the reference article.
SHOWING = ("home", "news list", "rubric", "body", "session", "person")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.FCS_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def site():
    return build_public_site()


def urls(site, language):
    with translation.override(language):
        return {
            "home": "/" + language + "/",
            "news list": f"/{language}/news/",
            "rubric": site.rubric.get_absolute_url(),
            "body": site.body.get_absolute_url(language),
            "session": site.session.get_absolute_url(language),
            "person": site.person.get_absolute_url(language),
        }


def pages(client, addresses) -> dict[str, str]:
    answers = {name: client.get(url) for name, url in addresses.items()}
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)
    return {name: answer.content.decode() for name, answer in answers.items()}


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as done:
        assert client.get(url).status_code == 200
    return len(done)


@pytest.mark.parametrize("language", ["ru", "en"])
def test_cards_are_kept_and_every_page_shows_an_edit_at_once(client, site, language):
    addresses = urls(site, language)
    first = pages(client, addresses)
    title = getattr(site.article, f"title_{language}")
    for name in SHOWING:
        assert title in first[name], name
    # Kept: the same page, without reading the cards again.
    cards_read = {name: queries(client, url) for name, url in addresses.items()}
    assert pages(client, addresses) == first
    assert {name: queries(client, url) for name, url in addresses.items()} == cards_read

    site.article.title_ru = site.article.title_en = "Заголовок после правки / Edited headline"
    site.article.save()
    after = pages(client, addresses)
    for name in SHOWING:
        assert "Edited headline" in after[name], name
        assert title not in after[name], name


def test_a_new_article_a_withdrawal_and_a_renamed_rubric_show_at_once(client, site):
    addresses = urls(site, "en")
    pages(client, addresses)
    ArticleFactory(rubric=site.rubric, title_en="Just published today")
    after = pages(client, addresses)
    for name in ("home", "news list", "rubric"):
        assert "Just published today" in after[name], name

    site.article.status = Article.Status.WITHDRAWN
    site.article.withdrawn_at = timezone.now()
    site.article.save()
    after = pages(client, addresses)
    for name in SHOWING:
        assert site.article.title_en not in after[name], name

    site.rubric.name_en = "Renamed rubric"
    site.rubric.save()
    assert "Renamed rubric" in client.get(addresses["home"]).content.decode()


def test_each_language_and_profile_has_its_own_copy(client, site):
    russian = client.get("/ru/").content.decode()
    english = client.get("/en/").content.decode()
    assert site.article.title_ru in russian and site.article.title_en not in russian
    assert site.article.title_en in english and site.article.title_ru not in english
    # Another accessibility profile: its own copy, which an edit makes stale too.
    standard = client.get("/en/news/").content.decode()
    client.cookies["a11y"] = "img:off|cs:white-on-black"
    images_off = client.get("/en/news/").content.decode()
    assert standard != images_off and site.article.title_en in images_off
    site.article.title_en = "Edited for every profile"
    site.article.save()
    assert "Edited for every profile" in client.get("/en/news/").content.decode()
    client.cookies.clear()
    assert "Edited for every profile" in client.get("/en/news/").content.decode()


def test_pages_of_a_list_are_kept_apart(client, site, settings, monkeypatch):
    from news.views import ArticleListView

    monkeypatch.setattr(ArticleListView, "paginate_by", 2)
    second = client.get("/en/news/?page=2").content.decode()
    third = client.get("/en/news/?page=3").content.decode()
    assert second != third
    assert client.get("/en/news/?page=2").content.decode() == second


def test_a_scheduled_article_falling_due_joins_the_kept_lists(client, site):
    ArticleFactory(
        rubric=site.rubric,
        title_en="Embargoed until noon",
        published_at=timezone.now() + timedelta(hours=1),
    )
    addresses = urls(site, "en")
    before = pages(client, addresses)
    assert "Embargoed until noon" not in before["home"]
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        after = pages(client, addresses)
    for name in ("home", "news list", "rubric"):
        assert "Embargoed until noon" in after[name], name


def test_staff_pages_are_made_from_the_database_each_time(staff_client, site):
    staff_client.get("/en/")
    read = queries(staff_client, "/en/")
    assert read >= 1
    # No kept copy was made for, or served to, a signed-in editor.
    assert queries(staff_client, "/en/") == read


TEMPLATE = Template("{% load fragments %}{% fragment 'probe' %}{{ reader.read }}{% endfragment %}")


class Reader:
    """Counts its readings; can bump a tag while the fragment is being made."""

    def __init__(self, bump=None):
        self.count = 0
        self.bump = bump

    def read(self):
        self.count += 1
        recording.record("probe:1")
        if self.bump:
            tags.bump({"probe:1"})
        return self.count


def render(reader) -> str:
    with recording.recording(tags.current_tick()):
        return TEMPLATE.render(Context({"reader": reader}))


def test_a_fragment_is_kept_until_its_tag_changes():
    reader = Reader()
    assert render(reader) == "1"
    assert render(reader) == "1"
    tags.bump({"probe:1"})
    assert render(reader) == "2"


def test_a_fragment_whose_tag_moved_while_it_was_made_is_not_kept():
    # The read-bump-store race: made from what was read before the change, it may be old.
    reader = Reader(bump=True)
    assert render(reader) == "1"
    reader.bump = False
    assert render(reader) == "2"
    assert render(reader) == "2"


def test_outside_a_page_that_may_be_kept_the_block_is_just_rendered():
    reader = Reader()
    assert TEMPLATE.render(Context({"reader": reader})) == "1"
    assert TEMPLATE.render(Context({"reader": reader})) == "2"
