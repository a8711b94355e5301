"""
Django's Redis cache, made to act as an empty cache while Redis is unreachable.

Every use of the cache here is an optimisation (pages, rendered fragments,
edit presence) or a limit (throttles), so the site keeps serving from the
database without it: reads miss, writes are dropped, and a counter counts
each request as a window's first, so throttles let clients through until
Redis returns. After a failure Redis is left alone for RETRY_SECONDS, so a
dead or blackholed server costs one timeout every few seconds, not one a
call; each failure logs a warning, which the pause rate-limits. Any Redis
error counts (refused, timed out, a full or read-only server, something else
answering on its port): the cache is never worth a failed request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.down_until = None  # time.monotonic() before which Redis is not tried

    def reach(self, fallback, method, *args):
        """Return method(*args), or fallback while Redis is unreachable."""
        now = time.monotonic()
        if self.down_until is not None and now < self.down_until:
            return fallback
        try:
            result = method(*args)
        except RedisError as error:
            self.down_until = now + RETRY_SECONDS
            logger.warning(
                "Cache unreachable, serving without it (retrying in %s s): %s", RETRY_SECONDS, error
            )
            return fallback
        if self.down_until is not None:
            self.down_until = None
            logger.warning("Cache reachable again")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.reach(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self.reach(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.reach(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.reach(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self.reach(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self.reach({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self.reach(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        return self.reach(delta, super().incr, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored: all of them.
        return self.reach(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self.reach(None, super().delete_many, keys, version)

    def clear(self):
        return self.reach(False, super().clear)
