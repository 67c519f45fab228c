"""Celery tasks of the portal: thin wrappers run by beat."""

from __future__ import annotations

from celery import shared_task

from cms import cache


@shared_task
def flush_view_counts() -> int:
    """Write the views counted in the page cache to the listings (every 5 minutes)."""
    return cache.flush_view_counts()
