"""Sending, at least once and never twice on purpose.

An article's mailing first lists its addresses: one `Delivery` row per (article, edition,
address), edition 0 being the article and the others its major updates, inserted in
batches (a row that exists already is left alone). Workers then claim rows in batches:
one UPDATE gives a batch to one worker until `claimed_until` (on PostgreSQL the
rows are picked with SKIP LOCKED, so several workers take different batches). Each email
is marked sent as soon as the SMTP server accepted it, so a worker that dies loses at most
the email it was sending; its other claims expire and are taken again, by the sweep
(alerts/schedule.py) or the next run.

What the SMTP server answers decides the rest:
- 5xx for the recipient (a hard bounce): failed; the address's third in a row suspends it;
- 4xx for the recipient: tried again later with backoff, up to MAX_ATTEMPTS;
- no server, a dropped connection or 421: nothing is lost, the claims are given back and
  the whole task runs again later with backoff, for as long as it takes.
"""

import contextlib
import logging
import random
import secrets
import smtplib
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef, Q
from django.utils import timezone

from . import emails
from .models import Delivery, Mailing, Subscriber, Subscription

logger = logging.getLogger(__name__)

Status = Delivery.Status
Via = Delivery.Via
# Claims of one delivery (each attempt claims it once) before it is given up as failed.
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 3600


class ServerUnavailable(Exception):
    """The SMTP server cannot be reached, or dropped us: try the whole task again later."""


def backoff(attempt: int) -> timedelta:
    """60 s, 2, 4, 8 ... minutes up to an hour, with a little jitter so that workers that
    failed together do not all come back at the same second."""
    seconds = min(RETRY_BASE_SECONDS * 2 ** max(attempt, 0), RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * (1 + random.random() / 10))


