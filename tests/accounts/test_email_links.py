"""Links in emails: BASE_URL in production; under `make run` the host and port the site
is really served on."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.emails import send_verification_email
from tests.accounts.test_signup import signup_data
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
LINK_RE = re.compile(r"https?://[^\s/]+/accounts/(?:verify|password/reset)/\S+")


def links(message) -> list[str]:
    return LINK_RE.findall(message.body)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_embedded_links_follow_the_host_and_port_of_the_request(
    client, settings, mailoutbox, eager_celery
):
    """On commit, inside the request (as under `make run`, not in a test transaction)."""
    settings.EMAIL_LINKS_FOLLOW_REQUEST = True
    settings.BASE_URL = "http://127.0.0.1:8000"

    client.post(
        reverse("accounts:signup"),
        signup_data(email="li.na@example.cn"),
        HTTP_HOST="localhost:8123",
    )
    UserFactory(email="sun.li@example.cn")
    client.post(
        reverse("accounts:password_reset"),
        {"email": "sun.li@example.cn"},
        HTTP_HOST="127.0.0.1:8001",
    )

    verification, reset = mailoutbox
    assert links(verification)
    assert all(u.startswith("http://localhost:8123/") for u in links(verification))
    assert links(reset)[0].startswith("http://127.0.0.1:8001/accounts/password/reset/")


@pytest.mark.django_db
def test_production_links_ignore_the_host_header(client, settings, mailoutbox):
    settings.EMAIL_LINKS_FOLLOW_REQUEST = False
    settings.BASE_URL = "https://market.example.cn"
    UserFactory(email="sun.li@example.cn")

    client.post(
        reverse("accounts:password_reset"),
        {"email": "sun.li@example.cn"},
        HTTP_HOST="localhost:8123",
    )

    (message,) = mailoutbox
    assert links(message)[0].startswith("https://market.example.cn/accounts/")


@pytest.mark.django_db
def test_links_sent_outside_a_request_use_base_url(settings, mailoutbox):
    settings.EMAIL_LINKS_FOLLOW_REQUEST = True
    settings.BASE_URL = "http://127.0.0.1:8042"
    user = UserFactory(email="new@example.cn", email_verified=False)

    assert send_verification_email(user.pk)

    assert links(mailoutbox[0])[0].startswith("http://127.0.0.1:8042/accounts/verify/")


def test_embedded_settings_take_the_address_make_run_serves_on():
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.BASE_URL, s.WAGTAILADMIN_BASE_URL, s.EMAIL_LINKS_FOLLOW_REQUEST)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.embedded"}
    env["BASE_URL"] = "http://127.0.0.1:8123"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "http://127.0.0.1:8123",
        "http://127.0.0.1:8123",
        "True",
    ]
    assert "BASE_URL=http://$(HOST):$(PORT)" in (ROOT / "Makefile").read_text()
