"""Suite-wide fixtures. Services come from scripts/services.sh (see README)."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """A cache namespace per test: cached pages never leak into the next test or run."""
    default = dict(settings.CACHES["default"])
    default["KEY_PREFIX"] = (
        f"{default.get('KEY_PREFIX', 'test')}-{uuid.uuid4().hex[:12]}"
    )
    settings.CACHES = {**settings.CACHES, "default": default}


@pytest.fixture(autouse=True)
def _fresh_search_vocabulary():
    """Synonyms and dictionary words of one test never leak into the next (each
    process keeps them between looks at the shared cache)."""
    from search import analysis, synonyms

    synonyms.forget()
    analysis.forget()


@pytest.fixture
def eager_celery(settings):
    """Run ``.delay()`` in-process, as `make run` does, and restore Celery afterwards.

    Celery reads its configuration from Django settings once per process, so changing
    ``settings.CELERY_TASK_ALWAYS_EAGER`` in a test only works if no earlier test read
    it: the application's configuration itself is switched here.
    """
    from config.celery import app

    conf = app.conf
    previous = (conf.task_always_eager, conf.task_eager_propagates)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous


@contextlib.contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Send this process's tasks to the broker at ``url`` while inside.

    Celery keeps a connection pool made from the first broker URL it used; it is
    dropped on the way in and out, as after a fork.
    """
    from config.celery import app

    def reset() -> None:
        if app._pool is not None:
            app._pool.force_close_all()
        app._after_fork()

    original = app.conf.broker_url
    app.conf.broker_url = url
    reset()
    try:
        yield
    finally:
        app.conf.broker_url = original
        reset()


@pytest.fixture
def broker_down() -> Iterator[None]:
    """Tasks queued by this test go to a broker that does not answer."""
    with celery_broker("redis://127.0.0.1:9/0"):  # nothing listens on the discard port
        yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never leak into another or into var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the post-migration snapshot for tests with ``serialized_rollback=True``.

    Django stores the snapshot on the connection object, but connection objects are
    context-local and the one of a later test may be a new object without it: the
    transactional tests then flush the rows data migrations created (home page, site,
    technology fields, regions) and never restore them. Keeping the snapshot on the
    backend class makes every connection object of this run find it.
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        snapshot = getattr(connection, "_test_serialized_contents", None)
        if snapshot:
            type(connection)._test_serialized_contents = snapshot


@pytest.fixture
def worker_process(tmp_path):
    """A worker in its own process, on the test database, writing mail into tmp_path."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    from django.db import connection

    from config.celery import app as celery_app

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        TEST_EMAIL_DIR=str(mail_dir),
    )
    celery_app.control.purge()  # leftovers of an interrupted earlier run
    log = (tmp_path / "worker.log").open("w")
    hostname = f"test-{os.getpid()}@%h"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            hostname,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "celery worker did not start:\n"
                    + (tmp_path / "worker.log").read_text()
                )
        yield mail_dir
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
