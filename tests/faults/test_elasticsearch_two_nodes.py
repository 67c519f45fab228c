"""Two Elasticsearch nodes, every index with one replica: one node is killed (SIGKILL)
in the middle of a reindex while visitors search. Searches keep answering, the reindex
completes, and every published listing is still found: the path past one machine."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from django.db import connection

from search.backends import get_backend
from search.backends.elasticsearch import get_client
from search.query import SearchRequest
from search.reindex import check, reindex
from search.sync import drain_all, record_changes
from tests.factories.market import OutcomeFactory

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LISTINGS = 120
CHUNK = 10  # documents per bulk request: the reindex takes many, the kill lands mid-way


def test_a_node_killed_during_a_reindex_and_searches_loses_nothing(
    elasticsearch_pair, report_figure
):
    _, b = elasticsearch_pair
    engine = get_backend()
    listings = [
        OutcomeFactory(title=f"集群检索成果{n:03d}", published=True)
        for n in range(LISTINGS)
    ]
    record_changes([listing.pk for listing in listings])
    drain_all()
    engine.refresh()
    # Every shard has its copy on the other node before anything is killed.
    health = get_client().cluster.health(wait_for_status="green", timeout="60s")
    assert (health["status"], health["number_of_nodes"]) == ("green", 2)

    answers: list[int] = []
    after_kill: list[int] = []  # answers given while node b was dead
    failures: list[str] = []
    stop = threading.Event()
    killed: dict[str, float] = {}

    def search() -> None:
        try:
            while not stop.is_set():
                try:
                    found = engine.search(SearchRequest(q="集群检索成果"))
                    answers.append(found.total)
                    if "at" in killed:
                        after_kill.append(found.total)
                except Exception as error:  # each one fails the test below
                    failures.append(f"{type(error).__name__}: {error}")
                time.sleep(0.02)
        finally:
            connection.close()  # query analysis reads synonyms from the database

    searcher = threading.Thread(target=search, name="visitor")
    searcher.start()

    def progress(sent: int) -> None:
        if sent and "at" not in killed and sent < LISTINGS:
            killed["after"] = sent
            killed["at"] = time.monotonic()
            b.kill(signal.SIGKILL)

    started = time.monotonic()
    try:
        result = reindex("outcome", progress=progress, chunk_size=CHUNK)
    finally:
        took = time.monotonic() - started
        # A few more searches against the surviving node alone: counted, not timed,
        # so that a loaded machine (slow searches) does not fail the test.
        deadline = time.monotonic() + 120
        while len(after_kill) < 10 and not failures and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        searcher.join(timeout=60)

    assert not b.running and killed, "node b was not killed during the reindex"
    assert result["documents"] == LISTINGS
    assert failures == []
    assert len(after_kill) >= 10
    assert set(answers) == {LISTINGS}  # nothing indexed was lost, at any moment
    engine.refresh()
    report = check("outcome")
    assert (report.problems, report.stored) == (0, LISTINGS)
    assert engine.health() == "elasticsearch yellow"  # the replicas wait for node b
    report_figure(
        f"node b SIGKILLed after {killed['after']} of {LISTINGS} documents of a "
        f"reindex: reindex completed in {took:.1f} s, {len(answers)} searches during "
        f"it ({len(after_kill)} after the kill) all answered with all {LISTINGS} listings, 0 failed"
    )
