"""The content version, known in each process between changes (Redis client-side tracking).

Every public request needs the content version (`fcs_site.cache`). Read from Redis each
time, it costs a round trip: on the bench, the article page made without the page cache
spent about a seventh of its time on it, and a cached page about a third of its own.

So each process reads the version on a connection of its own that has ``CLIENT TRACKING``
on (RESP3, Redis 6 or later). Redis then writes a message on that connection as soon as a
key it read there is written, evicted or flushed: by any process, on any machine. A request
only asks the kernel whether anything has arrived (`poll`, no round trip). Anything at all
means: read the messages off, and read the values again; a closed connection: the same on
a new one.

Redis queues the message to this connection before it answers the write that caused it:
with Redis on the same machine, a page asked for after a publication was confirmed is
fresh; across a network the message travels beside that answer. Should it be lost (a
connection cut without a word from either side delivers nothing), a value is not used
longer than `RECHECK_SECONDS` after it was read. After a failure the caller reads the
shared cache, as without the watch, and the watch tries again after `RETRY_SECONDS`; a
server that does not know tracking, or does not let this user use it, turns it off for the
process.

Only django-redis caches have a watch; a local-memory cache answers in process anyway.
"""

import contextlib
import logging
import os
import time

from django.conf import settings
from django_redis.cache import RedisCache
from redis.exceptions import NoPermissionError, ResponseError

logger = logging.getLogger(__name__)


class VersionWatch:
    """The values of some keys of a django-redis cache, kept by this process between changes."""

    # Longest use of a value without a read, should the connection die in silence.
    RECHECK_SECONDS = 1.0
    # After a failure, the shared cache is read for this long before the watch tries again.
    RETRY_SECONDS = 1.0
    # More messages than this waiting on the connection: start again on a new one.
    MAX_MESSAGES = 100

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

    def stale(self) -> None:
        """Read the values again at the next `read()`: this process has just changed them."""
        self.values = None

    def __del__(self):
        with contextlib.suppress(Exception):
            self.forget()

    def read(self) -> tuple | None:
        """The decoded values of the keys, in order; None when the shared cache must be
        read instead (a key is missing, the server cannot be reached or refuses tracking)."""
        if self.disabled:
            return None
        if self.pid != os.getpid():
            # A forked process: the parent's connection is not its to use.
            self.connection, self.values, self.pid = None, None, os.getpid()
        if self.connection is not None and getattr(self.connection, "_sock", None) is None:
            # redis-py closed it (after an error): its can_read() would open a new one, on
            # which nothing is tracked.
            self.forget()
        now = time.monotonic()
        if self.values is not None:
            try:
                changed = self.connection.can_read(0)
            except Exception:  # closed or broken
                self.forget()
                changed = True
            if not changed and now - self.read_at < self.RECHECK_SECONDS:
                return self.values
            self.values = None  # a message about a change, or time to check: read again
        if self.failed_at is not None and now - self.failed_at < self.RETRY_SECONDS:
            return None
        try:
            if self.connection is None:
                self.connection = self._connect()
            else:
                self._drain()
            self.connection.send_command("MGET", *self.keys)
            values = self._decoded(self.connection.read_response())
        except ResponseError as error:
            self.forget()
            if _refuses_tracking(error):
                logger.warning("Content version tracking is off: the cache server said %s", error)
                self.disabled = True
            else:
                self._failed(now, error)
            return None
        except Exception as error:  # the shared cache is read instead
            self.forget()
            self._failed(now, error)
            return None
        except BaseException:
            self.forget()  # interrupted half-way: the connection's state is unknown
            raise
        if self.failed_at is not None:
            logger.info("Content version tracking works again")
            self.failed_at = None
        self.read_at = now
        self.values = values
        return values

    def _failed(self, now: float, error: Exception) -> None:
        if self.failed_at is None:
            logger.warning("Content version tracking failed (%s); trying again each second", error)
        self.failed_at = now

    def _drain(self) -> None:
        """Read the messages Redis sent about changes since the last read."""
        for _ in range(self.MAX_MESSAGES):
            if not self.connection.can_read(0):
                return
            self.connection.read_response(push_request=True)
        raise RuntimeError("too many messages waiting on the tracked connection")

    def _decoded(self, raw) -> tuple | None:
        if (
            not isinstance(raw, list)
            or len(raw) != len(self.keys)
            or not all(value is None or isinstance(value, bytes) for value in raw)
        ):
            raise ValueError(f"MGET answered {raw!r:.100}")  # not an answer to it
        if any(value is None for value in raw):
            return None
        return tuple(self.backend.client.decode(value) for value in raw)

    def _connect(self):
        # The primary: the server every write goes through, so it sees every change.
        pool = self.backend.client.get_client(write=True).connection_pool
        kwargs = {
            name: value
            for name, value in pool.connection_kwargs.items()
            if not name.startswith(_POOL_ONLY_KWARGS)
        }
        connection = pool.connection_class(**{**kwargs, "protocol": 3})
        try:
            connection.connect()
            connection.send_command("CLIENT", "TRACKING", "ON")
            answer = connection.read_response()
            if answer not in (b"OK", "OK", True):
                raise ResponseError(f"unknown answer to CLIENT TRACKING ON: {answer!r}")
        except BaseException:
            with contextlib.suppress(Exception):
                connection.disconnect()
            raise
        return connection


# What redis-py gives a pool's connections besides how to reach the server: handlers of
# maintenance notices bound to that pool, and the like.
_POOL_ONLY_KWARGS = ("maint_notifications", "orig_", "himport")
# What a server says when it does not know tracking (NOPERM: this user may not use it).
_REFUSALS = ("unknown command", "unknown subcommand", "unknown answer")


def _refuses_tracking(error: ResponseError) -> bool:
    text = str(error).lower()
    return isinstance(error, NoPermissionError) or any(refusal in text for refusal in _REFUSALS)


def watch_for(backend, keys) -> VersionWatch | None:
    """The watch of `keys` on the cache `backend` (one per backend object, so per thread), or
    None when the backend is not django-redis or tracking is turned off in the settings."""
    try:
        return backend.__dict__["_fcs_version_watch"]
    except KeyError:
        pass
    watch = None
    if settings.FCS_CONTENT_VERSION_TRACKING and isinstance(backend, RedisCache):
        watch = VersionWatch(backend, keys)
    backend.__dict__["_fcs_version_watch"] = watch
    return watch
