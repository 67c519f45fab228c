"""Fixtures for the market tests."""

from __future__ import annotations

import pytest

from accounts.services.roles import sync_role_groups


@pytest.fixture
def role_groups(db):
    """The role groups with their permissions, whatever earlier tests did."""
    sync_role_groups()
