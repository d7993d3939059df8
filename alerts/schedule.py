"""What keeps the alerts going without cron: the digest and the sweep re-enqueue themselves
(`run_after`) for their next time, and `manage.py alerts_schedule` (run by `make run`, and
at every deployment) starts either chain that is not waiting in the queue."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import Q
from django.utils import timezone

from . import emails, services, tokens
from .models import Mailing, Subscriber
from .sending import ServerUnavailable, next_digest_at

logger = logging.getLogger(__name__)


def _waiting_tasks(task):
    """The queued (not yet started) results of `task`, or None when the backend cannot say."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(task_path=task.module_path, status="READY")


def _enqueue_once(task, at, *args) -> bool:
    waiting = _waiting_tasks(task)
    if waiting is not None and waiting.exists():
        return False
    task.using(run_after=at).enqueue(*args)
    return True


def digest_enqueue() -> bool:
    """Enqueue the next daily digest unless one is waiting already."""
    from . import tasks

    return _enqueue_once(tasks.send_digests, next_digest_at())


def sweep_enqueue() -> bool:
    from . import tasks

    at = timezone.now() + timedelta(seconds=settings.FCS_ALERTS_SWEEP_SECONDS)
    return _enqueue_once(tasks.sweep, at)


def sweep(now=None) -> dict:
    """Resume each mailing that is due and that no worker has touched for a claim's length
    (its worker died, or the process that published it died before enqueuing it); forget
    addresses whose confirmation link expired unused; plan the mailings of major updates
    with a change note; keep the digest scheduled."""
    from . import tasks

    now = now or timezone.now()
    lease = timedelta(seconds=settings.FCS_ALERTS_CLAIM_SECONDS)
    waiting = _waiting_tasks(tasks.send_mailing)
    queued = set()
    if waiting is not None:
        for args_kwargs in waiting.values_list("args_kwargs", flat=True):
            args = args_kwargs.get("args") or [args_kwargs.get("kwargs", {}).get("mailing_id")]
            queued.add(args[0])
    stale = (
        Mailing.objects.filter(finished_at=None, due_at__lte=now - lease)
        .filter(Q(touched_at=None) | Q(touched_at__lt=now - lease))
        .exclude(pk__in=queued)
        .values_list("pk", flat=True)
    )
    resumed = 0
    for pk in stale:
        services.mailing_enqueue(mailing_id=pk)
        resumed += 1
    expired = now - timedelta(hours=settings.FCS_ALERTS_CONFIRM_HOURS)
    forgotten, _rows = (
        Subscriber.objects.filter(confirmed_at=None)
        .filter(
            Q(confirmation_sent_at__lt=expired)
            | Q(confirmation_sent_at=None, created_at__lt=expired)
        )
        .delete()
    )
    updates = services.article_updates_plan(now=now)
    digest_enqueue()
    return {"resumed": resumed, "forgotten": forgotten, "updates": updates}


def confirmation_send(token: str) -> bool:
    """Send the confirmation email for `token`'s request. False when there is nothing to
    send (the address left, the target was deleted, or the server refused the address);
    raises ServerUnavailable when the server cannot take it now."""
    try:
        request = tokens.read_confirmation(token)
    except tokens.LinkInvalid:
        return False
    subscriber = Subscriber.objects.filter(pk=request.subscriber_id, token_key=request.key).first()
    if subscriber is None:
        return False
    model = services.target_model(request.kind)
    target = None
    if model is not None:
        target = model.objects.filter(pk=request.target_id).first()
        if target is None:
            return False
    message = emails.confirmation_message(
        subscriber=subscriber, token=token, request=request, target=target
    )
    try:
        message.connection = get_connection()
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        code = next(iter(exc.recipients.values()))[0]
        if code < 500:
            raise ServerUnavailable(str(exc)) from exc
        logger.info("Confirmation refused for subscriber %s: %s", subscriber.pk, code)
        if not subscriber.is_confirmed:
            subscriber.delete()
        return False
    except smtplib.SMTPSenderRefused as exc:
        raise ServerUnavailable(str(exc)) from exc  # the server's setup, not the address
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500 and exc.smtp_code != 521:
            logger.warning("Confirmation for subscriber %s refused: %s", subscriber.pk, exc)
            return False
        raise ServerUnavailable(str(exc)) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise ServerUnavailable(str(exc)) from exc
    return True
