"""End to end through Redis: a real `celery worker` process delivers the verification email."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from accounts.roles import Role
from accounts.services.registration import register_user

ROOT = Path(__file__).resolve().parents[2]


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
