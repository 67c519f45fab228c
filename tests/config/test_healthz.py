"""/healthz reports each backing service and names the ones that are down."""

from __future__ import annotations

import pytest

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_every_service_answers(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["checks"]["database"]["detail"] == "postgresql"
    assert body["checks"]["broker"]["detail"] == "redis"
    assert body["checks"]["search"]["detail"].startswith("elasticsearch ")


def test_healthz_is_503_naming_search_when_elasticsearch_is_unreachable(
    client, settings
):
    settings.ELASTICSEARCH_URL = (
        "http://127.0.0.1:9"  # nothing listens on the discard port
    )
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["down"] == ["search"]
    assert "ConnectionError" in body["checks"]["search"]["detail"]


def test_healthz_is_503_naming_broker_and_cache_when_redis_is_unreachable(
    client, settings
):
    # The configured backend hides an outage from pages; the probe must still see it.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:9/0"}
    }
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:9/0"
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original
    body = response.json()
    assert response.status_code == 503
    assert sorted(body["down"]) == ["broker", "cache"]
    assert "Connection refused" in body["checks"]["cache"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_healthz_reports_the_embedded_defaults(client, settings):
    settings.SEARCH_BACKEND = "embedded"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    body = client.get("/healthz").json()
    assert body["checks"]["search"]["detail"].startswith("embedded (in-process")
    assert body["checks"]["broker"]["detail"].startswith("eager")
