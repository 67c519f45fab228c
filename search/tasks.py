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


class NotIndexedYet(Exception):
    """The new item is not searchable yet (its index write is on its way)."""


@shared_task(
    autoretry_for=(NotIndexedYet,),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def match_saved_searches(kind: str, item_id: int) -> int:
    """Tell the saved searches that find newly published item ``(kind, item_id)``,
    each once; waits (retries) until the item is searchable, quietly gives up when it
    is no longer public."""
    from search import saved
    from search.backends import SearchUnavailable

    if not _still_public(kind, item_id):
        return 0
    try:
        return saved.notify_new_item(kind, item_id)
    except (saved.ItemNotSearchable, SearchUnavailable) as error:
        raise NotIndexedYet(str(error)) from error


def _still_public(kind: str, item_id: int) -> bool:
    """Whether the item is published now (unpublished meanwhile: nobody is told)."""
    from market.kinds import registry

    if kind not in registry:
        return True  # a kind the listing registry does not hold: the index decides
    return (
        registry.get(kind).model.objects.filter(pk=item_id, status="published").exists()
    )
