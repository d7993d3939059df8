"""Email alerts: who gets which articles, and a record of every email sent.

A `Delivery` row per (article, edition, address) is what makes sending at-least-once without
sending anything twice: a worker claims rows before sending and marks each one sent
right after the SMTP server accepted it; a worker that dies leaves its claims to expire
and be taken again (alerts/sending.py).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.addresses import reverse_in


def new_token_key() -> str:
    return secrets.token_urlsafe(12)


def normalise_email(address: str) -> str:
    """One spelling per address: no surrounding blanks, lower case (mail servers treat the
    local part's case alike in practice, and two rows for one mailbox would mean two emails)."""
    return address.strip().lower()


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        """Confirmed and not suspended: the addresses that are sent alerts."""
        return self.filter(confirmed_at__isnull=False, suspended_at__isnull=True)


class Subscriber(models.Model):
    """An email address and its language. Personal data: see the permission below."""

    email = models.EmailField(_("email address"), max_length=254)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(
        _("confirmation request sent at"), null=True, blank=True, editable=False
    )
    confirmed_at = models.DateTimeField(
        _("confirmed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Nothing but the confirmation request is sent before this."),
    )
    consent_at = models.DateTimeField(
        _("consent to processing given at"), null=True, blank=True, editable=False
    )
    token_key = models.CharField(
        _("link key"),
        max_length=32,
        default=new_token_key,
        editable=False,
        help_text=_("Part of every signed link sent to the address; a new key voids old links."),
    )
    bounce_count = models.PositiveSmallIntegerField(
        _("hard bounces in a row"), default=0, editable=False
    )
    suspended_at = models.DateTimeField(
        _("suspended at"),
        null=True,
        blank=True,
        help_text=_("Set after three hard bounces in a row: nothing is sent while it is set."),
    )

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint(fields=["email"], name="alerts_subscriber_email_unique"),
        ]
        permissions = [
            (
                "view_subscriber_data",
                _("Can see subscribers’ addresses and export them (personal data)"),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    def get_absolute_url(self) -> str:
        return reverse("admin:alerts_subscriber_change", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class Subscription(models.Model):
    class Kind(models.TextChoices):
        ALL = "all", _("All news")
        PRESS_RELEASES = "press_releases", _("Press releases only")
        RUBRIC = "rubric", _("A rubric")
        TOPIC = "topic", _("A topic")
        BODY = "body", _("A WCO body")

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("As soon as published")
        DAILY = "daily", _("Once a day, in a digest")

    # The target field each kind needs (the others stay empty).
    TARGETS = {Kind.RUBRIC: "rubric", Kind.TOPIC: "topic", Kind.BODY: "body"}

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    rubric = models.ForeignKey(
        "news.Rubric", verbose_name=_("rubric"), on_delete=models.CASCADE, null=True, blank=True
    )
    topic = models.ForeignKey(
        "news.Topic", verbose_name=_("topic"), on_delete=models.CASCADE, null=True, blank=True
    )
    body = models.ForeignKey(
        "committees.Body",
        verbose_name=_("WCO body"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["subscriber", "kind", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["all", "press_releases"], rubric=None, topic=None, body=None)
                    | Q(kind="rubric", rubric__isnull=False, topic=None, body=None)
                    | Q(kind="topic", topic__isnull=False, rubric=None, body=None)
                    | Q(kind="body", body__isnull=False, rubric=None, topic=None)
                ),
                name="alerts_subscription_target_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "kind"],
                condition=Q(kind__in=["all", "press_releases"]),
                name="alerts_subscription_kind_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "rubric"],
                condition=Q(kind="rubric"),
                name="alerts_subscription_rubric_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "topic"],
                condition=Q(kind="topic"),
                name="alerts_subscription_topic_once",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "body"],
                condition=Q(kind="body"),
                name="alerts_subscription_body_once",
            ),
        ]

    def __str__(self) -> str:
        target = self.target
        label = str(target) if target is not None else self.get_kind_display()
        return f"{label} ({self.get_frequency_display()})"

    def get_absolute_url(self) -> str:
        target = self.target
        if target is not None:
            return target.get_absolute_url()
        return reverse_in("news:article_list")

    @property
    def target(self):
        field = self.TARGETS.get(self.kind)
        return getattr(self, field) if field else None


class Mailing(models.Model):
    """An article to be sent in one language: when, and whether the sending has finished.
    Its deliveries say to whom it went."""

    article = models.ForeignKey(
        "news.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="alert_mailings",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    edition = models.PositiveSmallIntegerField(
        _("edition"),
        default=0,
        help_text=_("0: the article itself; 1, 2 ...: its major updates, sent as updates."),
    )
    update_at = models.DateTimeField(
        _("major update of"),
        null=True,
        blank=True,
        help_text=_("The time of the major update this mailing announces."),
    )
    due_at = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    listed_at = models.DateTimeField(
        _("addresses listed at"),
        null=True,
        blank=True,
        help_text=_("When a delivery was planned for each subscribed address."),
    )
    touched_at = models.DateTimeField(
        _("last worked on"),
        null=True,
        blank=True,
        help_text=_("A worker notes the time with every batch; a stale one is resumed."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "edition"],
                name="alerts_mailing_article_language_edition_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(finished_at=None),
                name="alerts_mailing_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        if self.edition:
            return f"{self.article} [{self.language}, {self.edition}]"
        return f"{self.article} [{self.language}]"

    def get_absolute_url(self) -> str:
        return reverse("admin:alerts_mailing_change", args=[self.pk])

    @property
    def is_update(self) -> bool:
        return self.edition > 0


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Not sent")

    class Via(models.TextChoices):
        IMMEDIATE = "immediate", _("On its own")
        DIGEST = "digest", _("In the daily digest")

    article = models.ForeignKey(
        "news.Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="alert_deliveries",
    )
    # An address that leaves is deleted; its deliveries stay, anonymous, for the counts.
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    edition = models.PositiveSmallIntegerField(
        _("edition"), default=0, help_text=_("As the mailing's: 0 is the article itself.")
    )
    via = models.CharField(_("sent"), max_length=10, choices=Via.choices, default=Via.IMMEDIATE)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    not_before = models.DateTimeField(
        _("not before"), null=True, blank=True, help_text=_("The next attempt waits until then.")
    )
    claimed_by = models.CharField(_("claimed by"), max_length=32, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["article", "subscriber"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "edition", "subscriber"],
                name="alerts_delivery_once_per_address",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "via", "status"], name="alerts_delivery_article_idx"),
            models.Index(
                fields=["subscriber", "via", "status"], name="alerts_delivery_subscriber_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.subscriber_id}: {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("admin:alerts_delivery_change", args=[self.pk])
