"""The benchmark's limit: a bare Django view (served only with FCS_BENCH_ENDPOINTS on)."""

import functools

from django.conf import settings
from django.http import Http404, HttpResponse

MAX_BARE_BYTES = 1_000_000


@functools.lru_cache(maxsize=16)
def fixed_page(size: int) -> bytes:
    head = b'<!DOCTYPE html>\n<html lang="en"><head><title>bare</title></head><body><p>'
    tail = b"</p></body></html>\n"
    return head + b"x" * max(0, size - len(head) - len(tail)) + tail


def bare_page(request, size: int):
    """A fixed page of `size` bytes through the whole middleware stack, with no template."""
    if not settings.FCS_BENCH_ENDPOINTS or size > MAX_BARE_BYTES:
        raise Http404
    return HttpResponse(fixed_page(size), content_type="text/html; charset=utf-8")
