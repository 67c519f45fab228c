"""Suite-wide fixtures. Services come from scripts/services.sh (see README)."""

from __future__ import annotations

import contextlib
import os
import socket
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

    Celery keeps a connection pool made from the first broker URL it used (in kombu's
    global registry); the pools are dropped on the way in and out, as after a fork.
    """
    from kombu import pools

    from config.celery import app

    def reset() -> None:
        pools.reset()
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


_workers_started = 0


@contextlib.contextmanager
def celery_worker(
    log_dir: Path, *, env: dict[str, str] | None = None, broker_url: str = ""
) -> Iterator[subprocess.Popen[bytes]]:
    """A real worker in its own process, on the test database, until the block ends.

    ``env`` adds to its environment (``REDIS_URL`` or ``ELASTICSEARCH_URL`` to point
    it at other servers: the test settings read them); ``broker_url`` is where this
    process reaches that worker (default: the broker of the test settings). The
    process is yielded: a test may kill it.
    """
    global _workers_started
    from django.conf import settings
    from django.db import connection

    from config.celery import app as celery_app

    _workers_started += 1
    db = connection.settings_dict
    worker_env = dict(os.environ)
    worker_env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        # The cache entries of this test (an upload to import) are the worker's too.
        TEST_CACHE_PREFIX=settings.CACHES["default"].get("KEY_PREFIX", ""),
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        **(env or {}),
    )
    hostname = f"test-{os.getpid()}-{_workers_started}@{socket.gethostname()}"
    broker = broker_url or celery_app.conf.broker_url
    with celery_app.connection_for_write(broker) as conn:
        celery_app.control.purge(connection=conn)  # leftovers of an interrupted run
    log_path = log_dir / f"worker-{_workers_started}.log"
    log = log_path.open("w")
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
        env=worker_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        with celery_app.connection_for_write(broker) as conn:
            while not celery_app.control.ping(
                destination=[hostname], timeout=0.5, connection=conn
            ):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("celery worker did not start:\n" + log_path.read_text())
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        log.close()


@pytest.fixture
def worker_process(tmp_path):
    """A worker in its own process, on the test database, writing mail into tmp_path."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    with celery_worker(tmp_path, env={"TEST_EMAIL_DIR": str(mail_dir)}):
        yield mail_dir
