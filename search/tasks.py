"""Celery tasks of the search app: thin wrappers over ``search.sync``."""

from __future__ import annotations

from celery import shared_task

from search import sync


class IndexingDeferred(Exception):
    """Some changes were not accepted yet; the task retries them with back-off."""


@shared_task(
    autoretry_for=(IndexingDeferred,),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=6,
    acks_late=True,
)
def index_listings(listing_ids: list[int]) -> dict[str, int]:
    """Send the pending changes of these listings (a no-op when already sent)."""
    result = sync.drain(listing_ids)
    if not result.ok:
        # The rows stay in the outbox, so the periodic drain still has them if every
        # retry fails too.
        raise IndexingDeferred(result.error or f"refused: {sorted(result.failed_ids)}")
    return {"claimed": result.claimed, "sent": result.sent}


@shared_task(expires=50, acks_late=True)
def drain_search_outbox() -> dict[str, int]:
    """Send every pending change (periodic: catches what a down service held back)."""
    return sync.drain_all()


@shared_task(acks_late=True)
def resegment_containing(word: str) -> int:
    """Re-segment and reindex the published listings whose text contains ``word``."""
    return sync.resegment_containing(word)
