"""The Redis cache backend answers like an empty cache while Redis is unreachable."""

from __future__ import annotations

import pytest
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError

from config.cache import DegradingRedisCache

DEAD = "redis://127.0.0.1:9/0"  # nothing listens on the discard port


def backend(location: str, **params) -> DegradingRedisCache:
    return DegradingRedisCache(location, {"KEY_PREFIX": "cache-backend-test", **params})


def test_unreachable_cache_answers_like_an_empty_cache():
    cache = backend(DEAD, RETRY_AFTER=0)

    cache.set("k", "v")
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["k", "l"]) == {}
    assert cache.add("k", "v") is False
    assert cache.set_many({"k": 1, "l": 2}) == ["k", "l"]
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    assert cache.get_or_set("k", "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("k")


def test_unreachable_cache_is_left_alone_for_a_while_after_a_failure():
    cache = backend(DEAD, RETRY_AFTER=60)

    cache.get("k")

    assert cache.available is False
    with pytest.raises(RedisConnectionError):
        cache.ping()  # the health probe always asks the server


def test_reachable_cache_stores_and_reads_as_usual():
    cache = backend(settings.CACHES["default"]["LOCATION"], RETRY_AFTER=60)

    cache.set("k", {"v": 1}, 30)
    cache.set_many({"a": 1, "b": 2}, 30)

    assert cache.get("k") == {"v": 1}
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.incr("a", 2) == 3
    assert cache.ping() == "redis"
    assert cache.available is True
    cache.delete_many(["k", "a", "b"])
