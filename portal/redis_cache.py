"""Django's Redis cache, with one client object per connection pool instead of one per call.

Django's RedisCacheClient builds a new `redis.Redis` for every cache operation, and its
constructor fills a table of some 170 response callbacks each time: on a public page cache hit
(portal.public_cache), which asks Redis once, that was a noticeable share of the whole request
(docs/performance.md, "Cache hits"). A `redis.Redis` is safe to share between threads (each
command takes a connection from the pool), and its pool starts afresh in a forked process, so
keeping it changes nothing but the cost.
"""

from django.core.cache.backends import redis


class ReusingRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def incr_with_expiry(self, key, timeout: int) -> int:
        """Adds one to the number at `key`, created with `timeout` if missing; one round trip
        (Django's add and incr take three): the counter of portal.rate_limits. Both commands
        in one transaction, so a key can never be counted without its expiry."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        with client.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            _, used = pipe.execute()
        return used

    def seconds_left(self, key) -> float | None:
        """How long `key` is kept yet (None: not there, or kept for ever)."""
        key = self.make_and_validate_key(key)
        left = self._cache.get_client(key, write=True).pttl(key)
        return left / 1000 if left >= 0 else None
