"""Keeping the index true: the outbox written with each change, and draining it.

A receiver of the market's signals runs inside the service's transaction: it segments
the listing's text, counts one more change and writes an outbox row, all committed or
rolled back with the change itself. After the commit a Celery task drains those rows at
once; if Redis or the search engine is down, the rows wait and the periodic drain
(``drain_search_outbox``) sends them when both are back. Draining claims rows with
``SELECT … FOR UPDATE SKIP LOCKED``, rebuilds each document from current database state,
sends one bulk request and deletes only the rows whose change the engine accepted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F

from search.backends import SearchUnavailable, get_backend
from search.documents import build_changes
from search.models import IndexOutbox
from search.texts import record_texts

logger = logging.getLogger(__name__)

BATCH = 500


def record_changes(listing_ids: Iterable[int], *, segment_text: bool = True) -> None:
    """Note that the listings changed: text, version and outbox row, in this transaction.

    The drain task is scheduled for after the commit; failing to schedule it (Redis
    down) loses nothing, because the periodic drain finds the rows.
    """
    ids = sorted({int(pk) for pk in listing_ids})
    if not ids:
        return
    with transaction.atomic():
        record_texts(ids, segment_text=segment_text)
        IndexOutbox.objects.bulk_create([IndexOutbox(listing_id=pk) for pk in ids])
    transaction.on_commit(lambda: _schedule(ids))


def _schedule(ids: list[int]) -> None:
    from search.tasks import index_listings

    try:
        index_listings.delay(ids)
    except Exception:  # the broker is down: the periodic drain will send them
        logger.warning("could not schedule indexing of %s", ids, exc_info=True)


@dataclass
class DrainResult:
    """What one drain did."""

    claimed: int = 0
    sent: int = 0
    failed_ids: set[int] = field(default_factory=set)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.failed_ids and not self.error


def drain(
    listing_ids: Iterable[int] | None = None, *, limit: int = BATCH
) -> DrainResult:
    """Send up to ``limit`` pending changes (of ``listing_ids`` only, if given)."""
    result = DrainResult()
    with transaction.atomic():
        rows: Any = IndexOutbox.objects.select_for_update(skip_locked=True).order_by(
            "pk"
        )
        if listing_ids is not None:
            rows = rows.filter(listing_id__in=list(listing_ids))
        claimed = list(rows.values_list("pk", "listing_id")[:limit])
        if not claimed:
            return result
        result.claimed = len(claimed)
        ids = list(dict.fromkeys(listing_id for _, listing_id in claimed))
        changes = list(build_changes(ids))
        result.sent = len(changes)
        try:
            result.failed_ids = get_backend().apply(changes)
        except SearchUnavailable as error:
            result.error = str(error)
            result.failed_ids = set(ids)
        done = [pk for pk, listing_id in claimed if listing_id not in result.failed_ids]
        IndexOutbox.objects.filter(pk__in=done).delete()
        failed = [pk for pk, listing_id in claimed if listing_id in result.failed_ids]
        if failed:
            IndexOutbox.objects.filter(pk__in=failed).update(
                attempts=F("attempts") + 1, last_error=result.error[:2000] or "refused"
            )
    return result


def drain_all(*, limit: int = BATCH, max_batches: int = 200) -> dict[str, int]:
    """Drain until the outbox is empty, a batch fails, or ``max_batches`` ran."""
    totals = {"claimed": 0, "sent": 0, "failed": 0, "batches": 0}
    for _ in range(max_batches):
        result = drain(limit=limit)
        if not result.claimed:
            break
        totals["batches"] += 1
        totals["claimed"] += result.claimed
        totals["sent"] += result.sent
        totals["failed"] += len(result.failed_ids)
        if not result.ok:
            break
    return totals


def pending() -> int:
    """How many changes wait in the outbox."""
    return IndexOutbox.objects.count()


# -- receivers of the market's signals ------------------------------------------------


def on_listing_status_changed(
    sender: Any, *, listing_id: int, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """A listing entered or left the published state: index it or delete it."""
    if "published" in (old_status, new_status):
        record_changes([listing_id], segment_text=new_status == "published")


def on_listings_status_changed(
    sender: Any,
    *,
    listing_ids: Iterable[int],
    old_statuses: dict[int, str],
    new_status: str,
    **kwargs: Any,
) -> None:
    """Many listings took one step: index (or delete) them with one outbox write."""
    ids = [
        pk for pk in listing_ids if "published" in (old_statuses.get(pk), new_status)
    ]
    record_changes(ids, segment_text=new_status == "published")


def on_listings_changed(
    sender: Any, *, listing_ids: Iterable[int], **kwargs: Any
) -> None:
    """Published listings' content changed: re-segment and reindex them."""
    record_changes(listing_ids)


_ORGANISATION_FIELDS = ("name", "short_name", "kind")


def before_organisation_saved(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """Remember what the index shows of an organisation, to compare after the save."""
    if instance.pk:
        instance._search_before = (
            type(instance)
            .objects.filter(pk=instance.pk)
            .values_list(*_ORGANISATION_FIELDS)
            .first()
        )


def on_organisation_saved(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """An organisation's name or kind changed: reindex its public listings and
    challenges."""
    before = getattr(instance, "_search_before", None)
    after = tuple(getattr(instance, name) for name in _ORGANISATION_FIELDS)
    if before is None or tuple(before) == after:
        return
    from market.models import Listing, ListingStatus

    ids = list(
        Listing.objects.filter(
            organisation_id=instance.pk, status=ListingStatus.PUBLISHED
        ).values_list("pk", flat=True)
    )
    from search.challenges import keys_of_issuer

    record_changes([*ids, *keys_of_issuer(instance.pk)])


def on_listing_deleted(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """A listing row was deleted (admin or cascade): delete its document."""
    record_changes([instance.pk], segment_text=False)


def resegment_containing(word: str) -> int:
    """Re-segment the published listings and public challenges that mention ``word``;
    how many there were."""
    from django.db.models import Q

    from market.models import Listing, ListingStatus

    ids = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED)
        .filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(outcome__description__icontains=word)
            | Q(outcome__advantages__icontains=word)
            | Q(outcome__applications__icontains=word)
            | Q(demand__problem__icontains=word)
        )
        .values_list("pk", flat=True)
    )
    from search.challenges import keys_containing

    ids += keys_containing(word)
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            record_changes(ids[start : start + BATCH])
    return len(ids)
