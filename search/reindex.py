"""Full reindex and consistency check, shared by the commands and the tests."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from search.backends import SearchBackend, get_backend
from search.documents import (
    INDEXES,
    Change,
    build_changes,
    published_ids,
    published_keys,
    search_key,
)
from search.sync import record_changes
from search.texts import record_texts


def changes_of(kind: str, *, batch: int = 1000) -> Iterator[Change]:
    """Every public item of ``kind`` as a change, read in batches of ``batch``."""
    last = 0
    while True:
        ids = list(published_ids(kind).filter(pk__gt=last)[:batch])
        if not ids:
            return
        yield from build_changes([search_key(kind, pk) for pk in ids])
        last = ids[-1]


def ahead(
    source: Iterator[Change], *, batches: int = 2, size: int = 1000
) -> Iterator[Change]:
    """``source`` read by a thread up to ``batches`` batches ahead of the consumer.

    Reading and building documents (Python, the database) then overlaps with the bulk
    requests (Elasticsearch). The thread has its own database connection, so it only
    sees committed rows: callers inside a transaction read in their own thread.
    """
    pipe: queue.Queue[list[Change] | BaseException | None] = queue.Queue(batches)
    stop = threading.Event()

    def put(item: list[Change] | BaseException | None) -> bool:
        while not stop.is_set():
            try:
                pipe.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False  # the consumer stopped: drop the rest

    def produce() -> None:
        try:
            batch: list[Change] = []
            for change in source:
                batch.append(change)
                if len(batch) >= size:
                    if not put(batch):
                        return
                    batch = []
            if put(batch):
                put(None)
        except BaseException as error:  # handed to the consumer, raised there
            put(error)
        finally:
            connection.close()

    thread = threading.Thread(target=produce, name="reindex-reader", daemon=True)
    thread.start()
    try:
        while (item := pipe.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()


def reindex(
    kind: str,
    *,
    backend: SearchBackend | None = None,
    progress: Callable[[int], None] = lambda n: None,
    chunk_size: int = 1000,
) -> dict[str, Any]:
    """Rebuild ``kind``'s index from the database and swap it in."""
    backend = backend or get_backend()

    def bodies() -> Iterator[Change]:
        changes = changes_of(kind, batch=chunk_size)
        # Elasticsearch indexes in its own process, so reading ahead overlaps; the
        # embedded backend writes in this process, and uncommitted rows (a caller's
        # transaction) are invisible to another thread.
        if backend.name != "elasticsearch" or connection.in_atomic_block:
            return changes
        return ahead(changes, size=chunk_size)

    return backend.reindex(kind, bodies, progress=progress, chunk_size=chunk_size)


def resegment(kind: str, *, batch: int = 500) -> int:
    """Segment every public item of ``kind`` again (after dictionary changes)."""
    ids = published_keys(kind)
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            record_texts(ids[start : start + batch])
    return len(ids)


@dataclass
class CheckReport:
    """Documents that differ from the database, and the indices read, by kind."""

    kind: str
    expected: int = 0
    stored: int = 0
    missing: list[int] = field(default_factory=list)  # published, not in the index
    stale: list[int] = field(default_factory=list)  # in the index, older version
    extra: list[int] = field(default_factory=list)  # in the index, not published
    indices: list[str] = field(default_factory=list)  # behind the kind's alias

    @property
    def doubled(self) -> bool:
        """The alias stands for more than one index: searches find documents twice."""
        return len(self.indices) > 1

    @property
    def problems(self) -> int:
        """Differing documents, plus one for a doubled alias."""
        documents = len(self.missing) + len(self.stale) + len(self.extra)
        return documents + (1 if self.doubled else 0)


def check(kind: str, *, backend: SearchBackend | None = None) -> CheckReport:
    """Compare a kind's index with the database (ids and versions) and count the
    indices behind its alias."""
    from search.models import ListingText

    backend = backend or get_backend()
    report = CheckReport(kind, indices=backend.kind_indices(kind))
    expected_ids = set(published_keys(kind))
    versions = dict(
        ListingText.objects.filter(pk__in=expected_ids).values_list("pk", "version")
    )
    stored = dict(backend.stored_versions(kind))
    report.expected, report.stored = len(expected_ids), len(stored)
    for pk in sorted(expected_ids):
        if pk not in stored:
            report.missing.append(pk)
        elif stored[pk] < versions.get(pk, 1):
            report.stale.append(pk)
    report.extra = sorted(set(stored) - expected_ids)
    return report


def repair(report: CheckReport) -> int:
    """Queue every differing listing of the report for indexing (through the outbox).

    A doubled alias is not repaired here but by ``reindex``: one new index, swapped in
    for all of them at once.
    """
    ids = report.missing + report.stale + report.extra
    with transaction.atomic():
        record_changes(ids, segment_text=False)
    return len(ids)


def kinds() -> list[str]:
    return list(INDEXES)


__all__ = ["changes_of", "check", "kinds", "reindex", "repair", "resegment"]
