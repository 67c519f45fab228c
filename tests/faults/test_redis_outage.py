"""Redis (cache and broker) stops while a moderator publishes a batch of 20 listings:
no publication is lost or half-done, the portal keeps answering (uncached), /healthz
names the cache and the broker, and everything catches up when Redis is back."""

from __future__ import annotations

import signal
import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from market.models import Listing, ListingStatus
from search.backends import get_backend
from search.models import IndexOutbox
from search.reindex import check
from search.tasks import drain_search_outbox
from tests.conftest import celery_broker, celery_worker
from tests.factories import OutcomeFactory, UserFactory
from tests.faults.nodes import same_database

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BATCH = 20
STOP_AFTER = 10


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)
    return found


def test_redis_stopped_while_publishing_a_batch(
    redis_node, settings, tmp_path, report_figure
):
    sync_role_groups()
    moderator = UserFactory(roles=[Role.MODERATOR])
    waiting = [
        OutcomeFactory(title=f"停机批次成果{n:02d}", submitted=True)
        for n in range(BATCH)
    ]
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    # This process (the web) and a worker both use the test's own Redis.
    location = same_database(redis_node.url, settings)
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": location}}
    admin, visitor = Client(), Client()
    admin.force_login(moderator)

    with (
        celery_broker(location),
        celery_worker(tmp_path, env={"REDIS_URL": redis_node.url}, broker_url=location),
    ):
        visitor.get("/outcomes/")
        assert visitor.get("/outcomes/")["X-Page-Cache"] == "hit"

        answers, slowest = [], 0.0
        for n, outcome in enumerate(waiting):
            if n == STOP_AFTER:
                redis_node.kill(signal.SIGTERM)  # Redis stops mid-batch
            started = time.monotonic()
            response = admin.post(reverse("market_review:publish", args=[outcome.pk]))
            if n >= STOP_AFTER:
                slowest = max(slowest, time.monotonic() - started)
            answers.append(response.status_code)

        # Every publication answered and is whole: published, with its revision and
        # its outbox row (those after the stop wait there for the drain).
        assert answers == [302] * BATCH
        published = Listing.objects.filter(pk__in=[o.pk for o in waiting])
        assert set(published.values_list("status", flat=True)) == {
            ListingStatus.PUBLISHED
        }
        assert all(o.revisions.count() >= 1 for o in published)
        late = {o.pk for o in waiting[STOP_AFTER:]}
        assert late <= set(IndexOutbox.objects.values_list("listing_id", flat=True))

        # The portal answers, uncached; the probe names what is down.
        detail = f"/outcomes/{waiting[-1].pk}/"
        for url in ("/", "/outcomes/", detail, "/search/?q=停机批次", "/api/search/"):
            first, second = visitor.get(url), visitor.get(url)
            assert (first.status_code, second.status_code) == (200, 200), url
            if url in ("/", "/outcomes/", detail):
                assert second["X-Page-Cache"] == "miss", url
        assert "停机批次成果19" in visitor.get(detail).content.decode()
        health = visitor.get("/healthz")
        assert health.status_code == 503
        assert health.json()["down"] == ["cache", "broker"]

        # Redis comes back (empty: it keeps nothing on disk); the worker reconnects.
        redis_node.start()
        back = time.monotonic()
        _wait(lambda: visitor.get("/healthz").status_code == 200, 60, "/healthz")
        healthy = time.monotonic() - back
        drain_search_outbox.delay()  # what beat sends every 30 s
        _wait(lambda: not IndexOutbox.objects.exists(), 120, "the outbox to drain")
        drained = time.monotonic() - back

    engine.refresh()
    for kind in ("outcome", "demand"):
        report = check(kind)
        assert report.problems == 0, report
    assert check("outcome").stored == BATCH
    # Pages are cached again.
    visitor.get("/outcomes/")
    assert visitor.get("/outcomes/")["X-Page-Cache"] == "hit"
    report_figure(
        f"Redis stopped after {STOP_AFTER} of {BATCH} publications: all {BATCH} "
        f"answered 302, slowest publication while down {slowest:.2f} s; healthz 200 "
        f"{healthy:.1f} s after restart, outbox drained {drained:.1f} s after restart"
    )
