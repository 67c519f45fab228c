"""Views of listings, counted elsewhere (in the page cache) and added up here."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models, transaction
from django.db.models import Case, F, Value, When

from market.models import Listing

# Listings per UPDATE: one statement adds the views of a whole batch.
BATCH = 500


def record_views(counts: Mapping[int, int]) -> int:
    """Add ``counts`` (listing id → views) to the listings' view counts; rows updated."""
    items = sorted((pk, views) for pk, views in counts.items() if views > 0)
    updated = 0
    with transaction.atomic():
        # Ascending ids in every writer: concurrent flushes lock rows in one order.
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            added = Case(
                *(When(pk=pk, then=Value(views)) for pk, views in batch),
                default=Value(0),
                output_field=models.PositiveIntegerField(),
            )
            updated += Listing.objects.filter(pk__in=[pk for pk, _ in batch]).update(
                view_count=F("view_count") + added
            )
    return updated
