"""The shared cache on Redis, as Django's backend, with one client object per connection pool.

Django's ``RedisCacheClient`` builds a new ``redis.Redis`` for every operation (its response
callbacks and options, each time): on an API call that reads the registry version twice,
more CPU than the reads. A ``redis.Redis`` is safe to share between threads (it takes a
connection from its pool per command), so each pool's is built once.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
