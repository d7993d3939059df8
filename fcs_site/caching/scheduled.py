"""Articles scheduled for later appear at their time, with no cron job.

The moment of the next scheduled publication is kept in the shared cache, written when an
article is saved or deleted (or, when the cache has lost it, by the next request). The page
cache middleware reads it with every page it looks up; the first request after that moment
bumps the tags of the articles that have come due (their rows and their lists), once,
whichever process gets there first.
"""

import logging
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

logger = logging.getLogger(__name__)

NEXT_KEY = "caching:next-due"
# Up to when the articles that came due have had their tags bumped.
DONE_KEY = "caching:due-done"
LOCK_KEY = "caching:due-lock"
NOTHING_SCHEDULED = 0.0


def _articles():
    return apps.get_model("news", "Article").objects


def next_due() -> float:
    """The next scheduled publication (a POSIX time), NOTHING_SCHEDULED when none."""
    try:
        moment = (
            _articles()
            .scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )
    except DatabaseError:
        # The database is down: cached pages keep being served; look again in a minute.
        return time.time() + 60
    return moment.timestamp() if moment else NOTHING_SCHEDULED


def note_next() -> None:
    """After an article is saved or deleted: the next moment, so that requests need not ask."""
    cache.set(NEXT_KEY, next_due(), timeout=None)
    cache.add(DONE_KEY, time.time(), timeout=None)


def seconds_until_due(found: float | None) -> float | None:
    """Seconds until the next scheduled publication (None: none is known)."""
    if not found:
        return None
    return max(0.0, found - time.time())


def check(found: float | None) -> bool:
    """`found`: the value under NEXT_KEY read with the page. Bumps what has come due; True
    when versions may have moved since `found` was read."""
    if found is None:
        cache.set(NEXT_KEY, next_due(), timeout=None)
        if cache.get(DONE_KEY) is None:
            cache.add(DONE_KEY, time.time(), timeout=None)
        return False
    if found == NOTHING_SCHEDULED or found > time.time():
        return False
    if cache.add(LOCK_KEY, 1, timeout=30):
        try:
            release_due()
        except DatabaseError:
            # The database is down: cached pages keep being served; the next request tries.
            logger.warning("Could not release the articles that came due", exc_info=True)
        finally:
            cache.delete(LOCK_KEY)
    # Released here or by another process at this moment: read the versions again.
    return True


def release_due() -> None:
    from .invalidation import article_lists, article_state, changed, row_tag

    now = timezone.now()
    done = cache.get(DONE_KEY)
    articles = _articles().published(now)
    if done is not None:
        articles = articles.filter(
            published_at__gt=timezone.datetime.fromtimestamp(
                done - 1, tz=timezone.get_current_timezone()
            )
        )
    else:
        # No cached page or proxy copy is older than this: what came due before is in them.
        oldest = max(settings.FCS_PAGE_CACHE_SECONDS, settings.FCS_PROXY_CACHE_SECONDS)
        articles = articles.filter(published_at__gt=now - timezone.timedelta(seconds=oldest))
    for article in articles:
        changed({row_tag(article)} | article_lists(article, article_state(article)))
    cache.set(DONE_KEY, now.timestamp(), timeout=None)
    cache.set(NEXT_KEY, next_due(), timeout=None)
