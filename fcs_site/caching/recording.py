"""Which rows and lists a page shows, noted while it is made.

The page cache middleware opens a record for each request it may store. Every row of a
public model that is loaded while the record is open is noted by `post_init` (a row the
page never loads cannot be on it), and views that show a list note the list's tag.
"""

from contextlib import contextmanager
from contextvars import ContextVar

# Past this many rows, a page is tagged with their models instead (`<label>:*`, bumped
# with every row): a sitemap or a long feed would otherwise carry thousands of tags.
MAX_ROW_TAGS = 200

_current: ContextVar[set | None] = ContextVar("fcs_page_tags", default=None)
# The tick when the page being recorded began (`tags.current_tick`): what a fragment made
# for it may be kept with (see `fragments`).
_started: ContextVar[int | None] = ContextVar("fcs_page_started", default=None)


@contextmanager
def recording(started: int | None = None):
    """Note the tags of what is loaded inside the block into the set it yields; `started`
    is the tick before anything was read (None: whatever is made inside is not kept)."""
    tags: set[str] = set()
    token = _current.set(tags)
    started_token = _started.set(started)
    try:
        yield tags
    finally:
        _started.reset(started_token)
        _current.reset(token)


def shown() -> set[str]:
    """A copy of the tags noted so far for the page being made (empty when none is)."""
    return set(_current.get() or ())


def started() -> int | None:
    """The tick the page being recorded began at; None when nothing made now is kept."""
    return _started.get()


def record(*tags: str) -> None:
    """Note that the page being made shows `tags` (nothing when no page is recorded)."""
    current = _current.get()
    if current is not None:
        current.update(tags)


def model_tag(label: str) -> str:
    return f"{label}:*"


def coarse(tags: set[str]) -> set[str]:
    """`tags` with the rows of any model past `MAX_ROW_TAGS` replaced by its model's tag."""
    rows = [tag for tag in tags if not tag.startswith("list:") and not tag.endswith(":*")]
    if len(rows) <= MAX_ROW_TAGS:
        return tags
    kept = tags - set(rows)
    kept.update(model_tag(tag.rpartition(":")[0]) for tag in rows)
    return kept


def shows_every_row_of(*labels: str):
    """A view decorator: the view's pages show something of every row of these models
    (a dataset's date of last change), so any change to any of them makes them stale."""
    import functools

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            record(*(model_tag(label) for label in labels))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
