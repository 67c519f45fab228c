"""Keeping the index true: the outbox, Elasticsearch outages, exactly-once indexing,
reindexing under load, and a real Celery worker."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest
from django.db import connection, transaction

from market.models import ListingStatus
from market.services.listings import publish_listing
from search.backends import get_backend
from search.backends.elasticsearch import _client, get_client, index_name
from search.models import IndexOutbox, ListingText
from search.query import SearchRequest
from search.reindex import check, reindex, repair
from search.sync import drain, drain_all, record_changes
from tests.factories.accounts import UserFactory
from tests.factories.market import OutcomeFactory

pytestmark = pytest.mark.django_db


class Proxy:
    """A TCP relay to Elasticsearch that a test can cut and restore."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.server.listen(16)
        self.up = True
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()  # connection refused in effect: closed at once
                continue
            upstream = socket.create_connection(self.target)
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.up = False
        for s in self.open:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.open = []

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.server.close()


@pytest.fixture
def proxy(settings, es_backend):
    relay = Proxy(("127.0.0.1", 9200))
    direct = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = relay.url
    yield relay
    settings.ELASTICSEARCH_URL = direct
    relay.close()


def stored(listing_id: int, kind_index: str = "outcomes") -> dict | None:
    """The document as Elasticsearch holds it, read past the proxy."""
    found = (
        _client("http://127.0.0.1:9200")
        .options(ignore_status=404)
        .get(index=index_name(kind_index), id=str(listing_id))
    )
    return found if found.get("found") else None


def test_change_writes_text_and_outbox_row_in_the_same_transaction(es_backend):
    outcome = OutcomeFactory(published=True, title="柔性钙钛矿太阳电池")
    with transaction.atomic():
        record_changes([outcome.pk])
        assert IndexOutbox.objects.filter(listing_id=outcome.pk).count() == 1
        assert "钙钛矿" in ListingText.objects.get(pk=outcome.pk).title_words
        transaction.set_rollback(True)
    # Rolled back with the change: nothing to index, nothing segmented.
    assert not IndexOutbox.objects.filter(listing_id=outcome.pk).exists()
    assert not ListingText.objects.filter(pk=outcome.pk).exists()


def test_publishing_through_the_service_schedules_indexing_on_commit(
    es_backend, django_capture_on_commit_callbacks
):
    moderator = UserFactory()
    outcome = OutcomeFactory(submitted=True, title="海水淡化反渗透膜")
    with django_capture_on_commit_callbacks() as callbacks:
        publish_listing(outcome.pk, by_user_id=moderator.pk)
    assert IndexOutbox.objects.filter(listing_id=outcome.pk).count() == 1
    assert callbacks, "indexing is scheduled after the commit"
    drain_all()
    assert stored(outcome.pk)["_source"]["title"] == "海水淡化反渗透膜"
    assert not IndexOutbox.objects.exists()


def test_edits_made_while_elasticsearch_is_cut_off_are_indexed_exactly_once(
    proxy, es_backend
):
    listings = [
        OutcomeFactory(published=True, title=f"储能变流器{i}") for i in range(3)
    ]
    record_changes([listing.pk for listing in listings])
    assert drain_all()["failed"] == 0

    proxy.cut()
    for round_ in range(1, 4):
        for listing in listings:
            listing.title = f"储能变流器{listing.pk}第{round_}版"
            listing.save()
            with transaction.atomic():
                record_changes([listing.pk])
        result = drain()  # what the on-commit task does: fails, keeps the rows
        assert result.error and not result.ok
    assert IndexOutbox.objects.count() == 9
    assert IndexOutbox.objects.filter(attempts__gte=1).count() == 9
    for listing in listings:  # the index still holds the first version
        assert stored(listing.pk)["_version"] == 1

    proxy.restore()
    totals = drain_all()
    assert totals["failed"] == 0
    assert not IndexOutbox.objects.exists()
    es_backend.refresh()
    for listing in listings:
        document = stored(listing.pk)
        version = ListingText.objects.get(pk=listing.pk).version
        assert document["_source"]["title"] == f"储能变流器{listing.pk}第3版"
        # Version 1 was the first indexing, then three edits: the index holds version
        # 4, written once; the edits that were held back were not applied twice.
        assert version == 4
        assert document["_version"] == version
    hits = es_backend_search("储能变流器")
    assert sorted(hits) == sorted(listing.pk for listing in listings)

    # Sending the same changes again (a retried task) changes nothing.
    sequence = {listing.pk: stored(listing.pk)["_seq_no"] for listing in listings}
    from search.documents import build_changes

    refused = get_backend().apply(build_changes([listing.pk for listing in listings]))
    assert refused == set()
    for listing in listings:
        assert stored(listing.pk)["_seq_no"] == sequence[listing.pk]


