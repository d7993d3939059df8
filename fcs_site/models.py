from datetime import datetime

from django.db import models
from django.db.models import Max, Subquery
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
