"""A Redis for the tests that need the shared cache: skipped without one, except in CI."""

import os
import uuid

import pytest

# A database of its own: the tests that use it may flush it (`cache.clear()`).
REDIS_URL = os.environ.get("FCS_TEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/12")


def require_redis(url: str = REDIS_URL):
    """A plain client of the Redis at `url` (another machine's view of it)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Redis at {url}: {error}")
        pytest.skip(f"no Redis at {url}: {error}")
    return client


def delete_keys(client, prefix: str) -> None:
    """Remove what a test wrote under its key prefix (the database stays as others left it)."""
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def redis_caches(url: str = REDIS_URL, prefix: str | None = None) -> dict:
    """CACHES as the settings make them for CACHE_URL=`url`, in a key space of its own."""
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix or f"fcs-test-{uuid.uuid4().hex}",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.25,
                "SOCKET_TIMEOUT": 0.25,
            },
        }
    }


@pytest.fixture
def redis_page_cache(settings):
    """The default cache on Redis, as in production, in a key space of its own."""
    other = require_redis()
    settings.CACHES = redis_caches()
    yield
    delete_keys(other, settings.CACHES["default"]["KEY_PREFIX"])
