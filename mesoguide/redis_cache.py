"""Django's built-in Redis cache backend, keeping one client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object on every cache call,
which costs about as much as the Redis round trip itself and is a large share
of a page-cache hit. A redis.Redis is thread-safe and its pool reconnects in a
forked worker, so one per pool is enough. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
