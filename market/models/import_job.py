"""Import jobs: an admin's confirmed import, run by a Celery worker in the background.

The row is the job's state for the status page. It lives in the database, next to the
listings the import writes: the worker marks it done in the import's own transaction,
so a job is done exactly when its listings are saved. While it runs, the worker beats
a heartbeat; a job whose heartbeat stopped (the worker was killed) is reported as
failed and can be run again, instead of showing "running" for ever.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def stale_after() -> dt.timedelta:
    """How long a running job may go without a heartbeat before it counts as dead."""
    return dt.timedelta(seconds=getattr(settings, "IMPORT_STALE_SECONDS", 60))


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def stale(self, now: dt.datetime | None = None) -> ImportJobQuerySet:
        """Running jobs whose worker stopped beating."""
        limit = (now or timezone.now()) - stale_after()
        return self.filter(state=ImportJobState.RUNNING, heartbeat_at__lt=limit)


class ImportJob(models.Model):
    """One confirmed import of one upload by one user (the upload's token names it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(_("upload token"), max_length=64)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ImportJobState.choices,
        default=ImportJobState.QUEUED,
    )
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    report = models.JSONField(_("report"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token"], name="import_job_unique_upload_per_user"
            )
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="import_job_state")
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.token[:12]} ({self.state})"
