"""Saving or deleting what the public sees makes cached pages stale at once.

The same few lines as in news/models.py: committees imports nothing from news or the
project; the function to call is named in settings (FCS_CONTENT_CHANGED).
"""

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string


def content_changed() -> None:
    changed = import_string(settings.FCS_CONTENT_CHANGED)
    changed()
    transaction.on_commit(changed)


class ContentQuerySet(models.QuerySet):
    """Bulk writes (`update()`, the admin's "delete selected") also mark content changed."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        content_changed()
        return rows

    def delete(self):
        deleted = super().delete()
        content_changed()
        return deleted


class PublicContent:
    """A model the public sees: saving or deleting a row makes cached pages stale."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        content_changed()
        return deleted
