"""The WSGI entry point takes the worker's long-lived objects out of the garbage collector's
walks (portal/heap.py, issue #17): without it a full collection of ~320,000 objects paused a
worker for 100–150 ms every few dozen requests, the tail of every page's latency."""

import gc
import itertools
import os
import subprocess
import sys
import weakref

import pytest
from django.conf import settings
from django.core.signals import request_finished

from portal import heap


@pytest.fixture
def thawed(monkeypatch):
    """Each test starts with a fresh request count and leaves the test process as it was."""
    monkeypatch.setattr(heap, "_served", itertools.count(1))
    yield
    request_finished.disconnect(dispatch_uid="portal.heap.after_request")
    gc.unfreeze()


def test_the_wsgi_application_starts_with_its_objects_frozen():
    # In a process of its own, as gunicorn's worker imports it: the test process must not
    # freeze the suite's objects, and an import is done once a process.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "1",
        "DATABASE_URL": "sqlite:////tmp/unused-by-this-test.sqlite3",
    }
    script = (
        "import gc, portal.wsgi; "
        "from django.core.signals import request_finished; "
        "print(gc.get_freeze_count(), len(gc.get_objects()), "
        "request_finished.has_listeners())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, still_walked, listening = done.stdout.split()
    # Django, the apps, every URL module and view: well over 100,000 objects, against the
    # few left to walk.
    assert int(frozen) > 100_000
    assert int(still_walked) < int(frozen) / 10
    assert listening == "True"


def test_garbage_is_collected_before_the_rest_is_frozen(thawed):
    class Node:
        pass

    cycle = Node()
    cycle.itself = cycle  # garbage only the cyclic collector can free
    gone = weakref.ref(cycle)
    del cycle
    heap.freeze_long_lived()
    assert gone() is None, "garbage frozen with the living would never be freed"


@pytest.mark.django_db
def test_the_first_requests_freeze_what_they_left_alive(thawed, client):
    heap.settle_for_serving()
    after_start = gc.get_freeze_count()
    # What a first request creates for good (compiled templates, cached addresses).
    kept = [[number] for number in range(1000)]
    client.get("/")
    after_first = gc.get_freeze_count()
    assert after_first >= after_start + len(kept)

    for _ in range(8):  # requests 2–9: nothing frozen (what was frozen may still be freed)
        client.get("/")
    assert gc.get_freeze_count() <= after_first
    client.get("/")  # the 10th
    assert gc.get_freeze_count() > after_first