def next_digest_at(now=None):
    """The next time the daily digest goes out (FCS_ALERTS_DIGEST_HOUR, local time)."""
    local = timezone.localtime(now or timezone.now())
    at = local.replace(hour=settings.FCS_ALERTS_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if at <= local:
        at += timedelta(days=1)
    return at


def _articles():
    return apps.get_model("news", "Article").objects


def _claimable(now) -> Q:
    waiting = Q(status=Status.PENDING) & (Q(not_before=None) | Q(not_before__lte=now))
    abandoned = Q(status=Status.SENDING, claimed_until__lt=now)
    return (waiting | abandoned) & Q(attempts__lt=MAX_ATTEMPTS)


def claim(queryset, token: str, limit: int | None = None) -> list[Delivery]:
    """Take up to `limit` deliveries of `queryset` that nobody holds, for `token`."""
    now = timezone.now()
    limit = limit or settings.FCS_ALERTS_BATCH_SIZE
    condition = _claimable(now)
    with transaction.atomic():
        ids = list(
            queryset.filter(condition)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if not ids:
            return []
        # The condition again: a row another worker took meanwhile no longer matches it.
        Delivery.objects.filter(pk__in=ids).filter(condition).update(
            status=Status.SENDING,
            claimed_by=token,
            claimed_until=now + timedelta(seconds=settings.FCS_ALERTS_CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(pk__in=ids, claimed_by=token, status=Status.SENDING)
        .select_related("subscriber")
        .order_by("subscriber_id", "pk")
    )


def release(token: str, error: str = "") -> int:
    """Give back every delivery `token` still holds, as not tried: the server was at fault."""
    return Delivery.objects.filter(claimed_by=token, status=Status.SENDING).update(
        status=Status.PENDING,
        claimed_by="",
        claimed_until=None,
        attempts=F("attempts") - 1,
        error=error[:300],
    )


def _finish(deliveries, token: str, **fields) -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in deliveries], claimed_by=token).update(
        claimed_by="", claimed_until=None, **fields
    )


def _sent(unit, token: str) -> None:
    _finish(unit.deliveries, token, status=Status.SENT, sent_at=timezone.now(), error="")
    if unit.subscriber.bounce_count:
        Subscriber.objects.filter(pk=unit.subscriber.pk).update(bounce_count=0)


def _hard_bounce(unit, token: str, error: str) -> None:
    _finish(unit.deliveries, token, status=Status.FAILED, error=error[:300])
    pk = unit.subscriber.pk
    Subscriber.objects.filter(pk=pk).update(bounce_count=F("bounce_count") + 1)
    Subscriber.objects.filter(
        pk=pk, bounce_count__gte=settings.FCS_ALERTS_MAX_BOUNCES, suspended_at=None
    ).update(suspended_at=timezone.now())


def _later(unit, token: str, error: str) -> None:
    attempts = max(d.attempts for d in unit.deliveries)  # this one included
    if attempts >= MAX_ATTEMPTS:
        _finish(unit.deliveries, token, status=Status.FAILED, error=error[:300])
        return
    _finish(
        unit.deliveries,
        token,
        status=Status.PENDING,
        not_before=timezone.now() + backoff(attempts),
        error=error[:300],
    )


def _reply(exc: smtplib.SMTPException) -> tuple[int, str]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
    else:
        code, text = getattr(exc, "smtp_code", 0), getattr(exc, "smtp_error", b"")
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return int(code or 0), f"{code} {text}".strip()


@dataclass
class Unit:
    """One email: to `subscriber`, for `deliveries` (one article, or a digest's several)."""

    subscriber: Subscriber
    deliveries: list
    build: object  # () -> EmailMessage


def send_units(units: list[Unit], token: str) -> int:
    """Send each unit's email over one SMTP connection; return how many were sent.
    Raises ServerUnavailable (the claims given back) when the server fails us."""
    connection = get_connection()
    sent = 0
    try:
        try:
            connection.open()
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerUnavailable(str(exc)) from exc
        for unit in units:
            try:
                message = unit.build()
            except Exception as exc:  # one email that cannot be made stops no other
                logger.exception("Alert email to subscriber %s not made", unit.subscriber.pk)
                _finish(unit.deliveries, token, status=Status.FAILED, error=repr(exc)[:300])
                continue
            try:
                message.connection = connection
                connection.send_messages([message])
            except smtplib.SMTPRecipientsRefused as exc:
                code, error = _reply(exc)
                if code >= 500:
                    _hard_bounce(unit, token, error)
                else:
                    _later(unit, token, error)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPSenderRefused) as exc:
                # Our sender refused is the server's setup, not the address: wait for it.
                raise ServerUnavailable(str(exc)) from exc
            except (smtplib.SMTPNotSupportedError, UnicodeError) as exc:
                # An address this server cannot take (say, one that needs SMTPUTF8).
                _finish(unit.deliveries, token, status=Status.FAILED, error=repr(exc)[:300])
            except smtplib.SMTPResponseException as exc:
                code, error = _reply(exc)
                if code == 421:
                    raise ServerUnavailable(error) from exc
                if code >= 500:
                    _finish(unit.deliveries, token, status=Status.FAILED, error=error[:300])
                else:
                    _later(unit, token, error)
            except (OSError, smtplib.SMTPException) as exc:
                raise ServerUnavailable(str(exc)) from exc
            else:
                _sent(unit, token)
                sent += 1
    except ServerUnavailable as exc:
        release(token, str(exc))
        raise
    except BaseException:
        # A crash or a stop (SIGTERM): what was not marked sent is given back at once.
        release(token, "interrupted")
        raise
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return sent


def _without_address(unit_deliveries, token: str) -> None:
    _finish(unit_deliveries, token, status=Status.CANCELLED, error="no address")


def _matching(article) -> Q:
    """The subscriptions an article falls under."""
    Kind = Subscription.Kind
    condition = Q(kind=Kind.ALL)
    if article.kind == article.Kind.PRESS_RELEASE:
        condition |= Q(kind=Kind.PRESS_RELEASES)
    if article.rubric_id:
        condition |= Q(kind=Kind.RUBRIC, rubric_id=article.rubric_id)
    topics = list(article.topics.values_list("pk", flat=True))
    if topics:
        condition |= Q(kind=Kind.TOPIC, topic_id__in=topics)
    bodies = list(article.bodies.values_list("pk", flat=True))
    if bodies:
        condition |= Q(kind=Kind.BODY, body_id__in=bodies)
    return condition


