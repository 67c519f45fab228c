"""Full reindex and consistency check, shared by the commands and the tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from search.backends import SearchBackend, get_backend
from search.documents import INDEXES, Change, build_changes, published_ids
from search.sync import record_changes
from search.texts import record_texts


def changes_of(kind: str, *, batch: int = 1000) -> Iterator[Change]:
    """Every published listing of ``kind`` as a change, read in batches of ``batch``."""
    last = 0
    while True:
        ids = list(published_ids(kind).filter(pk__gt=last)[:batch])
        if not ids:
            return
        yield from build_changes(ids)
        last = ids[-1]


def reindex(
    kind: str,
    *,
    backend: SearchBackend | None = None,
    progress: Callable[[int], None] = lambda n: None,
    chunk_size: int = 1000,
) -> dict[str, Any]:
    """Rebuild ``kind``'s index from the database and swap it in."""
    backend = backend or get_backend()
    return backend.reindex(
        kind,
        lambda: changes_of(kind, batch=chunk_size),
        progress=progress,
        chunk_size=chunk_size,
    )


def resegment(kind: str, *, batch: int = 500) -> int:
    """Segment every published listing of ``kind`` again (after dictionary changes)."""
    ids = list(published_ids(kind))
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            record_texts(ids[start : start + batch])
    return len(ids)


@dataclass
class CheckReport:
    """Documents that differ from the database, by kind."""

    kind: str
    expected: int = 0
    stored: int = 0
    missing: list[int] = field(default_factory=list)  # published, not in the index
    stale: list[int] = field(default_factory=list)  # in the index, older version
    extra: list[int] = field(default_factory=list)  # in the index, not published

    @property
    def problems(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)


def check(kind: str, *, backend: SearchBackend | None = None) -> CheckReport:
    """Compare a kind's index with the database: ids and versions."""
    from search.models import ListingText

    backend = backend or get_backend()
    report = CheckReport(kind)
    expected_ids = set(published_ids(kind))
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
    """Queue every listing of the report for indexing (through the outbox)."""
    ids = report.missing + report.stale + report.extra
    with transaction.atomic():
        record_changes(ids, segment_text=False)
    return len(ids)


def kinds() -> list[str]:
    return list(INDEXES)


__all__ = ["changes_of", "check", "kinds", "reindex", "repair", "resegment"]
