"""The shared cache on Redis, as Django's backend: one client object per connection pool, and
a cache that is never a reason to refuse a request.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every operation (its response
callbacks and options, each time): on an API call that reads the registry version twice,
more CPU than the reads. A ``redis.Redis`` is safe to share between threads (it takes a
connection from its pool per command), so each pool's is built once.

Redis is optional for every request that reads or writes the database: while it cannot be
reached, a read is a miss (the caller computes the value from the database) and a write is
dropped. A write that was dropped returns ``False`` (Django's ``set`` returns ``None``), for
the few callers that must make up for it later (``registry.freshness``). After a failure the
process does not ask Redis again for ``RETRY_AFTER_SECONDS``: a request that reads the cache
five times would otherwise wait five times for the connection to fail.
"""

import functools
import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

from bali_portal import internals

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool, client_class = internals.redis_pool_and_class(self, write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = client_class(connection_pool=pool)
        return client


def _falls_back(fallback):
    """Run the cache operation, or return ``fallback(*args)`` while Redis cannot be reached."""

    def decorate(operation):
        @functools.wraps(operation)
        def tolerant(self, *args, **kwargs):
            if time.monotonic() < self._unreachable_until:
                return fallback(*args, **kwargs)
            try:
                return operation(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._unreachable_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning(
                    "Redis cache unreachable (%s: %s); serving without it for %s s",
                    type(error).__name__,
                    error,
                    RETRY_AFTER_SECONDS,
                )
                return fallback(*args, **kwargs)

        return tolerant

    return decorate


def _default(key, default=None, version=None):
    return default


def _dropped(*args, **kwargs):
    return False


def _nothing(*args, **kwargs):
    return {}


def _missing(key, delta=1, version=None):
    raise ValueError(f"Key '{key}' not found (the cache is unreachable).")


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        internals.use_cache_client_class(self, RedisCacheClient)
        self._unreachable_until = 0.0

    get = _falls_back(_default)(django_redis.RedisCache.get)
    get_many = _falls_back(_nothing)(django_redis.RedisCache.get_many)
    has_key = _falls_back(_dropped)(django_redis.RedisCache.has_key)
    add = _falls_back(_dropped)(django_redis.RedisCache.add)
    set = _falls_back(_dropped)(django_redis.RedisCache.set)
    set_many = _falls_back(lambda data, *args, **kwargs: list(data))(
        django_redis.RedisCache.set_many
    )
    touch = _falls_back(_dropped)(django_redis.RedisCache.touch)
    delete = _falls_back(_dropped)(django_redis.RedisCache.delete)
    delete_many = _falls_back(_dropped)(django_redis.RedisCache.delete_many)
    incr = _falls_back(_missing)(django_redis.RedisCache.incr)
    clear = _falls_back(_dropped)(django_redis.RedisCache.clear)
