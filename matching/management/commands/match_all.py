"""Recompute every published listing's proposals, with a progress line."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from matching.services.proposals import refresh_in_chunks
from matching.services.training import active_model, train_model
from matching.tasks import refresh_chunks


class Command(BaseCommand):
    help = (
        "Recompute the proposals of every published demand and outcome (top 20 each "
        "way); trains the embedding first when there is none or with --retrain. "
        "Idempotent: agents' decisions are kept. With Celery workers, the nightly "
        "task matching.tasks.refresh_all_proposals spreads the same work over them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--retrain", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options["retrain"] or active_model() is None:
            model = train_model()
            self.stdout.write(f"trained {model.version} in {model.seconds:.1f} s")
        chunks = refresh_chunks()
        total = sum(len(chunk) for chunk in chunks)
        proposed = retired = done = 0
        for results in refresh_in_chunks(chunks):
            for result in results:
                proposed += result.proposed
                retired += result.retired
            done += len(results)
            if sys.stdout.isatty():
                self.stdout.write(f"\r{done}/{total} listings", ending="")
                self.stdout.flush()
        if sys.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(
            f"{total} listings matched: {proposed} proposals written, "
            f"{retired} retired, in {time.monotonic() - started:.1f} s"
        )
