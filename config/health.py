"""The /healthz probe: database, cache, broker and search backend, each checked for real."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from search.backends import get_backend

logger = logging.getLogger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache() -> str:
    # The Redis cache hides an outage from pages (config.cache); the probe must not.
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return the value just written")
    return cache.__class__.__name__


def check_broker() -> str:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return "eager (tasks run in the web process)"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return app.conf.broker_url.split("://", 1)[0]


def check_search() -> str:
    return get_backend().health()


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "search": check_search,
}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with every check's detail when all are up; 503 naming those that are down."""
    checks: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = {"ok": True, "detail": check()}
        except Exception as exc:  # a probe must report, not crash
            logger.warning("healthz: %s is down: %s", name, exc)
            checks[name] = {
                "ok": False,
                "detail": f"{exc.__class__.__name__}: {exc}"[:300],
            }
    down = [name for name, result in checks.items() if not result["ok"]]
    body = {
        "status": "ok" if not down else "unavailable",
        "down": down,
        "checks": checks,
    }
    return JsonResponse(
        body, status=503 if down else 200, json_dumps_params={"ensure_ascii": False}
    )
