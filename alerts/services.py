"""Writes with more than one step: subscribing, confirming, leaving, and planning the
mailings of an article that becomes public."""

from datetime import timedelta
from functools import partial

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import tokens
from .models import Delivery, Mailing, Subscriber, Subscription, normalise_email

# An article dated further back than this when it becomes public in a language (an old one
# translated late) is not sent to anybody.
NEWS_WINDOW = timedelta(days=7)

TARGET_MODELS = {
    Subscription.Kind.RUBRIC: "news.Rubric",
    Subscription.Kind.TOPIC: "news.Topic",
    Subscription.Kind.BODY: "committees.Body",
}


def target_model(kind: str):
    label = TARGET_MODELS.get(kind)
    return apps.get_model(label) if label else None


def subscription_request(
    *, email: str, language: str, kind: str, target=None, frequency: str, now=None
) -> bool:
    """Send `email` a link that confirms this subscription (by the worker, once committed).

    Unless a confirmation was sent to the address within FCS_ALERTS_RESEND_AFTER_SECONDS:
    then nothing is sent. Returns whether one was sent; the caller must answer the same
    either way, so that nobody learns which addresses are subscribed.
    """
    from . import tasks

    now = now or timezone.now()
    email = normalise_email(email)
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language}
        )
        recent = now - timedelta(seconds=settings.FCS_ALERTS_RESEND_AFTER_SECONDS)
        if (
            not created
            and subscriber.confirmation_sent_at
            and (subscriber.confirmation_sent_at > recent)
        ):
            return False
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
        request = tokens.Request(
            subscriber_id=subscriber.pk,
            key=subscriber.token_key,
            language=language,
            kind=kind,
            target_id=target.pk if target is not None else None,
            frequency=frequency,
        )
        transaction.on_commit(
            partial(tasks.send_confirmation.enqueue, tokens.confirmation_token(request))
        )
    return True


class RequestGone(Exception):
    """The confirmed request's address or target no longer exists."""


@transaction.atomic
def subscription_confirm(*, request: tokens.Request, now=None) -> Subscription:
    """Confirm the address (the first time) and add or update the subscription."""
    now = now or timezone.now()
    subscriber = (
        Subscriber.objects.select_for_update()
        .filter(pk=request.subscriber_id, token_key=request.key)
        .first()
    )
    if subscriber is None:
        raise RequestGone
    if request.kind not in Subscription.Kind.values or (
        request.frequency not in Subscription.Frequency.values
    ):
        raise tokens.LinkInvalid
    if request.language not in dict(settings.LANGUAGES):
        raise tokens.LinkInvalid
    model = target_model(request.kind)
    target = None
    if model is not None:
        target = model.objects.filter(pk=request.target_id).first()
        if target is None:
            raise RequestGone
    elif request.target_id is not None:
        raise tokens.LinkInvalid
    subscriber.language = request.language
    subscriber.confirmed_at = subscriber.confirmed_at or now
    subscriber.consent_at = now
    subscriber.save(update_fields=["language", "confirmed_at", "consent_at"])
    lookup = {"subscriber": subscriber, "kind": request.kind}
    if model is not None:
        lookup[Subscription.TARGETS[request.kind]] = target
    subscription, _created = Subscription.objects.update_or_create(
        **lookup, defaults={"frequency": request.frequency}
    )
    return subscription


def subscriber_for_link(token: str) -> Subscriber | None:
    """The address a preferences or unsubscribe link is for; None when it has left.
    Raises tokens.LinkInvalid for a link that was not made by us."""
    pk, key = tokens.read_manage(token)
    return Subscriber.objects.filter(pk=pk, token_key=key).first()


@transaction.atomic
def subscriber_delete(*, subscriber: Subscriber) -> None:
    """Unsubscribe from everything: the address and its subscriptions are deleted; emails
    not yet sent to it are not sent (its deliveries stay, anonymous, for the counts)."""
    Delivery.objects.filter(
        subscriber=subscriber, status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    ).update(status=Delivery.Status.CANCELLED, claimed_by="", claimed_until=None)
    subscriber.delete()


