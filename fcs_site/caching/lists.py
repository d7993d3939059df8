"""The numbering of long news lists, kept for the version of the list's tag.

`news.pagination.AnchoredPaginator` numbers a list once (its total, and the sort key of
every tenth page's first row) so that page N costs one index range scan. Numbering a list
of 93 000 articles is one query of tens of milliseconds: `make bench` (100 000 articles)
measured the news list uncached at 0.39 × bare Django with it kept, against 0.02 without.
It is kept here, for the version of the list's tag: an article entering or leaving the
list renumbers it, and nothing else does.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from . import tags
from .invalidation import SITE, list_tag


class TaggedNumbering:
    """`news.pagination.AnchoredPaginator.numbering`: `get(list_key, subject, build)`."""

    def get(self, list_key: str, subject: tuple, build):
        tag = list_tag(*subject)
        versions = tags.versions([tag, SITE])
        stamp = f"{list_key}|{tag}|{versions[tag]}|{versions[SITE]}"
        key = "numbering:" + hashlib.sha256(stamp.encode()).hexdigest()
        numbering = cache.get(key)
        if numbering is None:
            numbering = build()
            cache.set(key, numbering, settings.FCS_NEWS_LIST_CACHE_SECONDS)
        return numbering
