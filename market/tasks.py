"""Celery tasks of the market: thin wrappers over the freshness services (run by beat)."""

from __future__ import annotations

from celery import shared_task

from market.services import freshness


@shared_task
def expire_overdue_demands() -> int:
    """Expire published demands whose deadline has passed."""
    return freshness.expire_overdue_demands()


@shared_task
def archive_stale_listings() -> int:
    """Archive published listings whose validity has lapsed."""
    return freshness.archive_stale_listings()


@shared_task
def send_renewal_reminders() -> int:
    """Remind owners of listings whose validity ends soon, once per publication."""
    return freshness.send_renewal_reminders()


@shared_task
def close_due_challenges() -> int:
    """Close the published challenges whose application deadline has passed."""
    from market.services.challenges import close_due_challenges as close_due

    return close_due()
