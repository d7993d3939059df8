"""Purges for a caching proxy in front (`FCS_CACHE_PURGE_BACKEND`: "none" or "varnish").

After a change commits, the bumped tags are sent to each Varnish in
`FCS_VARNISH_PURGE_URLS` as one `PURGE` request with an `xkey-purge` header (varnish-modules'
xkey, see deploy/varnish/default.vcl). A Varnish that cannot be reached never fails the
editor's save: the tags are logged, kept in the shared cache, and sent again with the next
purge, or by `manage.py cache_purge --retry` (and the next request after RETRY_SECONDS).
"""

import logging
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

PENDING_KEY = "caching:purge-pending"
RETRY_AT_KEY = "caching:purge-retry-at"
# Waits between tries while a proxy stays unreachable: 1 s, 2 s, 4 s ... up to a minute.
MAX_BACKOFF = 60
TIMEOUT = 2.0


def enabled() -> bool:
    return settings.FCS_CACHE_PURGE_BACKEND == "varnish" and bool(settings.FCS_VARNISH_PURGE_URLS)


def send(tags) -> bool:
    """Purge `tags` (and any left over from a failed try). True when every proxy took it."""
    if not enabled():
        return True
    waiting = set(cache.get(PENDING_KEY) or ()) | set(tags)
    if not waiting:
        return True
    failed = False
    for url in settings.FCS_VARNISH_PURGE_URLS:
        try:
            _purge(url, waiting)
        except (OSError, urllib.error.URLError) as error:
            failed = True
            logger.warning(
                "Purge of %d tags at %s failed (%s); kept to retry", len(waiting), url, error
            )
    if failed:
        cache.set(PENDING_KEY, sorted(waiting), timeout=None)
        tries = (cache.get(RETRY_AT_KEY) or (0, 0))[1] + 1
        cache.set(RETRY_AT_KEY, (time.time() + min(MAX_BACKOFF, 2 ** (tries - 1)), tries), None)
    else:
        cache.delete_many([PENDING_KEY, RETRY_AT_KEY])
    return not failed


def retry_due() -> None:
    """Send the purges left over, when their next try is due (called by the page cache)."""
    if not enabled():
        return
    due = cache.get(RETRY_AT_KEY)
    if due is not None and due[0] <= time.time():
        send(())


def _purge(url: str, tags) -> None:
    # xkey reads a list of keys separated by spaces; header lines stay short.
    tags = sorted(tags)
    for start in range(0, len(tags), 100):
        request = urllib.request.Request(
            url, method="PURGE", headers={"xkey-purge": " ".join(tags[start : start + 100])}
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            if answer.status >= 400:
                raise OSError(f"HTTP {answer.status}")
