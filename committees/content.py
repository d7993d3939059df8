"""Saving or deleting what the public sees makes cached pages stale at once.

Used by the committees' models and by news (which may import committees; committees
imports nothing from news or the project): the functions to call are named in settings
(FCS_CONTENT_CHANGED, FCS_CONTENT_SAVED, FCS_CONTENT_DELETED).
"""

from django.conf import settings
from django.db import models, transaction
from django.utils.module_loading import import_string


def content_changed() -> None:
    """Tell the site that something the public sees has changed: cached pages go stale.

    Called at once, and again when the transaction commits so that no page rendered from
    the old rows in between survives.
    """
    changed = import_string(settings.FCS_CONTENT_CHANGED)
    changed()
    transaction.on_commit(changed)


def rows_deleted(deleted: tuple[int, dict[str, int]]) -> tuple[int, dict[str, int]]:
    """Let the project note a deletion (`deleted` as `delete()` returns it: the total and
    the rows per model label, cascades included) through FCS_CONTENT_DELETED: a dataset's
    version and a sitemap's date move on a deletion as on an edit."""
    hook = getattr(settings, "FCS_CONTENT_DELETED", "")
    if hook and deleted[0]:
        import_string(hook)(deleted=deleted[1])
    return deleted


def row_saved(instance, *, using: str) -> None:
    """Let the project fill what it derives from a saved row (the site search's columns):
    the function named in settings (FCS_CONTENT_SAVED), which committees does not import."""
    hook = getattr(settings, "FCS_CONTENT_SAVED", "")
    if hook:
        import_string(hook)(instance, using=using)


class ContentQuerySet(models.QuerySet):
    """Bulk writes (`update()`, the admin's "delete selected") also mark content changed."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        content_changed()
        return rows

    def delete(self):
        with transaction.atomic(using=self.db):
            deleted = rows_deleted(super().delete())
        content_changed()
        return deleted


class PublicContent:
    """A model the public sees: saving or deleting a row makes cached pages stale."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        row_saved(self, using=kwargs.get("using") or self._state.db)
        content_changed()

    def delete(self, *args, **kwargs):
        # The rows and the note of their deletion go together, or not at all.
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            deleted = rows_deleted(super().delete(*args, **kwargs))
        content_changed()
        return deleted
