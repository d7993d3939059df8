"""The page cache: fast for anonymous visitors, fresh at once after a change, never leaking."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from fcs_site.caching.middleware import request_variant
from news import services
from news.models import Article, Rubric
from tests.factories import ArticleFactory, RubricFactory
from tests.site.redis_support import delete_keys, redis_caches, require_redis

pytestmark = pytest.mark.django_db

STATUS = "X-Page-Cache"


@pytest.fixture(autouse=True, params=["local memory", "Redis"])
def page_cache_server(request, settings):
    """Each test runs with one process's cache, then with Redis as on several machines."""
    if request.param == "Redis":
        other = require_redis()
        settings.CACHES = redis_caches()
        prefix = settings.CACHES["default"]["KEY_PREFIX"]
    yield request.param
    if request.param == "Redis":
        delete_keys(other, prefix)


@pytest.fixture
def leak_urls(settings):
    settings.ROOT_URLCONF = "tests.site.page_cache_urls"


def twice(client, url, **extra):
    return client.get(url, **extra), client.get(url, **extra)


def test_anonymous_pages_come_from_the_cache_with_headers_for_a_proxy(client):
    ArticleFactory(title_en="A cached headline")
    first, second = twice(client, "/en/news/")
    assert (first[STATUS], second[STATUS]) == ("miss", "hit")
    assert second.content == first.content
    assert "A cached headline" in second.content.decode()
    for response in (first, second):
        assert "public" in response["Cache-Control"]
        assert "max-age=60" in response["Cache-Control"]
        assert "Cookie" in response["Vary"]
        assert response["Content-Language"] == "en"
        assert not response.cookies


def test_publishing_editing_and_withdrawing_show_at_once(client, staff_user):
    draft = ArticleFactory(draft=True, title_en="Released this minute")
    assert twice(client, "/en/news/")[1][STATUS] == "hit"
    assert "Released this minute" not in client.get("/en/").content.decode()

    services.article_publish(article=draft, user=staff_user)
    listing = client.get("/en/news/")
    assert listing[STATUS] == "miss"
    assert "Released this minute" in listing.content.decode()
    assert "Released this minute" in client.get("/en/").content.decode()
    url = draft.get_absolute_url("en")
    assert twice(client, url)[1][STATUS] == "hit"

    draft.title_en = "Released this minute, corrected"
    draft.save()
    assert "corrected" in client.get(url).content.decode()

    services.article_unpublish(article=draft, user=staff_user)
    assert client.get(url).status_code == 404
    assert "Released this minute" not in client.get("/en/news/").content.decode()


