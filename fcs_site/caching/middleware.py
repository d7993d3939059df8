"""The page cache for anonymous visitors, kept fresh by tags.

A page is stored in the shared cache with the versions of the tags of what it shows
(`recording`); a request is answered from the cache only while all those versions are
unchanged. Responses carry their tags in `FCS_SURROGATE_KEY_HEADER`, so a proxy in front
(Varnish with xkey, see deploy/varnish/) can keep them too and purge them by tag.

Never served from or stored in the cache: requests with the session cookie (staff) or a
bypass cookie, anything but GET and HEAD, excluded paths; responses that are not a plain
200, set a cookie, used the CSRF token or a CSP nonce, are private, or vary on more than
the key covers.
"""

import hashlib
from collections import OrderedDict
from urllib.parse import parse_qsl, unquote_plus, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import cc_delim_re, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path, get_language_from_request

from . import invalidation, purge, recording, scheduled, tags

STATUS_HEADER = "X-Page-Cache"
# With FCS_BENCH_ENDPOINTS on, `make bench` sends this header to measure uncached pages.
BENCH_BYPASS_HEADER = "HTTP_X_BENCH_PAGE_CACHE"
# A response may vary on these and still be shared: the key covers them.
SHAREABLE_VARY = {"cookie", "accept-language"}


def request_variant(request) -> str:
    """What besides the URL and language changes a page: the accessibility profile,
    normalised when the accessibility middleware has read it (it comes first)."""
    profile = getattr(request, "accessibility", None)
    if profile is not None and hasattr(profile, "cache_key_part"):
        return profile.cache_key_part()
    raw = request.COOKIES.get(settings.FCS_A11Y_COOKIE_NAME, "")
    return "a11y-raw=" + hashlib.sha256(raw.encode()).hexdigest()[:16] if raw else "a11y="


def is_tracking(name: str, tracking: tuple[str, ...]) -> bool:
    return any(
        name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern
        for pattern in tracking
    )


def drop_tracking_parameters(request) -> None:
    """Remove the analytics parameters (`FCS_TRACKING_PARAMETERS`) from the query string
    before anything reads it: one cached copy serves every link that carries them."""
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


def page_cache_key(request, host: str | None = None) -> str:
    language = get_language_from_path(request.path_info) or get_language_from_request(request)
    address = (
        f"{request.scheme}://{host or request.get_host()}{request.path}"
        f"?{normalised_query(request.META.get('QUERY_STRING', ''))}"
    )
    variant = request_variant(request)
    return "page:v4:" + hashlib.sha256(f"{address}|{language}|{variant}".encode()).hexdigest()


def _unprefixed(path: str) -> str:
    """The path without its language prefix: /ru/news/preview/ → /news/preview/."""
    head, _slash, rest = path.lstrip("/").partition("/")
    return f"/{rest}" if head in dict(settings.LANGUAGES) else path


def is_excluded(path: str) -> bool:
    """Whether the page cache leaves `path` alone (the admin, static files, media...)."""
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return True
    stripped = _unprefixed(path)
    return any(
        path.startswith(prefix) or stripped.startswith(prefix)
        for prefix in settings.FCS_PAGE_CACHE_EXCLUDED_PREFIXES
    )


def may_use_cache(request) -> bool:
    """Whether this request may be answered from, and its answer stored in, the cache."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not any(name in request.COOKIES for name in settings.FCS_PAGE_CACHE_BYPASS_COOKIES)


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


def page_tags(request, shown: set[str]) -> set[str]:
    """The tags of a page: the rows and lists it showed, the registry's list on registry
    pages, and the site's own tag."""
    found = set(shown) | {invalidation.SITE}
    match = getattr(request, "resolver_match", None)
    if match is not None and "committees" in match.namespaces:
        found.add(invalidation.COMMITTEES)
    return recording.coarse(found)


def _freeze(versions: dict, response) -> tuple:
    # The headers as Django keeps them ({lower-case name: (name, value)}).
    headers = {
        lower: (name, value)
        for lower, (name, value) in response.headers._store.items()
        if lower not in {"set-cookie", STATUS_HEADER.lower()}
    }
    return (versions, response.status_code, response.content, headers)


