"""End to end through Redis: a real `celery worker` process delivers the verification email."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from accounts.roles import Role
from accounts.services.registration import register_user
from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_process(tmp_path):
    """A worker in its own process, on the test database, writing mail into tmp_path."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
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


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_celery_worker_sends_the_verification_email_after_sign_up(
    worker_process, client
):
    user = register_user(
        email="Zhang.Wei@Example.cn",
        display_name="张伟",
        password="a-long-passphrase-2026",
        role=Role.RESEARCHER,
    )
    assert not user.email_verified

    deadline = time.monotonic() + 30
    while not (mails := list(worker_process.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(mails) == 1, "the worker delivered no verification email"
    message = mails[0].read_text()
    assert "To: zhang.wei@example.cn" in message
    link = re.search(r"https?://\S+/accounts/verify/\S+", message)
    assert link, message

    path = "/" + link.group(0).split("/", 3)[3]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email_verified
