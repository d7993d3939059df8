"""What the apps tell the rest of the site about changes to public rows.

Saving and deleting send Django's own model signals; bulk updates send `rows_updated`,
for which Django has none. The project listens (the page cache: fcs_site/caching/).
Committees imports nothing from news or the project: the project's functions that fill
derived columns and note deletions are named in settings (FCS_CONTENT_SAVED,
FCS_CONTENT_DELETED).
"""

from django.conf import settings
from django.db import models, transaction
from django.dispatch import Signal
from django.utils.module_loading import import_string

# Sent after `QuerySet.update()` on a public model: sender the model, `pks` the rows.
rows_updated = Signal()


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
    """Bulk updates (an admin action) send `rows_updated`, since Django sends no signal for them."""

    def update(self, **kwargs):
        pks = list(self.values_list("pk", flat=True))
        rows = super().update(**kwargs)
        if pks:
            rows_updated.send(sender=self.model, pks=pks)
        return rows

    def delete(self):
        # Each row deleted sends Django's own pre_delete and post_delete.
        with transaction.atomic(using=self.db):
            return rows_deleted(super().delete())


class PublicContent:
    """A model the public sees: its site-search columns are filled after each save, and
    deletions are noted (for dataset versions and sitemap dates)."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        row_saved(self, using=kwargs.get("using") or self._state.db)

    def delete(self, *args, **kwargs):
        # The rows and the note of their deletion go together, or not at all.
        with transaction.atomic(using=kwargs.get("using") or self._state.db):
            return rows_deleted(super().delete(*args, **kwargs))
