"""The background import task: the worker must know it, and it runs an upload once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from market.imports import jobs
from market.imports.tasks import import_upload
from market.models import Outcome
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
