"""The page cache for anonymous visitors, and the content version that keeps it fresh.

Every cached page is stored with the *content version* it shows, one number kept in the
shared cache and read in the same round trip as the page; with Redis, each process also
knows it between changes without asking (`fcs_site.version_watch`). Saving, publishing,
withdrawing or deleting anything the public sees calls `bump_content_version()`, so
every page rendered before is never served again: no page waits for a timeout to show a
change, on any machine. An article
scheduled for later becomes visible without a save; the time of the next such change
is kept beside the version, and the first request after it bumps the version.

`PageCacheMiddleware` serves and stores whole responses. It never stores a response
that sets a cookie, used the CSRF token or a CSP nonce, or is private; it never serves
or stores anything for a request that carries a session (staff see fresh pages).
"""

import functools
import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qsl, unquote_plus, urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string
from django.utils.translation import get_language_from_path, get_language_from_request
from django.views.decorators.cache import cache_page

from committees.content import VersionMemo
from news.models import Article

from .version_watch import watch_for

VERSION_KEY = "content-version"
NEXT_CHANGE_KEY = "content-version:next-change"
NOTHING_SCHEDULED = 0.0
STATUS_HEADER = "X-Page-Cache"
# With FCS_BENCH_ENDPOINTS on, `make bench` sends this header to measure uncached pages.
BENCH_BYPASS_HEADER = "HTTP_X_BENCH_PAGE_CACHE"
# A response may vary on these and still be shared: the key covers them.
SHAREABLE_VARY = {"cookie", "accept-language"}


