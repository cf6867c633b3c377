"""The portal's URLs plus /bench/bare/: a Django view that returns a fixed page.

The bare view goes through the same middleware stack as every page but does no database
work and renders no template, so its throughput is what this server, this Python and this
middleware can do at best: the framework's own limit for a page of that size. Its size is
BENCH_BARE_BYTES (bench/load.py sets it to the size of the catalogue page);
/bench/bare/<bytes>/ answers a page of any other size, the reference for each cached page.
"""

import functools
import os

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns

BARE_BYTES = int(os.environ.get("BENCH_BARE_BYTES", "50000"))


def page_of(size: int) -> bytes:
    head = b"<!doctype html><html lang=da><head><meta charset=utf-8><title>Bare</title></head>"
    head += b"<body>"
    tail = b"</body></html>\n"
    line = b"<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n"
    filler = size - len(head) - len(tail)
    body = (line * (filler // len(line) + 1))[: max(filler, 0)]
    return head + body + tail


BODY = page_of(BARE_BYTES)
MAX_BYTES = 2_000_000


def bare(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


@functools.cache
def _page_of_size(size: int) -> bytes:
    return page_of(min(size, MAX_BYTES))


def bare_of_size(request, size: int):
    """The same, with the size in the address: the reference for a page of that size."""
    return HttpResponse(_page_of_size(size), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/bare/<int:size>/", bare_of_size, name="bench-bare-size"),
    *portal_urlpatterns,
]
