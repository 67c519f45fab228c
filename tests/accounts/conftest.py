"""Fixtures for the accounts tests: eager Celery, role groups, sign-up helpers."""

from __future__ import annotations

import re

import pytest

from accounts.services.roles import sync_role_groups
from config.celery import app as celery_app

LINK_RE = re.compile(r"https?://\S+/accounts/verify/\S+")


@pytest.fixture
def eager_celery():
    """Run .delay() in-process, as `make run` does, and restore the test setting."""
    conf = celery_app.conf
    previous = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = True
    conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = previous


@pytest.fixture
def role_groups(db):
    """The role groups with their permissions, whatever earlier tests did."""
    sync_role_groups()


def link_path(body: str) -> str:
    """The site-relative path of the verification link in an email body."""
    match = LINK_RE.search(body)
    assert match, body
    return "/" + match.group(0).split("/", 3)[3]