def next_article_publication() -> datetime | None:
    return (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


# Each returns the next moment content becomes public by itself (or None). Apps with
# content that appears on a date of its own add their function here.
SCHEDULED_CONTENT: list[Callable[[], datetime | None]] = [next_article_publication]


def _next_change() -> float:
    try:
        moments = [moment for source in SCHEDULED_CONTENT if (moment := source()) is not None]
    except DatabaseError:
        # The database is down: cached pages keep being served; look again in a minute.
        return time.time() + 60
    return min(moments).timestamp() if moments else NOTHING_SCHEDULED


def _watch():
    """This process's watch of the version (`fcs_site.version_watch`), or None."""
    return watch_for(caches["default"], (VERSION_KEY, NEXT_CHANGE_KEY))


def bump_content_version() -> None:
    """Make every cached page and list count stale, on every machine sharing the cache."""
    watch = _watch()
    if watch is not None:
        watch.stale()  # this process knows at once; the others hear from Redis
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        # First use, or the key was evicted: start from the clock, so a version number
        # that is still part of some cached key is never reused.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    cache.set(NEXT_CHANGE_KEY, _next_change(), timeout=None)


def content_version(also: str | None = None):
    """The current content version (None when the cache cannot be reached).

    With `also`, the value cached under that key too, read in the same round trip:
    `(version, value)`.
    """
    if also is None:
        watch = _watch()
        known = watch.read() if watch is not None else None
        if known is not None:
            version, next_change = known
            if next_change == NOTHING_SCHEDULED or next_change > time.time():
                return version
            # A scheduled article has come due: the shared cache's path below bumps it.
    keys = [VERSION_KEY, NEXT_CHANGE_KEY] + ([also] if also else [])
    found = cache.get_many(keys)
    version = found.get(VERSION_KEY)
    next_change = found.get(NEXT_CHANGE_KEY)
    if version is not None and next_change is not None:
        if next_change == NOTHING_SCHEDULED or next_change > time.time():
            return (version, found.get(also)) if also else version
        bump_content_version()  # a scheduled article has just come due
    elif version is None:
        bump_content_version()
    else:
        cache.set(NEXT_CHANGE_KEY, _next_change(), timeout=None)
    version = cache.get(VERSION_KEY)
    return (version, None) if also else version


def versioned_cache_page(timeout: int):
    """`cache_page` whose copies go stale with the content version as well as with time.

    For feeds and sitemaps, which readers and crawlers ask for often, and which are worth
    keeping even where the page cache is bypassed: a change shows in them at once.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            version = getattr(request, "content_version", None)
            if version is None:
                version = content_version()
            if version is None:
                return view(request, *args, **kwargs)
            cached = cache_page(timeout, key_prefix=f"content-{version}")(view)
            return cached(request, *args, **kwargs)

        return wrapped

    return decorator


def request_variant(request) -> str:
    """The part of the key for what, besides URL and language, changes a page.

    That is the accessibility profile: normalised when the accessibility middleware has
    already read it (it must then come before this one), else the raw cookie.
    """
    profile = getattr(request, "accessibility", None)
    if profile is not None and hasattr(profile, "cache_key_part"):
        return profile.cache_key_part()
    raw = request.COOKIES.get(getattr(settings, "FCS_A11Y_COOKIE_NAME", "a11y"), "")
    return "a11y-raw=" + hashlib.sha256(raw.encode()).hexdigest()[:16] if raw else "a11y="


def is_tracking(name: str, tracking: tuple[str, ...]) -> bool:
    return any(
        name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern
        for pattern in tracking
    )


def drop_tracking_parameters(request) -> None:
    """Remove the analytics parameters (`FCS_TRACKING_PARAMETERS`) from the request's query
    string before anything reads it: the page made is the same as without them, so one
    cached copy serves every link that carries them."""
    query = request.META.get("QUERY_STRING", "")
    tracking = tuple(settings.FCS_TRACKING_PARAMETERS)
    if not query or not tracking:
        return
    kept = [
        part
        for part in query.split("&")
        if not is_tracking(unquote_plus(part.partition("=")[0]), tracking)
    ]
    if len(kept) != query.count("&") + 1:
        request.META["QUERY_STRING"] = "&".join(kept)
        request.__dict__.pop("GET", None)


def normalised_query(query_string: str) -> str:
    pairs = parse_qsl(query_string, keep_blank_values=True)
    # Sorted by name only: the order of repeated values can matter to a view.
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


@functools.lru_cache(maxsize=8)
def _variant_function(path: str) -> Callable:
    return import_string(path)


def page_cache_key(request, host: str | None = None) -> str:
    """The key of a page; the value stored under it says which content version it shows."""
    language = get_language_from_path(request.path_info) or get_language_from_request(request)
    variant = _variant_function(settings.FCS_PAGE_CACHE_VARIANT)(request)
    address = (
        f"{request.scheme}://{host or request.get_host()}{request.path}"
        f"?{normalised_query(request.META.get('QUERY_STRING', ''))}"
    )
    # "v3": entries hold the headers as Django keeps them, and when they expire; another
    # release never reads them.
    return "page:v3:" + hashlib.sha256(f"{address}|{language}|{variant}".encode()).hexdigest()


def _unprefixed(path: str) -> str:
    """The path without its language prefix: /ru/news/preview/ → /news/preview/."""
    head, _slash, rest = path.lstrip("/").partition("/")
    return f"/{rest}" if head in dict(settings.LANGUAGES) else path


def is_excluded(path: str) -> bool:
    """Whether the page cache leaves `path` alone entirely (the admin, previews, static
    files and media, which WhiteNoise and the media server answer)."""
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return True
    stripped = _unprefixed(path)
    return any(
        path.startswith(prefix) or stripped.startswith(prefix)
        for prefix in settings.FCS_PAGE_CACHE_EXCLUDED_PREFIXES
    )


def _valid_host(request) -> str | None:
    """The request's host; None for a host not in ALLOWED_HOSTS, left to the middleware
    below, which answers it (400) with the site's security headers."""
    try:
        return request.get_host()
    except DisallowedHost:
        return None


def may_use_cache(request, excluded: bool | None = None) -> bool:
    """Whether this request may be answered from, and its answer stored in, the cache."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES or any(
        name in request.COOKIES for name in settings.FCS_PAGE_CACHE_BYPASS_COOKIES
    ):
        return False
    return not (is_excluded(request.path_info) if excluded is None else excluded)


def is_shareable(request, response) -> bool:
    """Whether `response` is the same for every anonymous visitor with this key."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False
    if isinstance(getattr(request, "_csp_nonce", None), str):
        return False
    cache_control = {
        part.split("=", 1)[0].strip().lower()
        for part in cc_delim_re.split(response.get("Cache-Control", ""))
        if part.strip()
    }
    if cache_control & {"private", "no-store", "no-cache"}:
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    if not vary <= SHAREABLE_VARY or response.has_header("Content-Encoding"):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _freeze(version: int, response) -> tuple:
    # The headers as Django keeps them ({lower-case name: (name, value)}), already checked
    # when the page was made: a hit puts them back without checking each again.
    headers = {
        lower: (name, value)
        for lower, (name, value) in response.headers._store.items()
        if lower not in {"set-cookie", STATUS_HEADER.lower()}
    }
    expires = time.time() + settings.FCS_PAGE_CACHE_SECONDS
    return (version, response.status_code, response.content, headers, expires)


def _thaw(frozen) -> HttpResponse:
    _version, status, content, headers, _expires = frozen
    response = HttpResponse(content, status=status)
    response.headers._store = dict(headers)
    response[STATUS_HEADER] = "hit"
    return response


# Each worker also holds the pages it serves most, for the content version and no longer
# than the shared copy lives (a page can change with the date alone): a hit then reads
# only the version from the shared cache, not the page (tens of kilobytes).
HOT_PAGES = VersionMemo(size=256)
HOT_PAGE_BYTES = 128 * 1024


def hold(key: str, frozen: tuple) -> None:
    if len(frozen[2]) <= HOT_PAGE_BYTES:
        HOT_PAGES.set_many(frozen[0], {key: frozen})


def held(key: str):
    """The page this worker holds under `key` if it has not expired (whatever its version)."""
    entry = HOT_PAGES.kept(key)
    return entry[1] if entry is not None and entry[1][4] > time.time() else None


class PageCacheMiddleware:
    """Serves anonymous GET and HEAD requests from the shared cache, and from the pages
    this worker holds (`HOT_PAGES`: only while the content version and the shared copy's
    lifetime last).

    Place it first (after only the middleware that sets `request.accessibility`): a hit
    then skips everything else, and is stored with the headers the rest gave it. It sets
    `request.content_version` for views that cache data of their own (list counts).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or is_excluded(request.path_info):
            return self.get_response(request)
        drop_tracking_parameters(request)
        host = _valid_host(request)
        if host is None:
            return self.get_response(request)
        usable = may_use_cache(request, excluded=False)
        key = None
        if (
            usable
            and settings.FCS_PAGE_CACHE_SECONDS > 0
            and not (settings.FCS_BENCH_ENDPOINTS and request.META.get(BENCH_BYPASS_HEADER))
        ):
            key = page_cache_key(request, host)
            frozen = held(key)
            if frozen is not None:
                # This worker holds the page: the version alone says whether it is current.
                version = content_version()
                if version is not None and frozen[0] == version:
                    return _thaw(frozen)
            # One round trip: the version, and the page if this URL was cached.
            version, frozen = content_version(also=key)
            if frozen is not None and version is not None and frozen[0] == version:
                hold(key, frozen)
                return _thaw(frozen)
        else:
            version = content_version()
        request.content_version = version
        response = self.get_response(request)
        if usable and is_shareable(request, response):
            patch_cache_control(response, public=True, max_age=settings.FCS_PAGE_CACHE_MAX_AGE)
            patch_vary_headers(response, ("Cookie",))
            if key is not None and version is not None and request.method == "GET":
                frozen = _freeze(version, response)
                cache.set(key, frozen, settings.FCS_PAGE_CACHE_SECONDS)
                hold(key, frozen)
                response[STATUS_HEADER] = "miss"
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