def es_backend_search(q: str) -> list[int]:
    results = get_backend().search(
        SearchRequest.from_params({"q": q, "per_page": "50"})
    )
    return [hit.listing_id for hit in results.hits]


def test_a_deletion_while_cut_off_is_not_undone_by_an_older_write(proxy):
    outcome = OutcomeFactory(published=True, title="高温超导带材")
    record_changes([outcome.pk])
    drain_all()
    proxy.cut()
    outcome.status = ListingStatus.ARCHIVED
    outcome.save()
    record_changes([outcome.pk], segment_text=False)
    assert not drain().ok
    proxy.restore()
    drain_all()
    assert stored(outcome.pk) is None
    # A stale copy of the older version arriving late is refused by its version.
    from search.documents import Change

    get_backend().apply(
        [
            Change(
                outcome.pk, "outcomes", 1, {"title": "stale", "listing_id": outcome.pk}
            )
        ]
    )
    assert stored(outcome.pk) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_change_waits_for_a_text_row_another_transaction_is_inserting():
    # As when a reindex segments a listing that had no text row yet while the
    # listing changes: the change must count on top of it, not fail on its key.
    listing = OutcomeFactory(published=True, title="固体氧化物燃料电池")
    ListingText.objects.filter(pk=listing.pk).delete()
    inserted, release = threading.Event(), threading.Event()

    def other_transaction() -> None:
        with transaction.atomic():
            ListingText.objects.create(listing_id=listing.pk, version=1)
            inserted.set()
            release.wait(5)
        connection.close()

    other = threading.Thread(target=other_transaction)
    other.start()
    assert inserted.wait(5)
    # Let it commit while this change is already waiting on the row.
    timer = threading.Timer(0.3, release.set)
    timer.start()
    try:
        record_changes([listing.pk])
    finally:
        release.set()
        other.join()
        timer.cancel()

    row = ListingText.objects.get(pk=listing.pk)
    assert row.version == 2
    assert "燃料电池" in row.title_words.split()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reindex_swaps_the_alias_while_searches_keep_answering(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    backend = get_backend()
    backend.drop_all()
    backend.ensure_indices()
    listings = [
        OutcomeFactory(published=True, title=f"氢燃料电池电堆{i}") for i in range(60)
    ]
    record_changes([listing.pk for listing in listings])
    drain_all()
    backend.refresh()
    old_indices = backend.indices_of(index_name("outcomes"))

    totals: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                results = backend.search(SearchRequest.from_params({"q": "燃料电池"}))
                totals.append(results.total)
            except BaseException as error:
                errors.append(error)
        connection.close()

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.2)
        # A change made during the reindex must reach the new index too.
        late = OutcomeFactory(published=True, title="固体氧化物燃料电池")

        def progress(done: int) -> None:
            if done and not IndexOutbox.objects.filter(listing_id=late.pk).exists():
                record_changes([late.pk])
                drain_all()

        report = reindex("outcome", progress=progress, chunk_size=20)
        time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    backend.refresh()
    assert errors == []
    assert totals and min(totals) >= 60, "a search during the reindex lost documents"
    assert report["documents"] >= 60
    assert backend.indices_of(index_name("outcomes")) == [report["index"]]
    assert not set(old_indices) & set(
        get_client().indices.get(index=index_name("outcomes-*")).keys()
    )
    assert backend.search(SearchRequest.from_params({"q": "燃料电池"})).total == 61
    assert stored(late.pk)["_index"] == report["index"]
    backend.drop_all()


def test_search_check_reports_and_repairs_differences(es_backend):
    kept = OutcomeFactory(published=True, title="碳化硅功率模块")
    missing = OutcomeFactory(published=True, title="氮化镓射频器件")
    gone = OutcomeFactory(published=True, title="砷化镓外延片")
    record_changes([kept.pk, gone.pk])
    drain_all()
    gone.status = ListingStatus.ARCHIVED
    gone.save()  # without the service: the index never heard of it
    es_backend.refresh()

    report = check("outcome")
    assert report.missing == [missing.pk]
    assert report.extra == [gone.pk]
    repair(report)
    drain_all()
    es_backend.refresh()
    assert check("outcome").problems == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_indexes_a_published_listing_after_commit(
    settings, worker_process
):
    settings.SEARCH_BACKEND = "elasticsearch"
    backend = get_backend()
    backend.drop_all()
    backend.ensure_indices()
    moderator = UserFactory()
    outcome = OutcomeFactory(submitted=True, title="二氧化碳电催化还原制乙烯")
    publish_listing(outcome.pk, by_user_id=moderator.pk)

    deadline = time.monotonic() + 30
    found: list[int] = []
    while time.monotonic() < deadline and not found:
        backend.refresh()
        found = es_backend_search("电催化")
        time.sleep(0.2)
    assert found == [outcome.pk]
    assert not IndexOutbox.objects.exists()
    backend.drop_all()
