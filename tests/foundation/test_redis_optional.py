"""Redis is optional for every request (issue 21): the portal's cache on a Redis of the test's
own, stopped and started again, and the registry's version kept honest across the outage."""

import shutil
import time

import pytest

from bali_portal import cache as portal_cache
from bali_portal.cache import RedisCache

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server (.ci/run installs it)"
)


@pytest.fixture
def cache_on(redis_server):
    return RedisCache(
        redis_server.url,
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )


def test_while_redis_is_down_reads_miss_and_writes_are_dropped_at_once(
    redis_server, cache_on, monkeypatch
):
    cache_on.set("version", "v1", timeout=None)
    assert cache_on.get("version") == "v1"
    redis_server.kill()

    started = time.monotonic()
    assert cache_on.get("version") is None
    assert cache_on.get("version", "fallback") == "fallback"
    assert cache_on.get_many(["version"]) == {}
    assert cache_on.set("version", "v2") is False  # Django's set returns None when it worked
    assert cache_on.add("sweep", 1) is False
    assert cache_on.delete("version") is False
    assert cache_on.has_key("version") is False
    with pytest.raises(ValueError):
        cache_on.incr("counter")
    assert time.monotonic() - started < 2  # one failed connection, then no more tries

    redis_server.start()
    monkeypatch.setattr(portal_cache, "RETRY_AFTER_SECONDS", 0)
    cache_on._unreachable_until = 0.0
    assert cache_on.set("version", "v3") is None
    assert cache_on.get("version") == "v3"


def test_a_registry_change_made_while_redis_was_down_retires_the_old_counts(
    redis_server, cache_on, monkeypatch
):
    from registry import freshness

    monkeypatch.setattr(freshness, "cache", cache_on)
    monkeypatch.setattr(freshness, "_unsaved_change", False)
    before = freshness.registry_version()
    assert freshness.registry_version() == before

    redis_server.kill()
    freshness._new_version()  # an activity saved during the outage
    assert freshness._unsaved_change is True

    redis_server.start()
    cache_on._unreachable_until = 0.0
    after = freshness.registry_version()
    assert after != before  # counts cached under the old version are not read again
    assert freshness._unsaved_change is False
    assert freshness.registry_version() == after
