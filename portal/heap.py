"""Python's cyclic garbage collector in a long-running web worker (issue #17).

A worker that has served each kind of page holds about 320,000 objects that live as long as
the process: Django and the apps, the URL patterns, compiled templates, translations, the
API's schema. CPython's collection of its oldest generation walks all of them, 100–150 ms on
the benchmark's machine, and every request queued behind that worker waits it out: at 8
connections on 2 workers those pauses were most of the pages' p95 above their p50. Moved to
the permanent generation with `gc.freeze()` (the standard library's advice for servers that
live long), they are never walked again, and a collection of what requests leave behind
costs a few milliseconds.

Freezing keeps whatever is alive at that moment for the life of the process, so it is done
after a full collection (no garbage is frozen) and only a few times: when the application
is loaded and after the 1st, 10th, 100th and 1000th request, by which time each kind of
page has compiled its templates and filled the framework's caches. What a request still
holds then (the finished request and its response, some hundred kilobytes) is kept at most
those four times.
"""

import gc
import itertools

from django.core.signals import request_finished

FREEZE_AFTER_REQUESTS = frozenset({1, 10, 100, 1000})

_served = itertools.count(1)


def freeze_long_lived() -> None:
    """Collect what is garbage now, then take everything still alive out of the collector's
    walks for good."""
    gc.collect()
    gc.freeze()


def _after_request(**kwargs) -> None:
    # itertools.count: one atomic step under the GIL, so threads of a worker never skip or
    # repeat a number (at worst a freeze runs while another thread's request is alive).
    if next(_served) in FREEZE_AFTER_REQUESTS:
        freeze_long_lived()


def settle_for_serving() -> None:
    """Called once by the WSGI entry point (portal/wsgi.py), so a test run or a management
    command is never affected: the URL patterns and every view module are loaded (as the
    first request would), what is alive is frozen, and the freezes after the first requests
    are arranged."""
    from django.urls import get_resolver

    get_resolver().resolve("/")  # imports every URL module and view, as a first request would
    freeze_long_lived()
    request_finished.connect(_after_request, dispatch_uid="portal.heap.after_request")
