"""The background tasks (Django's Tasks API; `manage.py db_worker` runs them)."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from . import schedule, sending


def _again(this, *args, at, **kwargs) -> None:
    this.using(run_after=at).enqueue(*args, **kwargs)


def _helpers(mailing_id: int) -> None:
    for _ in range(settings.FCS_ALERTS_TASKS_PER_MAILING - 1):
        send_mailing.enqueue(mailing_id)


@task()
def send_mailing(mailing_id: int, attempt: int = 0) -> dict:
    """Send an article to its subscribers in one language (see alerts/sending.py). The task
    that listed the addresses queues FCS_ALERTS_TASKS_PER_MAILING - 1 more for the same
    mailing first: free workers take them and share its batches."""
    outcome = sending.send_mailing(mailing_id, attempt=attempt, on_listed=_helpers)
    if outcome.retry_at is not None:
        _again(send_mailing, mailing_id, attempt + 1, at=outcome.retry_at)
    return outcome.as_dict()


@task()
def send_digests(attempt: int = 0, chained: bool = True) -> dict:
    """The daily digest; when it is done, the next day's is enqueued for its hour."""
    outcome = sending.send_digests(attempt=attempt)
    if outcome.retry_at is not None:
        _again(send_digests, attempt + 1, chained, at=outcome.retry_at)
    elif chained:
        schedule.digest_enqueue()
    return outcome.as_dict()


@task()
def send_confirmation(token: str, attempt: int = 0) -> dict:
    """The email with the link that confirms a subscription request."""
    try:
        sent = schedule.confirmation_send(token)
    except sending.ServerUnavailable:
        if attempt >= 10:
            raise
        _again(
            send_confirmation,
            token,
            attempt + 1,
            at=timezone.now() + sending.backoff(attempt),
        )
        return {"sent": False, "retry": True}
    return {"sent": sent}


@task()
def sweep() -> dict:
    """Every few minutes: resume mailings a dead worker left, forget confirmation requests
    nobody confirmed, send major updates, and keep the digest scheduled."""
    schedule.sweep_enqueue()
    return schedule.sweep()
