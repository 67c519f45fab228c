"""Rebuild the search indices behind their aliases, with a progress bar."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from search.backends import SearchUnavailable, get_backend
from search.documents import INDEXES, published_ids
from search.reindex import reindex, resegment


class Command(BaseCommand):
    help = (
        "Build fresh indices from the database with bulk requests, swap each alias "
        "atomically and drop the old index; searches keep answering throughout."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--kind",
            choices=sorted(INDEXES),
            action="append",
            help="Only this kind (repeatable); default: every kind.",
        )
        parser.add_argument("--chunk-size", type=int, default=1000)
        parser.add_argument(
            "--resegment",
            action="store_true",
            help="Segment every listing's text again first (after dictionary changes).",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        chunk = max(1, options["chunk_size"])
        for kind in options["kind"] or list(INDEXES):
            if options["resegment"]:
                count = resegment(kind)
                self.stdout.write(f"{kind}: re-segmented {count} listings")
            total = published_ids(kind).count()
            started = time.monotonic()
            bar = _Bar(kind, total, enabled=not options["no_progress"])
            try:
                result = reindex(kind, backend=backend, progress=bar, chunk_size=chunk)
            except SearchUnavailable as error:
                raise CommandError(f"{kind}: {error}") from error
            bar.finish()
            seconds = time.monotonic() - started
            rate = result["documents"] / seconds if seconds else 0.0
            self.stdout.write(
                f"{kind}: {result['documents']} documents into {result['index']} "
                f"in {seconds:.1f} s ({rate:.0f} docs/s); "
                f"replaced {', '.join(result['replaced']) or 'nothing'}"
            )


class _Bar:
    """A one-line progress bar on stderr (only on a terminal unless forced)."""

    def __init__(self, label: str, total: int, *, enabled: bool) -> None:
        self.label, self.total = label, max(total, 1)
        self.enabled = enabled
        self.started = time.monotonic()

    def __call__(self, done: int) -> None:
        if not self.enabled:
            return
        share = min(done / self.total, 1.0)
        filled = int(share * 30)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        sys.stderr.write(
            f"\r{self.label:<9} [{'#' * filled}{'.' * (30 - filled)}] "
            f"{share:6.1%} {done}/{self.total} {rate:,.0f} docs/s"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