def _thaw(frozen) -> HttpResponse:
    _versions, status, content, headers = frozen
    response = HttpResponse(content, status=status)
    response.headers._store = dict(headers)
    response[STATUS_HEADER] = "hit"
    return response


def _current(frozen, found: dict) -> bool:
    """Whether every tag of the page still has the version it was stored with; `found`
    holds the versions already read with the page, when its tags were known."""
    stored = frozen[0]
    keys = {tag: tags.version_key(tag) for tag in stored}
    if not all(key in found for key in keys.values()):
        return tags.versions(stored) == stored
    return all(found[keys[tag]] == version for tag, version in stored.items())


# The tags of the pages this worker served last (tag names only, a few hundred bytes a
# page): a hit then reads the page and its tags' versions in one round trip, not two.
PAGE_TAGS_KEPT = 4096
_page_tags: OrderedDict[str, tuple[str, ...]] = OrderedDict()


def _known_tags(key: str) -> tuple[str, ...]:
    return _page_tags.get(key, ())


def _note_tags(key: str, page: dict) -> None:
    _page_tags[key] = tuple(tags.version_key(tag) for tag in page)
    _page_tags.move_to_end(key)
    while len(_page_tags) > PAGE_TAGS_KEPT:
        _page_tags.popitem(last=False)


def _proxy_seconds(next_due: float | None) -> int:
    """How long a proxy may keep a page: until purged, or until an article falls due."""
    seconds = settings.FCS_PROXY_CACHE_SECONDS
    until = scheduled.seconds_until_due(next_due)
    return int(min(seconds, until)) if until is not None else seconds


class PageCacheMiddleware:
    """Place it first, after only the middleware that sets `request.accessibility`: a hit
    then skips everything else, with the headers the rest gave the page when it was made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or is_excluded(request.path_info):
            return self.get_response(request)
        drop_tracking_parameters(request)
        try:
            host = request.get_host()
        except DisallowedHost:
            # Left to the middleware below, which answers 400 with the security headers.
            return self.get_response(request)
        if not may_use_cache(request):
            return self._private(self.get_response(request))
        key = None
        lookup = [tags.TICK_KEY, scheduled.NEXT_KEY]
        if settings.FCS_PAGE_CACHE_SECONDS > 0 and not (
            settings.FCS_BENCH_ENDPOINTS and request.META.get(BENCH_BYPASS_HEADER)
        ):
            key = page_cache_key(request, host)
            lookup += [key, *_known_tags(key)]
        found = cache.get_many(lookup)
        next_due = found.get(scheduled.NEXT_KEY)
        if scheduled.check(next_due):
            found = {key: found.get(key)}  # the versions read with the page may be old
        frozen = found.get(key) if key else None
        if frozen is not None and _current(frozen, found):
            _note_tags(key, frozen[0])
            return _thaw(frozen)
        purge.retry_due()  # purges a proxy missed, when their next try is due
        started = found.get(tags.TICK_KEY) or tags.current_tick()
        with recording.recording(started) as shown:
            response = self.get_response(request)
        if not is_shareable(request, response):
            return self._private(response)
        page = page_tags(request, shown)
        patch_cache_control(response, public=True, max_age=settings.FCS_PAGE_CACHE_MAX_AGE)
        patch_vary_headers(response, ("Cookie",))
        response[settings.FCS_SURROGATE_KEY_HEADER] = " ".join(sorted(page))
        response["Surrogate-Control"] = f"max-age={_proxy_seconds(next_due)}"
        if key is not None and request.method == "GET":
            versions = tags.versions_to_store(page, started)
            # A tag changed after this request began: the page may show rows read before
            # the change, so it is not kept (the read-bump-store race).
            if tags.UNCHANGED not in versions.values() and max(versions.values()) <= started:
                cache.set(key, _freeze(versions, response), settings.FCS_PAGE_CACHE_SECONDS)
                _note_tags(key, versions)
                response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def _private(response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
