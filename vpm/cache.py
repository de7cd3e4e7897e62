"""The Django cache on Redis, falling back to process memory while Redis is away.

What uses the cache: DRF's API throttles, allauth's sign-in rate limits and
its TOTP replay guard (a code once used is remembered for its 30 s window).
With a plain RedisCache a stopped Redis made every API request and every
sign-in answer 500, and a hung one made each of them wait.

Decision: keep working, with limits per process instead of shared ones.
When a Redis call fails or times out (0.5 s, see settings), this cache logs
one warning, answers from a local-memory cache, and does not try Redis again
for `RETRY_AFTER` seconds, so a dead Redis costs one short wait per process
and interval, not one per call. Throttles and rate limits keep counting, per
web process (so an attacker gets at most the limit times the number of
processes) rather than being switched off. When Redis answers again, the
shared counters take over; the local ones are simply forgotten.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 10.0  # seconds without trying Redis after a failure
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Shared by every thread of the process (Django makes one cache object per thread).
_redis_down_until: dict[str, float] = {}
_lock = threading.Lock()


class OneClientPerPool(RedisCacheClient):
    """Django's Redis client, keeping one `redis.Redis` per connection pool.

    Django makes a new `redis.Redis` for every cache call; with redis-py 8 that
    cost about 60 µs, half a loopback round trip, twice per API request (the
    throttle). redis-py clients are thread-safe: each command takes a
    connection from the shared pool."""

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientPerPool
        self._key = str(server)
        # LocMemCache instances with the same name share their storage.
        self._fallback = LocMemCache(f"vpm-fallback:{self._key}", params)

    def redis_is_down(self) -> bool:
        return time.monotonic() < _redis_down_until.get(self._key, 0.0)

    def count_hit(self, key, other_key, *, timeout):
        """`count_hit` on Redis: INCR, EXPIRE NX and GET in one pipelined round trip;
        while Redis is away, on the process's own fallback cache."""
        if not self.redis_is_down():
            redis_key = self.make_and_validate_key(key)
            pipe = self._cache.get_client(redis_key, write=True).pipeline(transaction=False)
            pipe.incr(redis_key)
            pipe.expire(redis_key, timeout, nx=True)
            pipe.get(self.make_and_validate_key(other_key))
            try:
                count, _, other = pipe.execute()
                return int(count), int(other or 0)
            except UNREACHABLE as error:
                self._mark_down(error)
        return _local_count_hit(self._fallback, key, other_key, timeout)

    def _mark_down(self, error):
        with _lock:
            if not self.redis_is_down():
                logger.warning("cache: Redis unreachable (%s); using per-process limits "
                               "for %d s", error.__class__.__name__, RETRY_AFTER)
            _redis_down_until[self._key] = time.monotonic() + RETRY_AFTER


def _with_fallback(name):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if not self.redis_is_down():
            try:
                return redis_method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._mark_down(error)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


def _local_count_hit(cache, key, other_key, timeout):
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout)
        count = 1
    return count, int(cache.get(other_key) or 0)


def count_hit(cache, key, other_key, *, timeout):
    """Add one to the counter `key` (kept `timeout` seconds from its first hit)
    and read the counter `other_key`: (key's new count, other_key's count).

    On Redis, one round trip; on any other cache (development, tests, and
    while Redis is away) the cache's own add, incr and get."""
    if isinstance(cache, FallbackRedisCache):
        return cache.count_hit(key, other_key, timeout=timeout)
    return _local_count_hit(cache, key, other_key, timeout)


for _name in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr",
              "set_many", "delete_many", "clear"):
    setattr(FallbackRedisCache, _name, _with_fallback(_name))


def redis_reachable(url: str, *, timeout: float = 0.5) -> bool:
    """One PING with a short timeout: for the readiness check."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except UNREACHABLE:
        return False
    finally:
        client.close()
