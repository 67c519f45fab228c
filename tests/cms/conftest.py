"""Fixtures for the portal tests: people and organisations."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from accounts.services.roles import sync_role_groups
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def role_groups(db):
    """The role groups with their permissions, whatever earlier tests did."""
    sync_role_groups()


@pytest.fixture
def owner_org(db):
    return OrganisationFactory(name="江南理工大学", is_verified=True)


@pytest.fixture
def owner(role_groups, owner_org):
    """A researcher who belongs to ``owner_org``."""
    user = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=user, organisation=owner_org)
    return user


@pytest.fixture
def stranger(role_groups):
    """A logged-in enterprise user of another organisation."""
    user = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=user)
    return user


@pytest.fixture
def moderator(role_groups):
    return UserFactory(roles=[Role.MODERATOR])
