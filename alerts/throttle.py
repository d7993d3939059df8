"""A small limit on requests per client address, counted in the shared cache.

The client address is the one django-axes counts sign-in failures against
(fcs_site.security.client_ip: the socket's, or our own proxies' X-Forwarded-For), so the
limit holds behind the reverse proxy and cannot be dodged by forging the header.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.module_loading import import_string


def client_address(request) -> str:
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def allow(request, scope: str, limit: int, period: int = 3600) -> bool:
    """Count this request against `scope` for its client address; False past `limit` in the
    current window of `period` seconds. A cache that is down lets every request through."""
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    window = int(time.time() // period)
    key = f"alerts:rate:{scope}:{address}:{window}"
    try:
        cache.add(key, 0, timeout=period)
        count = cache.incr(key)
    except ValueError:
        # Evicted between add and incr: count this one as the first.
        cache.set(key, 1, timeout=period)
        count = 1
    if count is None:  # django-redis with IGNORE_EXCEPTIONS: the cache is down
        return True
    return count <= limit