def audience(article, language: str):
    """Active addresses in `language` with a subscription `article` falls under, each with
    `immediate`: whether one of those wants it at once (else the daily digest)."""
    subscriptions = Subscription.objects.filter(_matching(article), subscriber=OuterRef("pk"))
    Frequency = Subscription.Frequency
    return (
        Subscriber.objects.active()
        .filter(language=language)
        .annotate(
            immediate=Exists(subscriptions.filter(frequency=Frequency.IMMEDIATE)),
            daily=Exists(subscriptions.filter(frequency=Frequency.DAILY)),
        )
        .filter(Q(immediate=True) | Q(daily=True))
    )


def list_addresses(mailing: Mailing, article) -> int:
    """A delivery row for each address of the mailing, in batches (memory stays flat). An
    update goes to the addresses that were sent the article, and still want it."""
    now = timezone.now()
    digest_at = next_digest_at(now)
    people = audience(article, mailing.language)
    if mailing.is_update:
        had_it = Delivery.objects.filter(
            article_id=article.pk, edition=0, status=Status.SENT, subscriber=OuterRef("pk")
        )
        people = people.filter(Exists(had_it))
    last, listed = 0, 0
    while True:
        rows = list(
            people.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "immediate")[: settings.FCS_ALERTS_BATCH_SIZE]
        )
        if not rows:
            break
        Delivery.objects.bulk_create(
            [
                Delivery(
                    article_id=article.pk,
                    subscriber_id=pk,
                    language=mailing.language,
                    edition=mailing.edition,
                    via=Via.IMMEDIATE if immediate else Via.DIGEST,
                    not_before=None if immediate else digest_at,
                    created_at=now,
                )
                for pk, immediate in rows
            ],
            ignore_conflicts=True,
        )
        listed += len(rows)
        last = rows[-1][0]
        _touch(mailing)
    Mailing.objects.filter(pk=mailing.pk).update(listed_at=timezone.now())
    return listed


def _touch(mailing: Mailing) -> None:
    Mailing.objects.filter(pk=mailing.pk).update(touched_at=timezone.now())


@dataclass
class Outcome:
    sent: int = 0
    retry_at: object = None
    finished: bool = False
    cancelled: bool = False
    listed: bool = False

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "retry_at": self.retry_at.isoformat() if self.retry_at else None,
            "finished": self.finished,
            "cancelled": self.cancelled,
        }


def send_mailing(mailing_id: int, *, attempt: int = 0, on_listed=None) -> Outcome:
    """Send a mailing's immediate emails; the task runs it (alerts/tasks.py)."""
    outcome = Outcome()
    mailing = Mailing.objects.filter(pk=mailing_id, finished_at=None).first()
    if mailing is None:
        return outcome
    language = mailing.language
    ours = Delivery.objects.filter(
        article_id=mailing.article_id, language=language, edition=mailing.edition
    )
    article = _articles().public(language).filter(pk=mailing.article_id).first()
    if article is None:
        return _not_public(mailing, ours)
    if mailing.listed_at is None:
        list_addresses(mailing, article)
        outcome.listed = True
        if on_listed is not None:
            on_listed(mailing.pk)
    token = secrets.token_hex(16)
    immediate = ours.filter(via=Via.IMMEDIATE)
    _fast_commits()
    while True:
        # Again before every batch: an article withdrawn meanwhile is sent no further.
        article = _articles().public(language).filter(pk=mailing.article_id).first()
        if article is None:
            _not_public(mailing, ours)
            outcome.cancelled = True
            return outcome
        batch = claim(immediate, token)
        if not batch:
            break
        _touch(mailing)
        rendered = {}
        units = []
        for delivery in batch:
            if delivery.subscriber is None or delivery.subscriber.suspended_at:
                _without_address([delivery], token)
                continue
            units.append(
                Unit(
                    delivery.subscriber,
                    [delivery],
                    _article_builder(rendered, article, delivery.subscriber, mailing),
                )
            )
        try:
            outcome.sent += send_units(units, token)
        except ServerUnavailable as exc:
            logger.warning("Mailing %s: SMTP server unavailable (%s); retrying", mailing.pk, exc)
            outcome.retry_at = timezone.now() + backoff(attempt)
            return outcome
    _give_up_exhausted(immediate)
    waiting = immediate.filter(status__in=[Status.PENDING, Status.SENDING])
    if not waiting.exists():
        Mailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now())
        outcome.finished = True
    else:
        # Some recipients asked us to come back later (4xx): the earliest of them.
        soonest = waiting.filter(status=Status.PENDING).aggregate(at=Min("not_before"))["at"]
        if soonest is not None:
            outcome.retry_at = max(soonest, timezone.now())
    return outcome


