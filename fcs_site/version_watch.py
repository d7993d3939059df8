"""The content version, known in each process between changes (Redis client-side tracking).

Every public request needs the content version (`fcs_site.cache`). Read from Redis each
time, it costs a round trip: on the bench, the article page made without the page cache
spent about a sixth of its time on it, and a cached page most of its own.

So each process reads the version on a connection of its own that has ``CLIENT TRACKING``
on (RESP3, Redis 6 or later). Redis then writes a message on that connection as soon as a
key it read there is written, evicted or flushed: by any process, on any machine. A request
only asks the kernel whether anything has arrived (`poll`, no round trip). Anything at all,
a message or a closed connection, means: read again, on a new connection.

Redis queues the message to this connection before it answers the write that caused it, so
a page asked for after a publication was confirmed is fresh. A connection cut without a
word from either side would deliver nothing: a value is not used longer than
`RECHECK_SECONDS` after it was read. After a failure the caller reads the shared cache, as
without the watch, and the watch tries again after `RETRY_SECONDS`; a server that refuses
tracking turns it off for the process.

Only django-redis caches have a watch; a local-memory cache answers in process anyway.
"""

import contextlib
import logging
import os
import time

from redis.exceptions import ResponseError

logger = logging.getLogger(__name__)


class VersionWatch:
    """The values of some keys of a django-redis cache, kept by this process between changes."""

    # Longest use of a value without a read, should the connection die in silence.
    RECHECK_SECONDS = 1.0
    # After a failure, the shared cache is read for this long before the watch tries again.
    RETRY_SECONDS = 1.0

    def __init__(self, backend, keys):
        self.backend = backend
        self.keys = [backend.make_key(key) for key in keys]
        self.connection = None
        self.pid = os.getpid()
        self.values = None
        self.read_at = 0.0
        self.failed_at = None
        self.disabled = False

    def forget(self) -> None:
        """Drop the values and the connection: the next `read()` starts afresh."""
        self.values = None
        connection, self.connection = self.connection, None
        if connection is not None and self.pid == os.getpid():
            with contextlib.suppress(Exception):  # it is being dropped anyway
                connection.disconnect()

    def read(self) -> tuple | None:
        """The decoded values of the keys, in order; None when the shared cache must be
        read instead (a key is missing, the server cannot be reached or refuses tracking)."""
        if self.disabled:
            return None
        if self.pid != os.getpid():
            # A forked process: the parent's connection is not its to use.
            self.connection, self.values, self.pid = None, None, os.getpid()
        now = time.monotonic()
        if self.values is not None:
            try:
                changed = self.connection.can_read(0)
            except Exception:  # closed or broken: read again
                changed = True
            if changed:
                self.forget()
            elif now - self.read_at < self.RECHECK_SECONDS:
                return self.values
        if self.failed_at is not None and now - self.failed_at < self.RETRY_SECONDS:
            return None
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_command("MGET", *self.keys)
            raw = self.connection.read_response()
        except ResponseError as error:
            logger.warning("Content version tracking is off: the cache server said %s", error)
            self.forget()
            self.disabled = True
            return None
        except Exception as error:  # the shared cache is read instead
            logger.warning("Content version tracking failed (%s); retrying in a moment", error)
            self.forget()
            self.failed_at = now
            return None
        self.failed_at = None
        self.read_at = now
        if any(value is None for value in raw):
            self.values = None
            return None
        self.values = tuple(self.backend.client.decode(value) for value in raw)
        return self.values

    def _connect(self):
        # The primary: the server every write goes through, so it sees every change.
        pool = self.backend.client.get_client(write=True).connection_pool
        connection = pool.connection_class(**{**pool.connection_kwargs, "protocol": 3})
        connection.connect()
        connection.send_command("CLIENT", "TRACKING", "ON")
        answer = connection.read_response()
        if answer not in (b"OK", "OK", True):
            connection.disconnect()
            raise ResponseError(f"CLIENT TRACKING ON answered {answer!r}")
        return connection


def watch_for(backend, keys) -> VersionWatch | None:
    """The watch of `keys` on the cache `backend` (one per backend object, so per thread), or
    None when the backend is not django-redis or tracking is turned off in the settings."""
    try:
        return backend.__dict__["_fcs_version_watch"]
    except KeyError:
        pass
    from django.conf import settings

    watch = None
    if getattr(settings, "FCS_CONTENT_VERSION_TRACKING", True):
        try:
            from django_redis.cache import RedisCache
        except ImportError:  # pragma: no cover - django-redis is a dependency
            RedisCache = ()
        if isinstance(backend, RedisCache):
            watch = VersionWatch(backend, keys)
    backend.__dict__["_fcs_version_watch"] = watch
    return watch
