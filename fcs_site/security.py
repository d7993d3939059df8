"""Sign-in security: the client address django-axes counts failures against."""

from django.conf import settings


def client_ip(request) -> str:
    """The visitor's address: the socket's, or the one our own proxies put in
    X-Forwarded-For (counted from the right, so a visitor cannot forge it)."""
    count = settings.FCS_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