def _fast_commits() -> None:
    """On PostgreSQL, each email's "sent" mark commits without waiting for the disk: a worker
    that dies loses nothing (the server has the commit); only a crash of PostgreSQL itself
    could forget the last fraction of a second of marks, whose emails would go again. For
    this worker's connection only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")


def _article_builder(rendered: dict, article, subscriber, mailing: Mailing):
    def build():
        if "email" not in rendered:
            rendered["email"] = emails.ArticleEmail(
                article, mailing.language, edition=mailing.edition
            )
        return rendered["email"].message(subscriber)

    return build


def _give_up_exhausted(queryset) -> None:
    now = timezone.now()
    queryset.filter(attempts__gte=MAX_ATTEMPTS).filter(
        Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_until__lt=now)
    ).update(status=Status.FAILED, claimed_by="", claimed_until=None)


def _not_public(mailing: Mailing, ours) -> Outcome:
    """The article is not public in the mailing's language now. Scheduled for later: that
    time's task sends it. Otherwise (withdrawn, back to drafts): nothing more is sent."""
    Article = apps.get_model("news", "Article")
    later = Article.objects.scheduled().filter(pk=mailing.article_id).exists()
    if later:
        return Outcome()
    ours.filter(status=Status.PENDING).update(status=Status.CANCELLED, error="not public")
    Mailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now())
    return Outcome(cancelled=True, finished=True)


def send_digests(*, attempt: int = 0, now=None) -> Outcome:
    """Send every address its digest deliveries that are due, one email per address and
    language, with the articles still public in it."""
    outcome = Outcome()
    now = now or timezone.now()
    due = Delivery.objects.filter(via=Via.DIGEST, not_before__lte=now, subscriber__isnull=False)
    token = secrets.token_hex(16)
    day = timezone.localdate(now)
    last = 0
    while True:
        people = list(
            due.filter(_claimable(timezone.now()), subscriber_id__gt=last)
            .order_by("subscriber_id")
            .values_list("subscriber_id", flat=True)
            .distinct()[: settings.FCS_ALERTS_BATCH_SIZE]
        )
        if not people:
            break
        last = people[-1]
        batch = claim(due.filter(subscriber_id__in=people), token, limit=len(people) * 200)
        groups = defaultdict(list)
        for delivery in batch:
            groups[(delivery.subscriber_id, delivery.language)].append(delivery)
        units = []
        for (_pk, language), deliveries in groups.items():
            subscriber = deliveries[0].subscriber
            if subscriber is None or subscriber.suspended_at:
                _without_address(deliveries, token)
                continue
            public = {
                article.pk: article
                for article in _articles()
                .public(language)
                .filter(pk__in=[d.article_id for d in deliveries])
                .order_by("-published_at", "-pk")
            }
            gone = [d for d in deliveries if d.article_id not in public]
            if gone:
                _finish(gone, token, status=Status.CANCELLED, error="not public")
            kept = [d for d in deliveries if d.article_id in public]
            if kept:
                wanted = {d.article_id for d in kept}
                updated = {d.article_id for d in kept if d.edition}
                articles = [public[pk] for pk in public if pk in wanted]
                units.append(
                    Unit(
                        subscriber,
                        kept,
                        _digest_builder(articles, updated, subscriber, language, day),
                    )
                )
        try:
            outcome.sent += send_units(units, token)
        except ServerUnavailable as exc:
            logger.warning("Digest: SMTP server unavailable (%s); retrying", exc)
            outcome.retry_at = timezone.now() + backoff(attempt)
            return outcome
    _give_up_exhausted(due)
    outcome.finished = True
    return outcome


def _digest_builder(articles, updated, subscriber, language, day):
    return lambda: emails.digest_message(
        articles=articles, updated=updated, subscriber=subscriber, language=language, day=day
    )
