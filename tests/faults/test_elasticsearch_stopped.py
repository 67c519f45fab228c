"""Elasticsearch stops; meanwhile 20 published listings are edited and their changes
approved; Elasticsearch comes back: the outbox drains and search_check finds no
difference."""

from __future__ import annotations

import signal
import time

import pytest
from django.core.management import call_command
from django.test import Client

from market.models import Outcome
from market.services.listings import publish_changes, save_listing
from search.backends import get_backend
from search.models import IndexOutbox
from search.query import SearchRequest
from search.sync import drain_all, record_changes
from search.tasks import drain_search_outbox
from tests.conftest import celery_worker
from tests.factories import UserFactory
from tests.factories.market import OutcomeFactory

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EDITED = 20


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)
    return found


def test_elasticsearch_stopped_while_listings_are_edited_and_published(
    elasticsearch_node, tmp_path, report_figure
):
    engine = get_backend()
    editor, moderator = UserFactory(), UserFactory()
    listings = [
        OutcomeFactory(title=f"检索停机前的成果{n:02d}", published=True)
        for n in range(EDITED)
    ]
    record_changes([listing.pk for listing in listings])
    drain_all()
    engine.refresh()
    call_command("search_check")  # raises CommandError on any difference

    with celery_worker(tmp_path, env={"ELASTICSEARCH_URL": elasticsearch_node.url}):
        elasticsearch_node.kill(signal.SIGKILL)

        for listing in listings:
            loaded = Outcome.objects.get(pk=listing.pk)
            loaded.title = loaded.title.replace("停机前", "停机时修改")
            save_listing(
                loaded,
                by_user_id=editor.pk,
                loaded_revision_id=loaded.latest_revision_id or 0,
            )
            publish_changes(listing.pk, by_user_id=moderator.pk)

        # Saved and public; the index changes wait in the outbox, searches fall
        # back to the database and the probe names the search engine.
        assert (
            IndexOutbox.objects.filter(
                listing_id__in=[listing.pk for listing in listings]
            ).count()
            >= EDITED
        )
        visitor = Client()
        found = visitor.get("/api/search/", {"q": "停机时修改"}).json()
        assert (found["degraded"], found["total"]) == (True, EDITED)
        health = visitor.get("/healthz")
        assert (health.status_code, health.json()["down"]) == (503, ["search"])

        restarted = elasticsearch_node.wait_ready()
        back = time.monotonic()
        drain_search_outbox.delay()  # what beat sends every 30 s
        _wait(lambda: not IndexOutbox.objects.exists(), 120, "the outbox to drain")
        drained = time.monotonic() - back

    engine.refresh()
    call_command("search_check")
    results = engine.search(SearchRequest(q="停机时修改"))
    assert results.total == EDITED
    report_figure(
        f"Elasticsearch down while {EDITED} listings were edited and published: "
        f"restart {restarted:.1f} s, then the outbox drained in {drained:.2f} s; "
        "search_check: no difference"
    )
