"""The background import task: the worker must know it, and it runs an upload once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from market.imports import jobs
from market.imports.tasks import import_upload, sweep_import_jobs
from market.models import ImportJob, Outcome
from tests.factories import UserFactory
from tests.market.fixtures.catalogue import (
    catalogue_organisations,
    csv_bytes,
    outcome_row,
)

ROOT = Path(__file__).resolve().parents[2]


def test_import_upload_task_is_found_by_a_starting_worker():
    # A worker imports only what autodiscovery finds; run that in a clean process.
    script = (
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print('market.imports.tasks.import_upload' in app.tasks)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    assert result.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.django_db
def test_import_upload_imports_the_stored_file_once():
    catalogue_organisations()
    user = UserFactory()
    data = csv_bytes([outcome_row(1), outcome_row(2)])
    token = jobs.store_upload(user.pk, data, "o.csv", {"kind": "outcome"})
    jobs.queue(user.pk, token)

    import_upload(user.pk, token, "en")
    import_upload(user.pk, token, "en")  # redelivered: returns quietly

    job = jobs.state(user.pk, token)
    assert job["state"] == jobs.DONE
    assert job["report"].created == 2
    assert Outcome.objects.count() == 2
    assert not jobs.has_upload(user.pk, token)


def _queued_upload(rows: int = 2):
    catalogue_organisations()
    user = UserFactory()
    data = csv_bytes([outcome_row(n) for n in range(1, rows + 1)])
    token = jobs.store_upload(user.pk, data, "o.csv", {"kind": "outcome"})
    jobs.queue(user.pk, token)
    return user, token


@pytest.mark.django_db
def test_import_job_is_done_only_together_with_its_listings(monkeypatch):
    user, token = _queued_upload()
    real_import = jobs.import_listings

    def import_then_die(**kwargs):
        real_import(**kwargs)
        raise RuntimeError("worker lost its database connection")

    monkeypatch.setattr(jobs, "import_listings", import_then_die)
    with pytest.raises(RuntimeError):
        jobs.run(user.pk, token, "en")

    job = jobs.state(user.pk, token)
    assert job["state"] == jobs.FAILED
    assert Outcome.objects.count() == 0  # rolled back with the job
    assert jobs.has_upload(user.pk, token)  # kept for running it again


@pytest.mark.django_db
def test_import_job_whose_worker_stopped_beating_fails_and_runs_again(settings):
    user, token = _queued_upload()
    # A worker took the job, then died: its heartbeat stopped two minutes ago.
    ImportJob.objects.filter(token=token).update(
        state=jobs.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=2)
    )
    settings.IMPORT_STALE_SECONDS = 60

    failed = jobs.state(user.pk, token)
    again = jobs.queue(user.pk, token)
    import_upload(user.pk, token, "en")

    assert failed["state"] == jobs.FAILED
    assert again is True
    done = jobs.state(user.pk, token)
    assert done["state"] == jobs.DONE
    assert done["report"].created == 2
    assert Outcome.objects.count() == 2


@pytest.mark.django_db
def test_import_job_with_a_live_heartbeat_is_left_running(settings):
    user, token = _queued_upload()
    ImportJob.objects.filter(token=token).update(
        state=jobs.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(seconds=20)
    )
    settings.IMPORT_STALE_SECONDS = 60

    assert jobs.state(user.pk, token)["state"] == jobs.RUNNING
    assert jobs.queue(user.pk, token) is False  # a second click starts nothing
    import_upload(user.pk, token, "en")  # a duplicate message changes nothing
    assert Outcome.objects.count() == 0


@pytest.mark.django_db
def test_import_sweep_fails_dead_jobs_and_deletes_month_old_finished_ones(settings):
    settings.IMPORT_STALE_SECONDS = 60
    now = timezone.now()
    user = UserFactory()
    dead = ImportJob.objects.create(
        user=user, token="a" * 64, state=jobs.RUNNING, heartbeat_at=now
    )
    old = ImportJob.objects.create(
        user=user,
        token="b" * 64,
        state=jobs.DONE,
        finished_at=now - dt.timedelta(days=31),
    )
    recent = ImportJob.objects.create(
        user=user, token="c" * 64, state=jobs.DONE, finished_at=now
    )

    entry = django_settings.CELERY_BEAT_SCHEDULE["sweep-import-jobs"]
    assert entry["task"] == sweep_import_jobs.name
    assert entry["options"]["expires"] < entry["schedule"]
    result = sweep_import_jobs.apply(kwargs={}).get()
    assert result == {"failed": 0, "deleted": 1}
    assert jobs.sweep(now + dt.timedelta(minutes=2))["failed"] == 1

    dead.refresh_from_db()
    assert dead.state == jobs.FAILED
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert ImportJob.objects.filter(pk=recent.pk).exists()
