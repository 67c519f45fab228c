"""The Celery worker is killed (SIGKILL) in the middle of a bulk import: nothing of the
import is saved, the job does not stay "running", and running it again imports it
all, once."""

from __future__ import annotations

import signal
import time

import pytest
import redis
from django.db import connection
from django.db.models import F

from config.celery import app as celery_app
from market.imports import jobs
from market.imports.importer import import_listings
from market.imports.tasks import import_upload
from market.models import ImportJob, Listing, Outcome
from tests.conftest import celery_worker
from tests.factories import UserFactory
from tests.market.fixtures.catalogue import (
    catalogue_organisations,
    csv_bytes,
    outcome_row,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Enough rows that the batched import (≈ 300 rows/s) is still running when a few
# heartbeats have gone by.
ROWS = 2400


def _listing_ids_drawn() -> int:
    """Listing ids handed out so far: sequences move even in uncommitted work."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_value + CASE WHEN is_called THEN 0 ELSE -1 END FROM "
            + "market_listing_id_seq"
        )
        return int(cursor.fetchone()[0])


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)
    return found


@pytest.fixture
def forget_killed_message():
    """The killed worker's message waits, unacknowledged, for the broker's visibility
    timeout (an hour) before it would be delivered again; it is dropped after the
    test so that no later run receives it."""
    yield
    client = redis.Redis.from_url(celery_app.conf.broker_url)
    client.delete("unacked", "unacked_index", "unacked_mutex")


def test_worker_killed_mid_import_saves_nothing_and_the_job_runs_again(
    tmp_path, settings, report_figure, forget_killed_message
):
    catalogue_organisations()
    moderator = UserFactory()
    data = csv_bytes([outcome_row(n) for n in range(1, ROWS + 1)])
    token = jobs.store_upload(moderator.pk, data, "catalogue.csv", {"kind": "outcome"})
    assert jobs.queue(moderator.pk, token)
    drawn_before = _listing_ids_drawn()

    # The worker beats every 0.25 s; a job silent for 3 s counts as dead here.
    settings.IMPORT_STALE_SECONDS = 3
    job_row = ImportJob.objects.filter(user=moderator, token=token)
    with celery_worker(
        tmp_path, env={"TEST_IMPORT_HEARTBEAT_SECONDS": "0.25"}
    ) as worker:
        import_upload.delay(moderator.pk, token, "en")
        # Kill it once a third of the rows are written (inside the transaction) and
        # its heartbeat has been seen while the import's transaction is open.
        _wait(
            lambda: _listing_ids_drawn() - drawn_before >= ROWS // 3,
            240,
            "the import to write rows",
        )
        _wait(
            lambda: job_row.filter(heartbeat_at__gt=F("started_at")).exists(),
            30,
            "a heartbeat",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    killed_at = time.monotonic()
    written = _listing_ids_drawn() - drawn_before

    # All or nothing: the rows written before the kill were rolled back.
    assert Listing.objects.count() == 0
    # Not "running" for ever: once the heartbeat is overdue, the job shows as failed.
    assert jobs.state(moderator.pk, token)["state"] == jobs.RUNNING
    failed = _wait(
        lambda: (
            (job := jobs.state(moderator.pk, token))["state"] == jobs.FAILED and job
        ),
        30,
        "the job to be reported failed",
    )
    noticed = time.monotonic() - killed_at
    assert "no heartbeat" in failed["error"]

    # Run again from the status page: the upload was kept, the import is whole.
    assert jobs.queue(moderator.pk, token)
    started = time.monotonic()
    with celery_worker(tmp_path):
        import_upload.delay(moderator.pk, token, "en")
        done = _wait(
            lambda: (
                (job := jobs.state(moderator.pk, token))["state"] == jobs.DONE and job
            ),
            300,
            "the import to finish",
        )
    took = time.monotonic() - started
    assert done["report"].created == ROWS
    assert Outcome.objects.count() == ROWS

    # Idempotent: the same file once more creates and changes nothing.
    again = import_listings("outcome", data, dry_run=False, by_user_id=moderator.pk)
    assert (again.created, again.updated, again.unchanged) == (0, 0, ROWS)
    assert Outcome.objects.count() == ROWS

    report_figure(
        f"worker SIGKILLed after {written} of {ROWS} rows: 0 saved, job reported "
        f"failed {noticed:.1f} s later (heartbeat 0.25 s, stale after 3 s here; 10 s "
        f"and 60 s by default); "
        f"run again: {ROWS} imported in {took:.1f} s"
    )
