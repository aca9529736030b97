"""The shared cache on Redis (``bali_portal.cache``): Django's backend, one client per pool."""

import pytest
from django.conf import settings

from bali_portal.cache import RedisCache


@pytest.fixture
def redis_cache():
    if not settings.REDIS_URL:
        pytest.skip("needs Redis: set REDIS_URL (CI's PostgreSQL run does)")
    cache = RedisCache(settings.REDIS_URL, {"KEY_PREFIX": "test-cache-backend"})
    yield cache
    cache.delete_many(["a", "b", "n"])


def test_the_cache_works_as_djangos_and_keeps_one_client(redis_cache):
    assert redis_cache.get("a") is None
    redis_cache.set("a", {"x": [1, 2]})
    assert redis_cache.get("a") == {"x": [1, 2]}
    assert redis_cache.add("b", 1, timeout=5) is True
    assert redis_cache.add("b", 2, timeout=5) is False
    assert redis_cache.get_many(["a", "b"]) == {"a": {"x": [1, 2]}, "b": 1}
    redis_cache.set("n", 1)
    assert redis_cache.incr("n") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert len(redis_cache._cache._clients) == 1


def test_the_portal_uses_it_when_redis_is_configured():
    expected = "bali_portal.cache.RedisCache" if settings.REDIS_URL else "locmem.LocMemCache"
    assert settings.CACHES["default"]["BACKEND"].endswith(expected)
