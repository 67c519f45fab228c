"""Rate limits of the API, counted by config/throttle.py (shared by all processes).

Per client address without authentication (``THROTTLE_API_ANON``), per user with
it (``THROTTLE_API_USER``). Over the limit: 429 with ``Retry-After`` (the window's
length at most). Like every limit there, not enforced while the cache is down.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from config import throttle

API_ANON = throttle.Limit("api-anon", "THROTTLE_API_ANON")
API_USER = throttle.Limit("api-user", "THROTTLE_API_USER")


class ApiRateThrottle(BaseThrottle):
    """One request counted against the caller's limit."""

    def allow_request(self, request: Request, view: Any) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.limit = API_USER
            key = f"user:{user.pk}"
        else:
            self.limit = API_ANON
            key = throttle.client_ip(request._request)
        return throttle.take([(self.limit, key)]) is not None

    def wait(self) -> float | None:
        _count, seconds = self.limit.rate
        return float(seconds)
