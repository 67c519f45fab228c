"""Celery tasks of the matcher: thin wrappers over ``matching.services``."""

from __future__ import annotations

from celery import group, shared_task

from market.models import ListingKind
from matching.items import published_ids
from matching.services import proposals, reranker, training

# Listings per task of a full refresh: small enough to spread over every worker.
CHUNK = 200


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def match_listings(listing_ids: list[int]) -> int:
    """Recompute the proposals of these listings (retire them if unpublished)."""
    return sum(r.proposed for r in proposals.refresh_items(listing_ids))


@shared_task(acks_late=True, time_limit=3600, expires=6 * 3600)
def refresh_all_proposals(retrain: bool = True) -> int:
    """Nightly: retrain the embedder, then fan the catalogue out in chunks to the
    workers; returns how many chunks were queued."""
    if retrain:
        training.train_model()
    ids = [
        pk
        for kind in (ListingKind.DEMAND, ListingKind.OUTCOME)
        for pk in published_ids(kind)
    ]
    chunks = [ids[n : n + CHUNK] for n in range(0, len(ids), CHUNK)]
    if chunks:
        group(match_listings.s(chunk) for chunk in chunks).apply_async()
    return len(chunks)


@shared_task(acks_late=True, time_limit=1800, expires=6 * 3600)
def train_reranker() -> str | None:
    """Nightly: fit the learned re-ranker on the agents' decisions (used only if it
    beats the hand weights); returns its version, or None below the threshold."""
    model = reranker.train_reranker()
    return model.version if model is not None else None
