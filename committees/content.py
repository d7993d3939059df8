"""Saving or deleting what the public sees makes cached pages stale at once.

Used by the committees' models and by news (which may import committees; committees
imports nothing from news or the project): the functions to call are named in settings
(FCS_CONTENT_CHANGED, FCS_CONTENT_SAVED, FCS_CONTENT_DELETED).
"""

import functools
import io
import pickle
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings
from django.db import models, transaction
from django.db.models.signals import m2m_changed
from django.urls import get_script_prefix, get_urlconf
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from modeltranslation.manager import MultilingualQuerySet, multilingual_queryset_factory


def content_changed() -> None:
    """Tell the site that something the public sees has changed: cached pages go stale.

    Called at once, and again when the transaction commits so that no page rendered from
    the old rows in between survives.
    """
    changed = import_string(settings.FCS_CONTENT_CHANGED)
    changed()
    transaction.on_commit(changed)


def _links_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        content_changed()


def watch_links(*fields) -> None:
    """Links between public rows (many-to-many `fields`, given as `Model.field`) show on
    pages too: adding or removing one marks content changed, as saving a row does, even
    when no row is saved with it (`article.sessions.add(session)`)."""
    for field in fields:
        m2m_changed.connect(_links_changed, sender=field.through, weak=False)


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


def version_of(request):
    """The content version the page cache middleware read for `request` (None without it,
    or when the cache is unreachable: then nothing is kept)."""
    return getattr(request, "content_version", None)


@functools.cache
def _multilingual_class(queryset_class):
    return multilingual_queryset_factory(queryset_class, instantiate=False)


def _multilingual_queryset(queryset_class):
    return _multilingual_class(queryset_class)()


class _Pickler(pickle.Pickler):
    """Pickles modeltranslation's querysets (the rows prefetched for a page) so that each
    unpickling reuses one class per queryset class: modeltranslation's own __reduce__
    builds a new class every time, a third of the time it takes to unpickle an article."""

    def reducer_override(self, obj):
        if isinstance(obj, MultilingualQuerySet):
            factory, args, *rest = obj.__reduce__()
            if factory is multilingual_queryset_factory:
                return (_multilingual_queryset, args, *rest)
        return NotImplemented


def freeze(value) -> bytes:
    """`value` pickled, for `pickle.loads()` in this process."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


class VersionMemo:
    """Data that many pages share (the ids of a list, a rubric, a list of choices), kept
    in this process for one content version: no round trip to read it, and fresh at once
    on every machine, because the page cache middleware reads the version with every
    request anyway (`request.content_version`).

    The `size` most recently used keys are kept. Hold only values no request changes
    (tuples, strings, numbers), or copy them out. Without a version (no page cache
    middleware, the cache unreachable) every call builds the value.
    """

    # Every memo of the process, for `clear_all()`.
    instances: "weakref.WeakSet[VersionMemo]" = weakref.WeakSet()

    def __init__(self, size: int = 64):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()  # for threaded workers
        VersionMemo.instances.add(self)

    @classmethod
    def clear_all(cls) -> None:
        """Empty every memo: for tests, whose clock (and so a fresh version number) may
        be set back to a moment an earlier test already used."""
        for memo in list(cls.instances):
            memo.clear()

    def get(self, version, key, build: Callable):
        if version is None:
            return build()
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None and entry[0] == version:
                self.entries.move_to_end(key)
                return entry[1]
        value = build()  # outside the lock: it may read the database
        self.set_many(version, {key: value})
        return value

    def get_pickled(self, version, key, build: Callable, max_bytes: int = 64 * 1024):
        """`build()` kept pickled: each call unpickles a copy of its own, so model rows
        (with what was prefetched for them) are never shared between requests. A value
        larger than `max_bytes` pickled is not kept."""
        if version is None:
            return build()
        frozen = self.get_many(version, [key]).get(key)
        if frozen is None:
            value = build()  # may raise (Http404): nothing is kept
            frozen = freeze(value)
            if len(frozen) > max_bytes:
                return value
            self.set_many(version, {key: frozen})
        return pickle.loads(frozen)  # pickled by this process

    def kept(self, key):
        """(version, value) kept under `key`, whatever the version; None if nothing is.
        Counts as a use of the key."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def get_many(self, version, keys) -> dict:
        """Those of `keys` kept for `version`, with their values."""
        found = {}
        if version is None:
            return found
        with self.lock:
            for key in keys:
                entry = self.entries.get(key)
                if entry is not None and entry[0] == version:
                    self.entries.move_to_end(key)
                    found[key] = entry[1]
        return found

    def set_many(self, version, values: dict) -> None:
        if version is None:
            return
        with self.lock:
            for key, value in values.items():
                self.entries[key] = (version, value)
                self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


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


# {field: {value: label}} of the fields with choices that public pages show the labels of.
_CHOICE_LABELS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class PublicContent:
    """A model the public sees: saving or deleting a row makes cached pages stale."""

    def _get_FIELD_display(self, field):
        """`get_<field>_display()` with the field's labels read once per worker.

        Django's own builds a dict of every choice on each call (about 25 µs); a body
        page shows a dozen labels. The labels stay lazy: each call translates its own.
        """
        if not isinstance(field.choices, (list, tuple)):  # callable choices: read each time
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        try:
            labels = _CHOICE_LABELS.get(field)
            if labels is None:
                labels = _CHOICE_LABELS[field] = dict(make_hashable(field.flatchoices))
            label = labels.get(make_hashable(value), value)
        except TypeError:  # a value that cannot be a key: Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)

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


# The list items a worker wrote for the content version, by kind, language and row, as it
# keeps article cards: a body's timeline and its links to other bodies, and the links of an
# article's "WCO bodies" box, are the same on every request until some content changes.
ITEMS = VersionMemo(size=4096)


def kept_items(context, kind: str, objects, write) -> str:
    """`write(obj)` for each of `objects` (model rows), joined, each item written once per
    content version, language and script prefix in this worker."""
    objects = list(objects)
    version = version_of(context.get("request"))
    language = get_language()
    # Links are written under the script prefix (a site mounted at /press/) and URLconf.
    place = (get_script_prefix(), get_urlconf())
    keys = [(kind, language, place, obj._meta.label_lower, obj.pk) for obj in objects]
    found = ITEMS.get_many(version, keys)
    written = {}
    for key, obj in zip(keys, objects, strict=True):
        if key not in found:
            written[key] = found[key] = write(obj)
    ITEMS.set_many(version, written)
    return mark_safe("".join(found[key] for key in keys))
