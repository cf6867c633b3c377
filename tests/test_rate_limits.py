"""The rate limits' counter (portal.rate_limits): exact under concurrency, always expiring,
and the API's rate read from settings."""

import threading
import time

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from portal import rate_limits
from portal.rate_limits import counted, parse_rate, wait_after_use
from tests.test_public_cache import _redis_reachable

REDIS = {"BACKEND": "portal.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/13"}
LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rate-test"}
BACKENDS = [
    pytest.param(LOCAL, id="local-memory"),
    pytest.param(
        REDIS,
        id="redis",
        marks=pytest.mark.skipif(not _redis_reachable(), reason="needs Redis at 127.0.0.1:6379"),
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    with override_settings(CACHES={"default": request.param}):
        cache = caches["default"]
        monkeypatch.setattr(rate_limits, "cache", cache)
        cache.clear()
        yield cache
        cache.clear()


def test_uses_within_the_limit_pass_and_the_next_waits_for_the_window(backend):
    key = f"test-rate:{time.monotonic_ns()}"
    assert [wait_after_use(key, 3, 60) for _ in range(3)] == [None, None, None]
    time.sleep(0.3)
    wait = wait_after_use(key, 3, 60)
    assert wait is not None and 0 < wait <= 60
    if hasattr(backend, "seconds_left"):
        assert wait < 59.9  # how long is left of the window, read from Redis
    assert not counted(key, 3, 60)  # refused uses count: still refused
    assert counted(f"{key}:other", 3, 60)  # another client is counted on its own


def test_a_new_window_starts_after_the_old_one_ends(backend):
    key = f"test-rate-window:{time.monotonic_ns()}"
    assert counted(key, 1, 1)
    assert not counted(key, 1, 1)
    time.sleep(1.2)
    assert counted(key, 1, 1)


@pytest.mark.skipif(not _redis_reachable(), reason="needs Redis at 127.0.0.1:6379")
def test_with_redis_concurrent_uses_are_all_counted_and_the_key_always_expires(monkeypatch):
    """DRF's throttle read, extended and wrote back a list per client: two workers at once
    lost a use. The counter is one atomic increment, its expiry set in the same transaction."""
    with override_settings(CACHES={"default": REDIS}):
        cache = caches["default"]
        monkeypatch.setattr(rate_limits, "cache", cache)
        key = f"test-rate-threads:{time.monotonic_ns()}"
        allowed = []

        def use():
            for _ in range(50):
                allowed.append(counted(key, 300, 60))

        threads = [threading.Thread(target=use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert allowed.count(True) == 300 and allowed.count(False) == 100
        assert cache.get(key) == 400  # as the cache reads it
        assert 0 < cache.seconds_left(key) <= 60
        cache.delete(key)


@pytest.mark.parametrize(
    "rate, expected",
    [
        ("120/min", (120, 60)),
        ("2000/hour", (2000, 3600)),
        ("5/s", (5, 1)),
        (" 10 / Day ", (10, 86400)),
    ],
)
def test_rates_are_read_as_documented(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize(
    "rate", ["", "abc", "120", "120/", "0/min", "-1/min", "120/week", "1/month", "1.5/min"]
)
def test_a_mistyped_rate_is_refused_by_the_system_check(rate):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(rate)
    from portal.checks import api_rate_check

    with override_settings(API_RATE=rate):
        assert [error.id for error in api_rate_check(None)] == ["portal.E001"]
