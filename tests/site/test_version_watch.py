"""Each process knows the content version between changes, and hears of every change at once.

The version is read once on a tracked connection (fcs_site/version_watch.py); Redis tells
that connection when the version is written anywhere. These tests change the version the
way another machine would, through a connection of their own or another process, and check
that the very next request sees it, and that nothing goes back to Redis in between.
"""

import multiprocessing
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from fcs_site.cache import NEXT_CHANGE_KEY, VERSION_KEY, bump_content_version, content_version
from fcs_site.version_watch import VersionWatch, watch_for
from tests.factories import ArticleFactory
from tests.site.redis_support import REDIS_URL, delete_keys, redis_caches, require_redis

pytestmark = pytest.mark.django_db

STATUS = "X-Page-Cache"


@pytest.fixture
def shared(settings):
    """The site's cache in Redis, and a connection of another machine to the same Redis."""
    other = require_redis()
    settings.CACHES = redis_caches()
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    yield SimpleNamespace(
        other=other,
        prefix=prefix,
        key=caches["default"].make_key,
        watch=lambda: watch_for(caches["default"], (VERSION_KEY, NEXT_CHANGE_KEY)),
    )
    delete_keys(other, prefix)


def known_version(shared):
    """A content change made here, then read: (the version, this process's watch of it)."""
    bump_content_version()
    return content_version(), shared.watch()


def elsewhere_bump(shared):
    """Another machine publishes something: its bump, not this process's."""
    shared.other.incr(shared.key(VERSION_KEY))


def count_round_trips(monkeypatch, watch):
    """The commands sent from now on, on the watch's connection and through the cache."""
    sent = []
    real_send = watch.connection.send_command

    def send(*args, **kwargs):
        sent.append(args[0])
        return real_send(*args, **kwargs)

    monkeypatch.setattr(watch.connection, "send_command", send)
    backend = caches["default"]
    real_get_many = backend.get_many

    def get_many(keys, *args, **kwargs):
        sent.append("get_many")
        return real_get_many(keys, *args, **kwargs)

    monkeypatch.setattr(backend, "get_many", get_many)
    return sent


def test_the_version_is_read_once_and_then_known_without_a_round_trip(shared, monkeypatch):
    version, watch = known_version(shared)
    assert watch is not None and watch.connection is not None
    sent = count_round_trips(monkeypatch, watch)
    assert [content_version() for _ in range(50)] == [version] * 50
    assert sent == []


def test_a_change_made_by_another_process_is_seen_by_the_next_request(shared):
    before, _watch = known_version(shared)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fcs_site.settings",
        "CACHE_URL": REDIS_URL,
        "DJANGO_CACHE_PREFIX": shared.prefix,
    }
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from fcs_site.cache import bump_content_version\n"
            "bump_content_version()",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        check=True,
        timeout=60,
    )
    # No pause: Redis told this process's connection before it answered the other one.
    after = content_version()
    assert after not in (None, before)
    assert after == int(shared.other.get(shared.key(VERSION_KEY)))


def test_a_cached_page_is_not_served_after_another_machine_changed_content(shared, settings):
    ArticleFactory(title_en="Already on the site")
    visitor = Client()
    assert visitor.get("/en/news/")[STATUS] == "miss"
    assert visitor.get("/en/news/")[STATUS] == "hit"
    # The article is saved "on another machine": this process's own bump is not called.
    settings.FCS_CONTENT_CHANGED = "tests.site.test_version_watch.no_bump"
    ArticleFactory(title_en="Published on another machine")
    assert visitor.get("/en/news/")[STATUS] == "hit"  # nothing told this process yet
    elsewhere_bump(shared)
    fresh = visitor.get("/en/news/")
    assert fresh[STATUS] == "miss"
    assert "Published on another machine" in fresh.content.decode()


def no_bump():
    """FCS_CONTENT_CHANGED for a save whose bump happens elsewhere."""


def test_messages_are_read_off_and_the_connection_kept(shared):
    first, watch = known_version(shared)
    connection = watch.connection
    for _ in range(3):  # three changes elsewhere before the next request
        elsewhere_bump(shared)
    assert content_version() == first + 3
    assert watch.connection is connection  # no new connection for a change
    elsewhere_bump(shared)
    assert content_version() == first + 4
    bump_content_version()  # a change made here: known at once, on the same connection
    assert content_version() == first + 5
    assert watch.connection is connection


def test_a_message_arriving_before_the_answer_is_not_taken_for_it(shared, monkeypatch):
    first, watch = known_version(shared)
    # The change lands between the look at the connection and the read: Redis sends its
    # message, then the answer.
    monkeypatch.setattr(watch, "_drain", lambda: None)
    elsewhere_bump(shared)
    assert content_version() == first + 1
    elsewhere_bump(shared)
    assert content_version() == first + 2


def test_a_passing_error_does_not_turn_tracking_off(shared, monkeypatch):
    from redis.exceptions import ResponseError

    first, watch = known_version(shared)
    elsewhere_bump(shared)
    real_read = watch.connection.read_response
    busy = [True]

    def read_response(*args, **kwargs):
        if busy and not kwargs.get("push_request"):
            busy.clear()
            raise ResponseError("BUSY Redis is busy running a script.")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(watch.connection, "read_response", read_response)
    assert content_version() == first + 1  # read from the shared cache meanwhile
    assert not watch.disabled
    watch.failed_at -= VersionWatch.RETRY_SECONDS
    assert content_version() == first + 1
    assert watch.values is not None and watch.values[0] == first + 1


