"""One counter for rate limits kept in Django's cache (Redis across app servers).

A key's window starts at its first use and lasts `seconds`; the uses in it are one atomic
counter (with Redis one round trip: `portal.redis_cache`), so concurrent requests on several
app servers are all counted and a busy client costs no more than a quiet one.
"""

import re

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE = re.compile(r"\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour|d|day)s?\s*", re.IGNORECASE)


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/min" → (120, 60): uses per window of seconds (second, minute, hour or day)."""
    matched = RATE.fullmatch(rate or "")
    if matched is None or int(matched[1]) < 1:
        raise ImproperlyConfigured(
            f"{rate!r}: write a number of requests per second, minute, hour or day, e.g. 120/min"
        )
    return int(matched[1]), UNIT_SECONDS[matched[2][0].lower()]


def _used(key: str, seconds: int) -> int:
    """One more use of `key`; the uses in its current window so far."""
    incr_with_expiry = getattr(cache, "incr_with_expiry", None)
    if incr_with_expiry is not None:
        return incr_with_expiry(key, seconds)
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1


def wait_after_use(key: str, limit: int, seconds: int) -> float | None:
    """Counts one more use of `key`: None while it is within `limit` uses in its window of
    `seconds`, else the seconds until the window ends (the whole window where the cache
    cannot tell). Refused uses count too: a client that does not wait stays refused."""
    if _used(key, seconds) <= limit:
        return None
    remaining = getattr(cache, "seconds_left", None)
    left = remaining(key) if remaining is not None else None
    return float(left if left is not None and left > 0 else seconds)


def counted(key: str, limit: int, seconds: int) -> bool:
    """One more use of `key`; False once it is over `limit` within its window of `seconds`."""
    return wait_after_use(key, limit, seconds) is None
