"""The matcher listens to the market: a listing published, changed or withdrawn has
its proposals recomputed after the commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from cms.panels import related_changed

logger = logging.getLogger(__name__)


def _schedule(ids: list[int]) -> None:
    from matching.tasks import match_listings

    try:
        match_listings.delay(ids)
    except Exception:  # broker down: the nightly refresh recomputes everything
        logger.warning("could not schedule matching of %s", ids, exc_info=True)


def schedule(listing_ids: Iterable[int]) -> None:
    """Recompute these listings' proposals once the current transaction commits.

    The pages that list them as related items are retired at once (on commit): a
    listing withdrawn or renamed must not stay there until the refresh has run.
    """
    ids = sorted({int(pk) for pk in listing_ids})
    if ids:
        related_changed()
        transaction.on_commit(lambda: _schedule(ids))


def on_listing_status_changed(
    sender: Any, *, listing_id: int, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """Entering or leaving the published state changes the listing's proposals."""
    if "published" in (old_status, new_status):
        schedule([listing_id])


def on_listings_status_changed(
    sender: Any,
    *,
    listing_ids: Iterable[int],
    old_statuses: dict[int, str],
    new_status: str,
    **kwargs: Any,
) -> None:
    """Many listings took one step (bulk moderation, expiry)."""
    schedule(
        pk for pk in listing_ids if "published" in (old_statuses.get(pk), new_status)
    )


def on_listings_changed(
    sender: Any, *, listing_ids: Iterable[int], **kwargs: Any
) -> None:
    """Published listings' content changed."""
    schedule(listing_ids)


def on_challenge_status_changed(
    sender: Any, *, challenge_id: int, new_status: str, **kwargs: Any
) -> None:
    """A challenge just published (发榜) gets its solver proposals after the commit."""
    if new_status != "published":
        return

    def schedule_solvers() -> None:
        from matching.tasks import refresh_challenge_solvers

        try:
            refresh_challenge_solvers.delay(challenge_id)
        except Exception:  # broker down: the nightly task computes them
            logger.warning(
                "could not schedule solvers of challenge %s",
                challenge_id,
                exc_info=True,
            )

    transaction.on_commit(schedule_solvers)
