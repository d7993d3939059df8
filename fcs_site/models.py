import re
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RemovalQuerySet(models.QuerySet):
    def last_of(self, *models_) -> datetime | None:
        """When rows of any of `models_` were last deleted (None: never)."""
        labels = [model._meta.label_lower for model in models_]
        return self.filter(model__in=labels).aggregate(at=Max("removed_at"))["at"]


def last_removal(*models_) -> Subquery:
    """`Removal.objects.last_of(*models_)` as a column of another query (NULL: never), so
    that a page reads it with rows it reads anyway."""
    labels = [model._meta.label_lower for model in models_]
    return Subquery(
        Removal.objects.filter(model__in=labels).order_by("-removed_at").values("removed_at")[:1]
    )


class Removal(models.Model):
    """When rows of a model were last deleted, cascades included.

    A deletion leaves no row to carry an `updated_at`: this is what moves a dataset's
    version and a sitemap's last-modified date when something the public saw is deleted.
    Written by `services.removals_record()`; one row per model.
    """

    model = models.CharField(_("model"), max_length=100, unique=True)
    removed_at = models.DateTimeField(_("last deletion"))

    objects = RemovalQuerySet.as_manager()

    class Meta:
        ordering = ["model"]
        verbose_name = _("deletion record")
        verbose_name_plural = _("deletion records")

    def __str__(self):
        return f"{self.model}: {self.removed_at:%Y-%m-%d %H:%M:%S}"


PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,28}[0-9]$")


def validate_phones(value: str) -> None:
    for line in value.splitlines():
        if line.strip() and not PHONE_RE.match(line.strip()):
            raise ValidationError(
                _(
                    "“%(line)s” is not a phone number. "
                    "Write one number a line, as +7 495 000-00-00."
                ),
                params={"line": line.strip()},
                code="invalid_phone",
            )


class PressContacts(models.Model):
    """How journalists reach the press service: one row, shown in the footer of every page
    and on the front page."""

    singleton = models.BooleanField(default=True, editable=False)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "The office as journalists know it, e.g. “Press service of the FCS of Russia”."
        ),
    )
    address = models.TextField(
        _("postal address"),
        blank=True,
        help_text=_("As written on an envelope; each line of the address on a line of its own."),
    )
    phones = models.TextField(
        _("phone numbers"),
        blank=True,
        validators=[validate_phones],
        help_text=_("One number a line, with the country code: +7 495 000-00-00."),
    )
    email = models.EmailField(_("email"), blank=True)
    hours = models.TextField(
        _("hours"),
        blank=True,
        help_text=_("When the press service answers, and anything else journalists should know."),
    )
    accreditation = models.TextField(
        _("accreditation"),
        blank=True,
        help_text=_("How a journalist is accredited for the service's events."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("press service contacts")
        verbose_name_plural = _("press service contacts")
        constraints = [
            models.UniqueConstraint(fields=["singleton"], name="fcs_site_presscontacts_one_row"),
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="fcs_site_presscontacts_singleton"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self._meta.verbose_name)

    def get_absolute_url(self) -> str:
        return reverse("contacts")

    def phone_numbers(self) -> list[dict]:
        """Each number as written, and its `tel:` address (digits and a leading plus)."""
        numbers = []
        for line in (self.phones or "").splitlines():
            if number := line.strip():
                digits = re.sub(r"[^0-9]", "", number)
                href = f"tel:{'+' if number.startswith('+') else ''}{digits}"
                numbers.append({"number": number, "href": href})
        return numbers
