"""Page numbers for long article lists whose deep pages cost what the first one costs.

`?page=N` stays the address of a page, but no request counts the list or skips N pages
of rows. One query numbers the list's rows: its total, and an *anchor* every
`anchor_every` pages, the sort key (published_at, id) of that page's first row. Page N
starts at the nearest anchor at or before it (an index range scan) and skips at most
`anchor_every - 1` pages of rows.

Without a `numbering` store every request numbers the list again. The site's caching
package sets one (`fcs_site/caching/lists.py`) that keeps the numbering until an article
enters or leaves the list.
"""

from django.core.paginator import Paginator
from django.db.models import Count, F, IntegerField, Q, Window
from django.db.models.functions import Mod, RowNumber
from django.utils.functional import cached_property

ORDERING = ("-published_at", "-pk")


class AnchoredPaginator(Paginator):
    """A Paginator over articles ordered newest first (published_at, then id)."""

    # An object with `get(list_key, subject, build)` returning `build()` or a kept copy of
    # it; `subject` is the list's (kind, pk) as `news.signals.list_shown` names it.
    numbering = None

    def __init__(self, object_list, per_page, *, list_key, subject=("all", None), anchor_every=10,
                 **kwargs):  # fmt: skip
        super().__init__(object_list, per_page, **kwargs)
        self.list_key = f"{list_key}:{per_page}x{anchor_every}"
        self.subject = subject
        self.anchor_every = anchor_every

    def _check_object_list_is_ordered(self):
        pass  # always newest first

    def _number(self) -> tuple[int, list]:
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

    @cached_property
    def _numbered(self) -> tuple[int, list]:
        if self.numbering is None:
            return self._number()
        return self.numbering.get(self.list_key, self.subject, self._number)

    @cached_property
    def count(self) -> int:
        return self._numbered[0]

    def page(self, number):
        number = self.validate_number(number)
        return self._get_page(self._page_rows(number), number, self)

    def _page_rows(self, number: int):
        """The rows of page `number`, from the nearest anchor (read when first used: a
        fragment of the page kept rendered needs none of them)."""
        block, within = divmod(number - 1, self.anchor_every)
        rows, bottom = self.object_list.order_by(*ORDERING), (number - 1) * self.per_page
        anchors = self._numbered[1]
        if block and block < len(anchors):
            published_at, pk = anchors[block]
            rows = rows.filter(published_at__lte=published_at).filter(
                Q(published_at__lt=published_at) | Q(published_at=published_at, pk__lte=pk)
            )
            bottom = within * self.per_page
        return rows[bottom : bottom + self.per_page]
