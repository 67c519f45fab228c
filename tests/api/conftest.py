"""Fixtures of the API tests: people, their tokens, and a client that sends one."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts.roles import Role
from api.services import create_token
from tests.cms.conftest import moderator, owner, owner_org, role_groups, stranger  # noqa: F401
from tests.factories import UserFactory
from tests.search.conftest import es_backend, index_now  # noqa: F401


@pytest.fixture
def agent(role_groups):  # noqa: F811
    return UserFactory(roles=[Role.AGENT])


@pytest.fixture
def api():
    """An API client; ``api.as_user(user)`` sends a fresh token of ``user``."""
    client = APIClient()

    def as_user(user) -> str:
        _token, key = create_token(user.pk, name="test")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        return key

    client.as_user = as_user  # type: ignore[attr-defined]
    return client


def error_of(response) -> dict:
    """The error object, after checking the one format."""
    assert response["Content-Type"].startswith("application/json"), response.content
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
