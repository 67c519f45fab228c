"""Recompute every published listing's proposals, with a progress line."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from market.models import ListingKind
from matching.items import published_ids
from matching.services.proposals import refresh_item
from matching.services.training import active_model, train_model


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
        ids = [
            pk
            for kind in (ListingKind.DEMAND, ListingKind.OUTCOME)
            for pk in published_ids(kind)
        ]
        proposed = retired = 0
        for n, pk in enumerate(ids, start=1):
            result = refresh_item(pk)
            proposed += result.proposed
            retired += result.retired
            if sys.stdout.isatty() and (n % 20 == 0 or n == len(ids)):
                self.stdout.write(f"\r{n}/{len(ids)} listings", ending="")
                self.stdout.flush()
        if sys.stdout.isatty():
            self.stdout.write("")
        self.stdout.write(
            f"{len(ids)} listings matched: {proposed} proposals written, "
            f"{retired} retired, in {time.monotonic() - started:.1f} s"
        )
