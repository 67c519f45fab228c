"""Celery tasks of the matcher: thin wrappers over ``matching.services``."""

from __future__ import annotations

import random
import time
from typing import Any

from celery import group, shared_task
from django.db import OperationalError
from psycopg import errors

from market.models import ListingKind
from matching.items import published_ids
from matching.services import decisions, proposals, reranker, solvers, training

# Listings per task of a full refresh: small enough to spread over every worker.
CHUNK = 200
# A chunk that lost a deadlock to another worker is tried again this many times, after
# 0.1, 0.2, 0.4 … s (with jitter); then Celery retries the task later.
DEADLOCK_ATTEMPTS = 5


def deadlocked(error: OperationalError) -> bool:
    """True when PostgreSQL chose this transaction as a deadlock's victim."""
    return isinstance(error.__cause__, errors.DeadlockDetected)


@shared_task(
    bind=True, acks_late=True, time_limit=600, soft_time_limit=540, max_retries=3
)
def match_listings(self: Any, listing_ids: list[int]) -> int:
    """Recompute the proposals of these listings (retire them if unpublished)."""
    for attempt in range(DEADLOCK_ATTEMPTS):
        try:
            return sum(r.proposed for r in proposals.refresh_items(listing_ids))
        except OperationalError as error:
            if not deadlocked(error):
                raise
            if attempt == DEADLOCK_ATTEMPTS - 1:
                raise self.retry(exc=error, countdown=30) from error
            jitter = 1 + random.random()  # noqa: S311 (spreads retries, no secret)
            time.sleep(0.1 * 2**attempt * jitter)
    return 0


@shared_task(acks_late=True, time_limit=3600, expires=6 * 3600)
def refresh_all_proposals(retrain: bool = True) -> int:
    """Nightly: retrain the embedder, then fan the catalogue out in chunks to the
    workers; returns how many chunks were queued."""
    if retrain:
        training.train_model()
    chunks = refresh_chunks()
    if chunks:
        group(match_listings.s(chunk) for chunk in chunks).apply_async()
    return len(chunks)


def refresh_chunks(size: int | None = None) -> list[list[int]]:
    """Every published listing's id, demands first, in chunks (``CHUNK`` each)."""
    size = size or CHUNK
    ids = [
        pk
        for kind in (ListingKind.DEMAND, ListingKind.OUTCOME)
        for pk in published_ids(kind)
    ]
    return [ids[n : n + size] for n in range(0, len(ids), size)]


@shared_task(acks_late=True, time_limit=1800, expires=6 * 3600)
def train_reranker() -> str | None:
    """Nightly: fit the learned re-ranker on the agents' decisions (used only if it
    beats the hand weights); returns its version, or None below the threshold."""
    model = reranker.train_reranker()
    return model.version if model is not None else None


@shared_task(acks_late=True, time_limit=600, expires=6 * 3600)
def release_stale_claims() -> dict[str, int]:
    """Give back claims nobody acted on for ``MATCHING_CLAIM_DAYS`` (nightly)."""
    return decisions.release_stale_claims()


@shared_task(acks_late=True, time_limit=600, max_retries=0)
def refresh_challenge_solvers(challenge_id: int) -> int:
    """Recompute one published challenge's solver proposals (on publication)."""
    return solvers.refresh_solvers(challenge_id)


@shared_task(acks_late=True, time_limit=1800, expires=6 * 3600)
def refresh_open_challenge_solvers() -> int:
    """Nightly, after the proposals: every published challenge's solvers."""
    return solvers.refresh_open_challenges()
