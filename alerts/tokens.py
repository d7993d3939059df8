"""Signed links in emails (django.core.signing): nothing to look up but the address's row.

A confirmation link carries the request it confirms and expires; the link to an address's
preferences and its unsubscribe link do not expire, and stop working when the address is
deleted or given a new `token_key`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
# Real tokens are well under this; anything longer is not read at all.
MAX_TOKEN_LENGTH = 400


class LinkInvalid(Exception):
    """A tampered, truncated or otherwise unreadable link."""


class LinkExpired(LinkInvalid):
    """A confirmation link older than FCS_ALERTS_CONFIRM_HOURS."""


@dataclass(frozen=True)
class Request:
    """What a confirmation link confirms: a subscription for an address in a language."""

    subscriber_id: int
    key: str
    language: str
    kind: str
    target_id: int | None
    frequency: str


def confirmation_token(request: Request) -> str:
    payload = [
        request.subscriber_id,
        request.key,
        request.language,
        request.kind,
        request.target_id,
        request.frequency,
    ]
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirmation(token: str) -> Request:
    max_age = settings.FCS_ALERTS_CONFIRM_HOURS * 3600
    payload = _load(token, CONFIRM_SALT, max_age=max_age)
    try:
        subscriber_id, key, language, kind, target_id, frequency = payload
    except (TypeError, ValueError) as exc:
        raise LinkInvalid from exc
    if not isinstance(subscriber_id, int) or not (target_id is None or isinstance(target_id, int)):
        raise LinkInvalid
    return Request(subscriber_id, str(key), str(language), str(kind), target_id, str(frequency))


def manage_token(subscriber) -> str:
    return signing.dumps([subscriber.pk, subscriber.token_key], salt=MANAGE_SALT)


def read_manage(token: str) -> tuple[int, str]:
    payload = _load(token, MANAGE_SALT)
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], int)
        or not isinstance(payload[1], str)
    ):
        raise LinkInvalid
    return payload[0], payload[1]


def _load(token: str, salt: str, max_age: int | None = None):
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise LinkInvalid
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise LinkInvalid from exc