def test_publishing_through_the_admin_shows_at_once_to_visitors(staff_client, staff_user):
    visitor = Client()
    draft = ArticleFactory(draft=True, title_en="Published from the admin")
    assert twice(visitor, "/en/news/")[1][STATUS] == "hit"
    response = staff_client.post(
        "/admin/news/article/", {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302
    assert "Published from the admin" in visitor.get("/en/news/").content.decode()


def test_bulk_updates_deletes_and_rubric_names_refresh_pages(client):
    rubric = RubricFactory(name_en="Old rubric name")
    article = ArticleFactory(rubric=rubric, title_en="Bulk-edited headline")
    assert twice(client, "/en/news/")[1][STATUS] == "hit"

    Rubric.objects.filter(pk=rubric.pk).update(name_en="New rubric name")
    assert "New rubric name" in client.get("/en/news/").content.decode()
    rubric.refresh_from_db()
    rubric.name_en = "Renamed again"
    rubric.save()
    assert "Renamed again" in client.get("/en/news/").content.decode()

    Article.objects.filter(pk=article.pk).update(title_en="Bulk-edited, twice")
    assert "Bulk-edited, twice" in client.get("/en/news/").content.decode()
    Article.objects.filter(pk=article.pk).delete()
    assert "Bulk-edited" not in client.get("/en/news/").content.decode()


def test_a_scheduled_article_appears_in_cached_pages_at_its_time(client):
    when = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(published_at=when, title_en="Embargoed announcement")
    assert twice(client, "/en/news/")[1][STATUS] == "hit"
    assert "Embargoed announcement" not in client.get("/en/news/").content.decode()
    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        listing = client.get("/en/news/")
        assert "Embargoed announcement" in listing.content.decode()
        assert client.get(article.get_absolute_url("en")).status_code == 200


def test_staff_always_see_fresh_pages_and_leave_nothing_in_the_cache(leak_urls, staff_client):
    visitor = Client()
    assert twice(visitor, "/leak/user/")[1][STATUS] == "hit"
    staff_view = staff_client.get("/leak/user/")
    assert STATUS not in staff_view
    assert "signed in as editor" in staff_view.content.decode()
    assert "private" in staff_view["Cache-Control"]
    for _ in range(2):
        page = visitor.get("/leak/user/").content.decode()
        assert "editor" not in page and "signed in as anonymous" in page


def test_staff_on_public_pages_get_fresh_private_pages(staff_client):
    ArticleFactory(title_en="Seen by staff")
    for response in twice(staff_client, "/en/news/"):
        assert STATUS not in response
        assert "private" in response["Cache-Control"]
        assert "Seen by staff" in response.content.decode()


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_session_or_messages_cookie_bypasses_the_cache(client, cookie):
    ArticleFactory()
    client.get("/en/news/")
    client.cookies[cookie] = "anything"
    for response in twice(client, "/en/news/"):
        assert STATUS not in response
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url",
    [
        "/leak/cookie/",
        "/leak/csrf/",
        "/leak/private/",
        "/leak/nonce/",
        "/leak/vary/",
        "/leak/missing/",
    ],
)
def test_responses_that_are_not_for_everyone_are_never_stored(leak_urls, client, url):
    _first, second = twice(client, url)
    assert STATUS not in second
    assert "public" not in second.get("Cache-Control", "")
    third = Client().get(url)
    assert STATUS not in third


def test_a_cached_page_carries_no_cookie_and_no_csrf_token(leak_urls, client):
    client.get("/leak/csrf/")  # the visitor now holds a CSRF cookie
    ArticleFactory()
    _first, second = twice(client, "/en/news/")
    assert second[STATUS] == "hit"
    assert not second.cookies
    assert "csrfmiddlewaretoken" not in second.content.decode()
    assert "Set-Cookie" not in str(second.serialize_headers())


def test_admin_and_the_language_switch_are_never_cached(client):
    for url in ("/admin/login/", "/i18n/switch/en/?next=/en/"):
        _first, second = twice(client, url)
        assert STATUS not in second


def test_query_strings_are_normalised_but_repeated_values_keep_their_order(leak_urls, client):
    client.get("/echo/?b=2&a=1")
    assert client.get("/echo/?a=1&b=2")[STATUS] == "hit"
    client.get("/echo/?x=1&x=2")
    swapped = client.get("/echo/?x=2&x=1")
    assert swapped[STATUS] == "miss"
    assert swapped.content.decode() == "query: x=2&x=1"


def test_tracking_parameters_are_dropped_before_the_page_is_made(leak_urls, client):
    client.get("/echo/?a=1")
    tagged = client.get("/echo/?utm_source=ria&a=1&utm%5Fmedium=news&yclid=7&fbclid=x")
    assert tagged[STATUS] == "hit"
    assert tagged.content.decode() == "query: a=1"
    # Only the parameters named: others that look alike stay, and make their own page.
    alike = client.get("/echo/?utmost=1&a=1&gclid_note=2")
    assert alike[STATUS] == "miss"
    assert alike.content.decode() == "query: utmost=1&a=1&gclid_note=2"


def test_a_news_agency_link_gets_the_cached_page_without_its_tags(client):
    for number in range(3):
        ArticleFactory(title_en=f"Headline {number}")
    plain = client.get("/en/news/")
    tagged = client.get("/en/news/?utm_source=agency&utm_medium=link")
    assert tagged[STATUS] == "hit"
    assert tagged.content == plain.content
    html = client.get("/en/?utm_campaign=release").content.decode()
    assert "utm_" not in html
    assert 'name="next" value="/en/"' in html


def test_excluded_prefixes_apply_with_and_without_the_language(leak_urls, client, settings):
    settings.FCS_PAGE_CACHE_EXCLUDED_PREFIXES = [
        *settings.FCS_PAGE_CACHE_EXCLUDED_PREFIXES,
        "/news/preview/",
    ]
    assert STATUS not in twice(client, "/news/preview/token-1/")[1]
    assert _unprefixed_is_excluded("/ru/news/preview/token-2/")


def _unprefixed_is_excluded(path):
    from fcs_site.caching.middleware import is_excluded

    return is_excluded(RequestFactory().get(path).path_info)


def test_each_accessibility_profile_has_its_own_cached_pages(client):
    ArticleFactory()
    assert twice(client, "/en/news/")[1][STATUS] == "hit"
    client.cookies["a11y"] = "fs:200|cs:white-on-black"
    assert client.get("/en/news/")[STATUS] == "miss"
    assert client.get("/en/news/")[STATUS] == "hit"
    # The same choices written another way are the same profile: the same cached page.
    client.cookies["a11y"] = "cs:white-on-black|fs:200"
    assert client.get("/en/news/")[STATUS] == "hit"
    client.cookies["a11y"] = "fs:150"
    assert client.get("/en/news/")[STATUS] == "miss"
    # A junk cookie is the default profile, whose page is already cached.
    client.cookies["a11y"] = "<script>junk"
    assert client.get("/en/news/")[STATUS] == "hit"


def test_the_normalised_profile_is_the_key_when_the_request_has_one():
    request = RequestFactory().get("/en/", HTTP_COOKIE="a11y=FONT=2")
    raw = request_variant(request)
    request.accessibility = SimpleNamespace(cache_key_part=lambda: "a11y=font:2")
    assert request_variant(request) == "a11y=font:2" != raw
    assert request_variant(RequestFactory().get("/en/")) == "a11y="


def test_hosts_and_head_requests(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    ArticleFactory()
    client.get("/en/news/")
    assert client.get("/en/news/", HTTP_HOST="localhost")[STATUS] == "miss"
    head = client.head("/en/news/")
    assert head[STATUS] == "hit"
    assert head.status_code == 200


def surrogate_keys(response) -> set[str]:
    return set(response["Surrogate-Key"].split())


def test_losing_tag_versions_never_brings_back_old_pages(client):
    """Redis may lose the versions (an eviction, a restart): a page stored before must then
    be made again, never served as if nothing had changed."""
    article = ArticleFactory(title_en="Before the edit")
    first, _second = twice(client, "/en/news/")
    assert "Before the edit" in first.content.decode()
    article.title_en = "After the edit"
    article.save()
    from fcs_site.caching.tags import version_key

    cache.delete_many([version_key(tag) for tag in surrogate_keys(first)])
    again = client.get("/en/news/")
    assert again[STATUS] == "miss"
    assert "After the edit" in again.content.decode()


def test_a_page_names_what_it_shows_in_its_surrogate_keys(client):
    rubric = RubricFactory(name_en="Cooperation")
    article = ArticleFactory(rubric=rubric, title_en="Tagged")
    page = client.get(article.get_absolute_url("en"))
    assert {f"news.article:{article.pk}", f"news.rubric:{rubric.pk}", "site"} <= surrogate_keys(
        page
    )
    listing = client.get("/en/news/")
    assert {"list:articles", f"news.article:{article.pk}"} <= surrogate_keys(listing)
    assert "max-age=" in listing["Surrogate-Control"]


def test_an_edit_evicts_the_pages_that_show_it_and_no_others(client):
    edited, other = ArticleFactory(title_en="To be edited"), ArticleFactory(title_en="Untouched")
    for article in (edited, other):
        twice(client, article.get_absolute_url("en"))
    edited.title_en = "Edited"
    edited.save()
    assert client.get(other.get_absolute_url("en"))[STATUS] == "hit"
    fresh = client.get(edited.get_absolute_url("en"))
    assert fresh[STATUS] == "miss"
    assert "Edited" in fresh.content.decode()


def test_editing_a_draft_evicts_nothing_the_public_sees(client):
    ArticleFactory(title_en="Public")
    draft = ArticleFactory(draft=True, title_en="Draft")
    twice(client, "/en/news/")
    draft.title_en = "Draft, edited"
    draft.save()
    assert client.get("/en/news/")[STATUS] == "hit"


def test_pages_work_without_a_cache_server(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    ArticleFactory(title_en="Served without a cache")
    for response in twice(client, "/en/news/"):
        assert response.status_code == 200
        assert STATUS not in response
        assert "Served without a cache" in response.content.decode()


def test_the_page_cache_can_be_switched_off(client, settings):
    settings.FCS_PAGE_CACHE_SECONDS = 0
    ArticleFactory()
    assert STATUS not in twice(client, "/en/news/")[1]


@pytest.mark.parametrize("bench_on", [False, True])
def test_the_benchmark_bypass_header_works_only_in_bench_mode(client, settings, bench_on):
    settings.FCS_BENCH_ENDPOINTS = bench_on
    ArticleFactory()
    client.get("/en/news/")
    response = client.get("/en/news/", HTTP_X_BENCH_PAGE_CACHE="bypass")
    assert (response.get(STATUS) == "hit") is not bench_on


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)


def test_a_cached_page_carries_the_security_headers_it_was_stored_with(client):
    """The page cache answers before the security middleware runs: a hit must still carry
    every header the first answer had."""
    ArticleFactory()
    first, second = twice(client, "/ru/news/")
    assert second[STATUS] == "hit"
    for name in SECURITY_HEADERS:
        assert second[name] == first[name], name


def test_a_cached_page_is_not_served_for_a_host_outside_allowed_hosts(client):
    ArticleFactory()
    assert twice(client, "/ru/news/")[1][STATUS] == "hit"
    refused = client.get("/ru/news/", HTTP_HOST="evil.example")
    assert refused.status_code == 400
    assert STATUS not in refused
    assert refused["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in refused


def test_static_files_and_media_pass_the_page_cache_by(client):
    # (WhiteNoise serves collected files: tests/site/test_static_and_media.py.)
    for path in ("/static/css/site.css", "/media/photos/none.jpg"):
        for _ in range(2):
            assert STATUS not in client.get(path), path


def test_a_cached_page_lives_no_longer_than_its_cache_seconds(client, page_cache_server):
    """A page can change with the date alone (a body's sessions move to the past): no edit
    bumps a tag then, and the page goes when its time in the cache is up."""
    if page_cache_server == "Redis":
        pytest.skip("Redis expires the shared copy by its own clock, which does not travel")
    from tests.factories import BodyFactory, SessionFactory

    body = BodyFactory(slug="council")
    today = timezone.localdate()
    SessionFactory(body=body, number=7, start_date=today, end_date=today + timedelta(days=1))
    _first, second = twice(client, "/en/committees/council/")
    assert second[STATUS] == "hit"
    assert "No sessions are planned." not in second.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        later = client.get("/en/committees/council/")
    assert later[STATUS] == "miss"
    assert "No sessions are planned." in later.content.decode()
