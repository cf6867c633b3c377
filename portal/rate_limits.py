"""One counter for rate limits kept in Django's cache (Redis across app servers)."""

from django.core.cache import cache


def counted(key: str, limit: int, seconds: int) -> bool:
    """One more use of `key`; False once it is over `limit` within `seconds`."""
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return True
