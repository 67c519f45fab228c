"""Confirmed admin imports run as background jobs: the upload waits in the cache, the
job's state is a database row (``market.models.ImportJob``).

A large file takes longer to save (revisions, reference index, life cycle) than a
web request may last, so the admin's confirmation queues a task and shows a status
page until the report is ready. Uploads are namespaced by user, so nobody can confirm
or read another user's upload, and named by the SHA-256 of the bytes and options, so
what is imported is exactly what the dry run checked.

A job is all or nothing: the import runs in one transaction, and the job is marked
done inside it. While it runs, a thread of the worker beats the job's heartbeat; if
the worker dies (killed, out of memory, the machine lost), the transaction is rolled
back by PostgreSQL, the heartbeat stops, and after ``IMPORT_STALE_SECONDS`` the job is
reported as failed (on the status page, and by the ``fail-stale-imports`` beat task).
The user can then run it again; importing is idempotent by external ID.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation

from market.imports.importer import ImportReport, import_listings
from market.models import ImportJob, ImportJobState

logger = logging.getLogger(__name__)

UPLOAD_TIMEOUT = 3600
# The file of rejected rows of an import (or its dry run) is kept a day.
REJECTED_TIMEOUT = 24 * 3600
# Finished jobs are kept this long for their status pages, then deleted.
KEEP_FINISHED = dt.timedelta(days=30)

QUEUED = ImportJobState.QUEUED.value
RUNNING = ImportJobState.RUNNING.value
DONE = ImportJobState.DONE.value
FAILED = ImportJobState.FAILED.value


def _upload_key(user_id: int, token: str) -> str:
    return f"market-imports:upload:{user_id}:{token}"


def _rejected_key(user_id: int, token: str) -> str:
    return f"market-imports:rejected:{user_id}:{token}"


def store_rejected(user_id: int, token: str, data: bytes) -> None:
    """Keep the file of rejected rows of an import (or its dry run) for a day."""
    cache.set(_rejected_key(user_id, token), data, REJECTED_TIMEOUT)


def rejected_file(user_id: int, token: str) -> bytes | None:
    """The rejected rows of the user's import ``token``, if kept."""
    data = cache.get(_rejected_key(user_id, token))
    return data if isinstance(data, bytes) else None


def store_upload(
    user_id: int, data: bytes, filename: str, options: dict[str, Any]
) -> str:
    """Keep a checked upload for an hour; returns its token."""
    token = hashlib.sha256(
        data + json.dumps(options, sort_keys=True).encode()
    ).hexdigest()
    cache.set(
        _upload_key(user_id, token),
        {"data": data, "filename": filename, "options": options},
        UPLOAD_TIMEOUT,
    )
    return token


def has_upload(user_id: int, token: str) -> bool:
    return cache.get(_upload_key(user_id, token)) is not None


def queue(user_id: int, token: str) -> bool:
    """Record that the import of an upload was asked for; whether to send a worker.

    A second click or a late confirmation leaves a running or finished job alone; a
    failed job is queued again (run it again), and a job still waiting is sent once
    more (its first message may have been lost with the broker).
    """
    fail_stale(user_id=user_id, token=token)
    upload = cache.get(_upload_key(user_id, token)) or {}
    with transaction.atomic():
        job, created = ImportJob.objects.select_for_update().get_or_create(
            user_id=user_id,
            token=token,
            defaults={"filename": upload.get("filename", "")[:255]},
        )
        if created or job.state == QUEUED:
            return True
        if job.state == FAILED:
            job.state = QUEUED
            job.queued_at = timezone.now()
            job.started_at = job.heartbeat_at = job.finished_at = None
            job.report, job.error = None, ""
            job.save()
            return True
    return False


def state(user_id: int, token: str) -> dict[str, Any] | None:
    """The job's state: ``state`` (queued, running, done, failed), filename, report."""
    fail_stale(user_id=user_id, token=token)
    job = ImportJob.objects.filter(user_id=user_id, token=token).first()
    if job is None:
        return None
    return {
        "state": job.state,
        "filename": job.filename,
        "since": job.queued_at.isoformat(),
        "attempts": job.attempts,
        "error": job.error,
        "report": ImportReport.from_dict(job.report) if job.report else None,
    }


def fail_stale(*, now: dt.datetime | None = None, **filters: Any) -> int:
    """Mark running jobs whose heartbeat stopped as failed; how many there were."""
    now = now or timezone.now()
    failed = (
        ImportJob.objects.stale(now)
        .filter(**filters)
        .update(
            state=FAILED,
            finished_at=now,
            error="The worker stopped while importing (no heartbeat); nothing was saved.",
        )
    )
    if failed:
        logger.warning(
            "%s import job(s) lost their worker and were marked failed", failed
        )
    return failed


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Fail jobs whose worker died, and delete finished jobs past ``KEEP_FINISHED``."""
    now = now or timezone.now()
    failed = fail_stale(now=now)
    deleted, _ = ImportJob.objects.filter(
        state__in=[DONE, FAILED], finished_at__lt=now - KEEP_FINISHED
    ).delete()
    return {"failed": failed, "deleted": deleted}


def _claim(user_id: int, token: str) -> ImportJob | None:
    """Take a queued job for this worker (none when done, running, failed or gone)."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(user_id=user_id, token=token)
            .first()
        )
        if job is None or job.state != QUEUED:
            return None
        now = timezone.now()
        ImportJob.objects.filter(pk=job.pk).update(
            state=RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
        )
    return job


class _Heartbeat:
    """While entered, a thread of this worker beats the job's heartbeat.

    The thread has its own database connection and commits each beat at once, so the
    web sees the job alive while the import's own transaction is still open.
    """

    def __init__(self, job_id: int) -> None:
        self._job_id = job_id
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name=f"import-heartbeat-{job_id}", daemon=True
        )

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        interval = float(getattr(settings, "IMPORT_HEARTBEAT_SECONDS", 10))
        try:
            while not self._stop.wait(interval):
                try:
                    ImportJob.objects.filter(pk=self._job_id, state=RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # a missed beat is retried; the import goes on
                    logger.warning("import heartbeat failed", exc_info=True)
        finally:
            connection.close()


def _fail(job_id: int, error: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        state=FAILED, finished_at=timezone.now(), error=error[:2000]
    )


def run(user_id: int, token: str, language: str) -> None:
    """Import the upload, then keep its report for the status page; safe to repeat."""
    job = _claim(user_id, token)
    if job is None:
        return
    upload = cache.get(_upload_key(user_id, token))
    if upload is None:
        _fail(job.pk, "The checked upload expired before the import ran.")
        return
    try:
        with (
            _Heartbeat(job.pk),
            translation.override(language),
            transaction.atomic(),
        ):
            report = import_listings(
                rows_or_file=upload["data"],
                dry_run=False,
                by_user_id=user_id,
                **upload["options"],
            )
            if report.rejected_file:
                store_rejected(user_id, token, report.rejected_file)
            # Done in the import's own transaction: done exactly when it is saved.
            ImportJob.objects.filter(pk=job.pk).update(
                state=DONE, report=report.to_dict(), finished_at=timezone.now()
            )
    except Exception as error:
        logger.exception("import of upload %s by user %s failed", token, user_id)
        _fail(job.pk, f"{type(error).__name__}: {error}")
        raise
    cache.delete(_upload_key(user_id, token))
