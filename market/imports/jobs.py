"""Confirmed admin imports run as background jobs; upload and job state live in the cache.

A large file takes longer to save (revisions, reference index, life cycle) than a
web request may last, so the admin's confirmation queues a task and shows a status
page until the report is ready. Keys are namespaced by user, so nobody can confirm or
read another user's upload, and named by the SHA-256 of the bytes and options, so
what is imported is exactly what the dry run checked.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.cache import cache
from django.utils import timezone, translation

from market.imports.importer import ImportReport, import_listings

logger = logging.getLogger(__name__)

UPLOAD_TIMEOUT = 3600
JOB_TIMEOUT = 24 * 3600

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


def _upload_key(user_id: int, token: str) -> str:
    return f"market-imports:upload:{user_id}:{token}"


def _job_key(user_id: int, token: str) -> str:
    return f"market-imports:job:{user_id}:{token}"


def _rejected_key(user_id: int, token: str) -> str:
    return f"market-imports:rejected:{user_id}:{token}"


def store_rejected(user_id: int, token: str, data: bytes) -> None:
    """Keep the file of rejected rows of an import (or its dry run) for a day."""
    cache.set(_rejected_key(user_id, token), data, JOB_TIMEOUT)


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


def queue(user_id: int, token: str) -> None:
    """Record that the import of an upload was asked for (once: a second click or a
    late confirmation must not reset a running or finished job)."""
    upload = cache.get(_upload_key(user_id, token)) or {}
    cache.add(
        _job_key(user_id, token),
        {
            "state": QUEUED,
            "filename": upload.get("filename", ""),
            "since": timezone.now().isoformat(),
        },
        JOB_TIMEOUT,
    )


def state(user_id: int, token: str) -> dict[str, Any] | None:
    """The job's state: ``state`` (queued, running, done, failed), filename, report."""
    job = cache.get(_job_key(user_id, token))
    if job and job.get("report") is not None:
        job = {**job, "report": ImportReport.from_dict(job["report"])}
    return job


def run(user_id: int, token: str, language: str) -> None:
    """Import the upload, then keep its report for the status page; safe to repeat."""
    key = _job_key(user_id, token)
    job = cache.get(key) or {"filename": ""}
    if job.get("state") == DONE:
        return
    upload = cache.get(_upload_key(user_id, token))
    if upload is None:
        cache.set(key, {**job, "state": FAILED}, JOB_TIMEOUT)
        return
    cache.set(key, {**job, "state": RUNNING}, JOB_TIMEOUT)
    try:
        with translation.override(language):
            report = import_listings(
                rows_or_file=upload["data"],
                dry_run=False,
                by_user_id=user_id,
                **upload["options"],
            )
            payload = report.to_dict()
            if report.rejected_file:
                store_rejected(user_id, token, report.rejected_file)
    except Exception:
        logger.exception("import of upload %s by user %s failed", token, user_id)
        cache.set(key, {**job, "state": FAILED}, JOB_TIMEOUT)
        raise
    cache.set(key, {**job, "state": DONE, "report": payload}, JOB_TIMEOUT)
    cache.delete(_upload_key(user_id, token))