@transaction.atomic
def preferences_update(
    *,
    subscriber: Subscriber,
    language: str,
    frequencies: dict[int, str],
    removed: set[int],
) -> None:
    """Set the address's language and each subscription's frequency; delete `removed`.
    An address left without subscriptions is deleted."""
    subscriber.language = language
    subscriber.save(update_fields=["language"])
    subscriber.subscriptions.filter(pk__in=removed).delete()
    for pk, frequency in frequencies.items():
        if pk not in removed:
            subscriber.subscriptions.filter(pk=pk).exclude(frequency=frequency).update(
                frequency=frequency
            )
    if not subscriber.subscriptions.exists():
        subscriber_delete(subscriber=subscriber)


def article_published(*, article, languages: list[str]) -> None:
    """FCS_ARTICLE_PUBLISHED: `article` is public in `languages` now, or will be at its
    `published_at`. Plans a mailing per language; once the step's transaction commits, the
    worker is asked to send it at that time (it checks again then that the article is
    public in the language, so an article withdrawn or rescheduled meanwhile is not sent).
    """
    due = article.published_at
    if due is None or due < timezone.now() - NEWS_WINDOW:
        return
    for language in languages:
        mailing, created = Mailing.objects.get_or_create(
            article=article, language=language, edition=0, defaults={"due_at": due}
        )
        if not created:
            # Published again (after being taken back) or rescheduled: whoever has not had
            # it yet gets it at the new time.
            mailing.due_at = due
            mailing.finished_at = None
            mailing.save(update_fields=["due_at", "finished_at"])
        transaction.on_commit(partial(mailing_enqueue, mailing_id=mailing.pk, due=due))


def mailing_enqueue(*, mailing_id: int, due=None) -> None:
    from . import tasks

    task = tasks.send_mailing
    if due is not None and due > timezone.now():
        task = task.using(run_after=due)
    task.enqueue(mailing_id)


def article_updates_plan(*, now=None) -> int:
    """A mailing for each major update with a change note, in each language the article is
    public in and has a note in, to the addresses that were sent the article: an update of
    the last NEWS_WINDOW, made after the article's own mailing went out, and not planned
    yet. The sweep (alerts/schedule.py) calls it every few minutes: news tells nobody of a
    major update. Both languages' mailings of one update share its edition, so an address
    gets each update once. Returns how many mailings were planned."""
    now = now or timezone.now()
    Article = apps.get_model("news", "Article")
    updated = Article.objects.published(now).filter(
        major_updated_at__gte=now - NEWS_WINDOW, major_updated_at__lte=now
    )
    planned = 0
    for article in updated.order_by("pk"):
        with transaction.atomic():
            planned += _update_plan(article, now)
    return planned


def _update_plan(article, now) -> int:
    mailings = Mailing.objects.select_for_update().filter(article=article)
    existing = list(mailings)
    this_update = [m for m in existing if m.update_at == article.major_updated_at]
    if this_update:
        edition = this_update[0].edition
    else:
        edition = max((m.edition for m in existing), default=0) + 1
    planned = 0
    for language in article.available_languages():
        if not (getattr(article, f"update_note_{language}", "") or "").strip():
            continue
        if any(m.language == language for m in this_update):
            continue
        sent = next(
            (m for m in existing if m.language == language and m.edition == 0),
            None,
        )
        # The article's own mailing must be done, and before the update: else its
        # emails carry the updated text already.
        if sent is None or sent.finished_at is None or sent.due_at >= article.major_updated_at:
            continue
        mailing = Mailing.objects.create(
            article=article,
            language=language,
            edition=edition,
            update_at=article.major_updated_at,
            due_at=now,
        )
        transaction.on_commit(partial(mailing_enqueue, mailing_id=mailing.pk))
        planned += 1
    return planned
