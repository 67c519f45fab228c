"""Fixtures for the accounts tests: eager Celery, role groups, sign-up helpers."""

from __future__ import annotations

import re

import pytest

from accounts.services.roles import sync_role_groups

LINK_RE = re.compile(r"https?://\S+/accounts/verify/\S+")


@pytest.fixture
def role_groups(db):
    """The role groups with their permissions, whatever earlier tests did."""
    sync_role_groups()


def link_path(body: str) -> str:
    """The site-relative path of the verification link in an email body."""
    match = LINK_RE.search(body)
    assert match, body
    return "/" + match.group(0).split("/", 3)[3]
