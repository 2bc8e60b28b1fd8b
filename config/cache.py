"""A Redis cache that answers "nothing cached" when Redis is down instead of raising.

The cache only holds throttling counters and derived data; losing it for a while is acceptable,
taking the public site or the referral workflow down with it is not.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class _OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis around the pool for every operation, ~0.4 ms of Python
    each: three per API request (the throttle's two, the result cache's one). A client is only
    a handle on its thread-safe pool, so one per pool is kept."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def _soft(self, operation: str, default, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except RedisError:
            logger.warning("cache unavailable during %s", operation)
            return default

    def get(self, key, default=None, version=None):
        return self._soft("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, super().get_many, keys, version)

    def set(self, key, value, timeout=None, version=None):
        return self._soft("set", None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._soft("add", False, super().add, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._soft("incr", delta, super().incr, key, delta, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, super().delete, key, version)

    def set_many(self, data, timeout=None, version=None):
        return self._soft("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, super().delete_many, keys, version)

    def touch(self, key, timeout=None, version=None):
        return self._soft("touch", False, super().touch, key, timeout, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, super().has_key, key, version)
