"""Tag versions: what a cached page shows, and which edits make it stale.

A tag names a row (`news.article:42`) or a list (`list:articles:rubric:3`). Each tag has
a version in the shared cache (Redis in production, so every process agrees): the value
of one site-wide counter, the *tick*, at the moment of the tag's last change. A cached
page is stored with the versions of its tags and served only while they are unchanged.

The tick also closes the read-bump-store race: a request notes the tick before it reads
anything, and a page whose tags changed after that moment is not stored, since it may
have been made from rows read before the change.
"""

import time

from django.core.cache import cache

TICK_KEY = "caching:tick"
# A tag whose version is missing (never changed, or evicted) counts as this one.
UNCHANGED = 0


def version_key(tag: str) -> str:
    return f"caching:tag:{tag}"


def bump(tags) -> int | None:
    """Give each of `tags` a new version (the next tick). None when the cache is down."""
    tags = set(tags)
    if not tags:
        return None
    try:
        tick = cache.incr(TICK_KEY)
    except ValueError:
        # First use, or the key was evicted: start from the clock, so that a version still
        # stored with some page is never given again.
        cache.add(TICK_KEY, time.time_ns() // 1000, timeout=None)
        try:
            tick = cache.incr(TICK_KEY)
        except ValueError:  # a cache that keeps nothing
            return None
    if tick is None:  # django-redis with the server down
        return None
    cache.set_many({version_key(tag): tick for tag in tags}, timeout=None)
    return tick


def versions(tags) -> dict[str, int]:
    """The current version of each of `tags` ({tag: version}; UNCHANGED when unknown)."""
    keys = {version_key(tag): tag for tag in tags}
    found = cache.get_many(list(keys))
    return {tag: found.get(key, UNCHANGED) for key, tag in keys.items()}


def current_tick() -> int:
    """The tick now, started from the clock when the cache has none."""
    tick = cache.get(TICK_KEY)
    if tick is None:
        cache.add(TICK_KEY, time.time_ns() // 1000, timeout=None)
        tick = cache.get(TICK_KEY, UNCHANGED)
    return tick


def versions_to_store(tags, started: int) -> dict[str, int]:
    """The versions to store a page with: a tag without one is given `started` (the tick
    when the request began), so that losing a version later (an eviction, a flush) reads as
    a change, never as the version a page was stored with."""
    found = versions(tags)
    missing = [tag for tag, version in found.items() if version == UNCHANGED]
    for tag in missing:
        cache.add(version_key(tag), started, timeout=None)
    if missing:
        found.update(versions(missing))
    return found
