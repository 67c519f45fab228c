"""Celery tasks of the imports: run a confirmed admin import in the background, and
sweep the jobs (beat)."""

from __future__ import annotations

from celery import shared_task

from market.imports import jobs


# 50,000 rows with publication take ≈ 4.5 minutes on 2 cores (docs/benchmarks.md);
# the default limit is five.
@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def import_upload(user_id: int, token: str, language: str) -> None:
    """Import upload ``token`` of ``user_id``; returns quietly if done or gone."""
    jobs.run(user_id, token, language)


@shared_task(expires=4 * 60)
def sweep_import_jobs() -> dict[str, int]:
    """Fail import jobs whose worker died; delete finished jobs after a month."""
    return jobs.sweep()
