"""The cache backend: Django's RedisCache that behaves like an empty cache while Redis
is unreachable.

Everything this project keeps in the cache can be rebuilt (pages, parts of pages,
version tokens, the search vocabulary's version) or waits elsewhere (view counts are
written to the database directly when Redis is gone). Django's RedisCache raises
``redis.ConnectionError`` from every call when the server is down, which turned every
page into a 500. Here a failing call answers what an empty cache would (a miss, a
refused write) and the server is left alone for ``RETRY_AFTER`` seconds, so a request
pays at most one failed connection attempt, not one per cache call. ``/healthz``
calls :meth:`DegradingRedisCache.ping`, which always asks the server and raises.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Errors that mean "the server cannot be reached", as opposed to a wrong command.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# When each server (by location) may be tried again; shared by the threads of a process.
_down_until: dict[str, float] = {}
_lock = threading.Lock()


class DegradingRedisCache(RedisCache):
    """RedisCache that answers like an empty cache while its server is unreachable.

    ``CACHES["default"]["RETRY_AFTER"]`` (seconds, default 5) is how long the server
    is left alone after a failure.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self._where = server if isinstance(server, str) else ",".join(server)

    # -- state -------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False for ``retry_after`` seconds after the server could not be reached."""
        return time.monotonic() >= _down_until.get(self._where, 0.0)

    def mark_down(self, error: BaseException) -> None:
        """Leave the server alone for a while; logged once per outage."""
        with _lock:
            first = self._where not in _down_until
            _down_until[self._where] = time.monotonic() + self.retry_after
        if first:
            logger.warning(
                "cache %s unreachable, pages are served uncached: %s",
                self._where,
                error,
            )

    def _mark_up(self) -> None:
        if self._where in _down_until:
            with _lock:
                back = _down_until.pop(self._where, None) is not None
            if back:
                logger.warning("cache %s reachable again", self._where)

    def _degrade(self, call: Callable[[], T], fallback: T) -> T:
        if not self.available:
            return fallback
        try:
            result = call()
        except UNREACHABLE as error:
            self.mark_down(error)
            return fallback
        self._mark_up()
        return result

    def ping(self) -> str:
        """Ask the server, whatever happened before; raises when it does not answer."""
        try:
            self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        except UNREACHABLE as error:
            self.mark_down(error)
            raise
        self._mark_up()
        return "redis"

    # -- the cache API -------------------------------------------------------------
    # Each call is RedisCache's own, answered as by an empty cache while Redis is down.

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._degrade(
            lambda: RedisCache.add(self, key, value, timeout, version), False
        )

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._degrade(
            lambda: RedisCache.get(self, key, default, version), default
        )

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._degrade(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(
        self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return self._degrade(
            lambda: RedisCache.touch(self, key, timeout, version), False
        )

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._degrade(lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys: Iterable[Any], version: Any = None) -> dict[Any, Any]:
        keys = list(keys)
        return self._degrade(lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._degrade(lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        missing = object()
        value = self._degrade(
            lambda: RedisCache.incr(self, key, delta, version), missing
        )
        if value is missing:
            raise ValueError(f"Key '{key}' not found")  # as for any missing key
        return value  # type: ignore[return-value]

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> list[Any]:
        """Store ``data``; the keys that were not stored (all of them while down)."""
        return self._degrade(
            lambda: RedisCache.set_many(self, data, timeout, version), list(data)
        )

    def delete_many(self, keys: Iterable[Any], version: Any = None) -> None:
        keys = list(keys)
        self._degrade(lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self) -> None:
        self._degrade(
            lambda: RedisCache.clear(
                self,
            ),
            None,
        )
