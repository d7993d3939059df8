"""Page numbers for long article lists whose deep pages cost what the first one costs.

`?page=N` stays the address of a page, but no request counts the list or skips N pages
of rows. For each list (language, rubric or topic) one query numbers the rows once and
keeps the total and an *anchor* every `anchor_every` pages: the sort key
(published_at, id) of that page's first row. Page N starts at the nearest anchor at or
before it (an index range scan) and skips at most `anchor_every - 1` pages of rows.

The total and the anchors are cached under the content version that the page cache
middleware puts on the request, so any change to published content renumbers every
list at once. Each worker also keeps the total and the ids of the pages it shows for
the version (`PAGES`): a page read again costs no query and no round trip, and the
queryset is not even built. Without a version (no middleware) everything is computed
for each request.
"""

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, Q, Window
from django.db.models.functions import Mod, RowNumber
from django.utils.functional import cached_property

from committees.content import VersionMemo

ORDERING = ("-published_at", "-pk")
# Anchors are cached in groups of this many, so a request reads one small value.
ANCHOR_GROUP = 64
# Each worker keeps the totals and the ids of the pages read most for the content version:
# a page read again costs no query and no round trip (entries are a few hundred bytes).
PAGES = VersionMemo(size=2048)


class AnchoredPaginator(Paginator):
    """A Paginator over articles ordered newest first (published_at, then id)."""

    def __init__(self, object_list, per_page, *, list_key, version=None, anchor_every=10, **kwargs):
        # `object_list`: the articles, or a function that makes them, called only when
        # neither this worker nor the cache has what a page needs.
        super().__init__(object_list, per_page, **kwargs)
        self.list_key = list_key
        self.version = version
        self.anchor_every = anchor_every

    def _key(self, part) -> str:
        shape = f"{self.per_page}x{self.anchor_every}"
        return f"news-list:{self.version}:{self.list_key}:{shape}:{part}"

    @property
    def object_list(self):
        if self._ordered is None:
            rows = self._rows() if callable(self._rows) else self._rows
            self._ordered = rows.order_by(*ORDERING)
        return self._ordered

    @object_list.setter
    def object_list(self, rows):
        self._rows, self._ordered = rows, None

    def _check_object_list_is_ordered(self):
        pass  # always newest first (`object_list`)

    @cached_property
    def _numbered(self) -> tuple[int, list]:
        """One query: the total and the sort key of every anchor row, in order."""
        rows_per_anchor = self.per_page * self.anchor_every
        rows = (
            self.object_list.select_related(None)
            .order_by()
            .annotate(
                row=Window(RowNumber(), order_by=[F("published_at").desc(), F("pk").desc()]),
                total=Window(Count("pk")),
            )
            .annotate(slot=Mod(F("row") - 1, rows_per_anchor, output_field=IntegerField()))
            .filter(slot=0)
            .values_list("row", "published_at", "pk", "total")
        )
        numbered = sorted(rows)
        total = numbered[0][3] if numbered else 0
        return total, [(published_at, pk) for _row, published_at, pk, _total in numbered]

    def _lookup(self, block: int | None) -> tuple[int, tuple | None]:
        """The total, and the anchor of `block` (None for the first block)."""
        group = None if not block else block // ANCHOR_GROUP
        keys = [self._key("count")] + ([] if group is None else [self._key(f"group{group}")])
        if self.version is not None:
            found = cache.get_many(keys)
            if len(found) == len(keys):
                anchors = found.get(keys[-1]) if group is not None else None
                anchor = anchors[block % ANCHOR_GROUP] if anchors else None
                return found[keys[0]], anchor
        total, anchors = self._numbered
        if self.version is not None:
            values = {self._key("count"): total}
            for start in range(0, len(anchors), ANCHOR_GROUP):
                values[self._key(f"group{start // ANCHOR_GROUP}")] = anchors[
                    start : start + ANCHOR_GROUP
                ]
            cache.set_many(values, settings.FCS_NEWS_LIST_CACHE_SECONDS)
        return total, (anchors[block] if block and block < len(anchors) else None)

    def _memo_key(self, part) -> tuple:
        return (self.list_key, self.per_page, self.anchor_every, part)

    @cached_property
    def count(self) -> int:
        return PAGES.get(self.version, self._memo_key("count"), lambda: self._lookup(None)[0])

    def page(self, number):
        number = self.validate_number(number)
        ids = PAGES.get(self.version, self._memo_key(number), lambda: self._page_ids(number))
        return self._get_page(ids, number, self)

    def _page_ids(self, number: int) -> tuple[int, ...]:
        """The ids of page `number`, read from the nearest anchor: the cards are rendered
        from them (news_tags.article_cards)."""
        block, within = divmod(number - 1, self.anchor_every)
        rows, bottom = self.object_list, (number - 1) * self.per_page
        if block:
            _total, anchor = self._lookup(block)
            # Without it (only if the cache lost a group mid-way), skip from the start.
            if anchor is not None:
                published_at, pk = anchor
                rows = rows.filter(published_at__lte=published_at).filter(
                    Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lte=pk)
                )
                bottom = within * self.per_page
        return tuple(rows.values_list("pk", flat=True)[bottom : bottom + self.per_page])