def test_a_user_not_allowed_to_track_gets_the_shared_read(settings):
    other = require_redis()
    user, password = f"fcs-test-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
    other.execute_command("ACL", "SETUSER", user, "on", f">{password}", "~*", "+@all", "-client")
    try:
        url = REDIS_URL.replace("redis://", f"redis://{user}:{password}@")
        settings.CACHES = redis_caches(url)
        bump_content_version()
        version = content_version()
        assert version == caches["default"].get(VERSION_KEY)
        watch = watch_for(caches["default"], (VERSION_KEY, NEXT_CHANGE_KEY))
        assert watch.disabled and watch.connection is None
        other.incr(caches["default"].make_key(VERSION_KEY))
        assert content_version() == version + 1
        # The refused connection was closed, not left open: only the cache's own remain.
        users = [c["user"] for c in other.client_list() if c.get("user") == user]
        assert len(users) == 1
    finally:
        other.execute_command("ACL", "DELUSER", user)


def test_a_killed_connection_or_a_flushed_cache_never_leaves_an_old_version(shared):
    first, watch = known_version(shared)
    watch.connection.send_command("CLIENT", "ID")
    client_id = watch.connection.read_response()
    shared.other.execute_command("CLIENT", "KILL", "ID", client_id)
    elsewhere_bump(shared)  # the message about it cannot reach a killed connection
    second = content_version()
    assert second not in (None, first)
    assert second == int(shared.other.get(shared.key(VERSION_KEY)))

    shared.other.flushdb()  # an operator empties the cache: the version starts again
    third = content_version()
    assert third not in (None, first, second)


def test_a_silent_connection_is_not_trusted_longer_than_the_recheck(shared, monkeypatch):
    first, watch = known_version(shared)
    # A connection dropped without a word: nothing ever arrives on it.
    monkeypatch.setattr(watch.connection, "can_read", lambda timeout=0: False)
    clock = [time.monotonic()]
    monkeypatch.setattr("fcs_site.version_watch.time", SimpleNamespace(monotonic=lambda: clock[0]))
    watch.read_at = clock[0]
    elsewhere_bump(shared)
    assert content_version() == first  # within the recheck: the last value
    clock[0] += VersionWatch.RECHECK_SECONDS
    assert content_version() not in (None, first)


def test_a_scheduled_change_is_made_when_due_without_any_write(shared):
    first, _watch = known_version(shared)
    due = time.time() + 600
    shared.other.set(shared.key(NEXT_CHANGE_KEY), caches["default"].client.encode(due))
    assert content_version() == first  # told of the new next-change time: read again
    with time_machine.travel(due + 1, tick=False):
        assert content_version() not in (None, first)


def test_a_scheduled_article_appears_at_its_time(shared):
    when = timezone.now() + timedelta(hours=2)
    ArticleFactory(published_at=when, title_en="Embargoed announcement")
    visitor = Client()
    assert visitor.get("/en/news/")[STATUS] == "miss"
    assert visitor.get("/en/news/")[STATUS] == "hit"
    with time_machine.travel(when + timedelta(seconds=1), tick=False):
        listing = visitor.get("/en/news/")
        assert listing[STATUS] == "miss"
        assert "Embargoed announcement" in listing.content.decode()


def test_an_unreachable_server_is_tried_again_only_after_a_pause(settings, monkeypatch):
    settings.CACHES = redis_caches("redis://127.0.0.1:1/0")
    watch = watch_for(caches["default"], (VERSION_KEY, NEXT_CHANGE_KEY))
    attempts = []
    real_connect = watch._connect

    def connect():
        attempts.append(1)
        return real_connect()

    monkeypatch.setattr(watch, "_connect", connect)
    started = time.monotonic()
    assert [content_version() for _ in range(20)] == [None] * 20
    assert time.monotonic() - started < 2
    assert len(attempts) == 1
    watch.failed_at -= VersionWatch.RETRY_SECONDS
    content_version()
    assert len(attempts) == 2


def test_a_server_refusing_tracking_leaves_the_shared_read(shared, monkeypatch):
    from redis.exceptions import ResponseError

    watch = shared.watch()

    def refuse():
        raise ResponseError("unknown command 'CLIENT'")

    monkeypatch.setattr(watch, "_connect", refuse)
    bump_content_version()
    version = content_version()
    assert version == int(shared.other.get(shared.key(VERSION_KEY)))
    assert watch.disabled
    elsewhere_bump(shared)
    assert content_version() == version + 1


def _version_in_child(queue):
    version = content_version()
    watch = watch_for(caches["default"], (VERSION_KEY, NEXT_CHANGE_KEY))
    queue.put((version, watch.connection._sock.getsockname()))


def test_a_forked_worker_opens_a_connection_of_its_own(shared):
    version, watch = known_version(shared)
    parent_connection = watch.connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_version_in_child, args=(queue,))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    child_version, child_address = queue.get(timeout=5)
    assert child_version == version
    # Two processes on one socket would read each other's answers.
    assert child_address != parent_connection._sock.getsockname()
    # The parent's connection was neither read nor closed by the child: it still hears.
    assert watch.connection is parent_connection
    elsewhere_bump(shared)
    assert content_version() == version + 1


def test_only_redis_caches_have_a_watch_and_it_can_be_turned_off(settings):
    assert watch_for(caches["default"], (VERSION_KEY,)) is None  # local memory
    settings.CACHES = redis_caches()
    assert watch_for(caches["default"], (VERSION_KEY,)) is not None
    settings.FCS_CONTENT_VERSION_TRACKING = False
    settings.CACHES = redis_caches()
    assert watch_for(caches["default"], (VERSION_KEY,)) is None
