"""Tokens: made and revoked on the profile page; only a hash is stored; a revoked
or unknown token is a 401 JSON; sessions need CSRF for unsafe methods."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import hash_key
from market.models import Listing
from tests.api.conftest import error_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_token_page_makes_a_key_shown_once_and_stores_its_hash(client, owner):
    client.force_login(owner)
    page = client.post("/accounts/api-tokens/", {"name": "ERP 同步"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get(user=owner)
    key = page.context["new_key"]
    assert key.startswith("tm_") and key.encode() in page.content
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    again = client.get("/accounts/api-tokens/")
    assert key.encode() not in again.content and "ERP 同步" in again.text


def test_token_page_needs_a_name_and_login(client, owner):
    assert client.get("/accounts/api-tokens/").status_code == 302
    client.force_login(owner)
    page = client.post("/accounts/api-tokens/", {"name": "   "})
    assert page.context["error"] and not ApiToken.objects.exists()


def test_revoked_token_is_refused_with_401(client, owner):
    client.force_login(owner)
    key = client.post("/accounts/api-tokens/", {"name": "脚本"}).context["new_key"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/my/outcomes/").status_code == 200
    assert ApiToken.objects.get().last_used_at is not None
    token = ApiToken.objects.get()
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 302
    response = api.get("/api/v1/my/outcomes/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    # Refused on public endpoints too, and writes change nothing.
    assert api.get("/api/v1/outcomes/").status_code == 401
    assert (
        api.post("/api/v1/my/outcomes/", {"title": "x"}, format="json").status_code
        == 401
    )
    assert not Listing.objects.exists()


def test_cannot_revoke_someone_elses_token(client, owner, stranger):
    client.force_login(stranger)
    client.post("/accounts/api-tokens/", {"name": "他的"})
    token = ApiToken.objects.get(user=stranger)
    client.force_login(owner)
    assert client.post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "header",
    ["Bearer tm_unknown", "Bearer", "Bearer a b", "Token x", "Bearer \u00e9"],
)
def test_unknown_or_malformed_token_is_401(header):
    api = APIClient()
    response = api.get("/api/v1/outcomes/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_inactive_users_token_is_refused(api, role_groups):
    user = UserFactory()
    api.as_user(user)
    user.is_active = False
    user.save()
    assert api.get("/api/v1/my/demands/").status_code == 401


def test_session_writes_need_csrf(owner):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    assert browser.get("/api/v1/my/demands/").status_code == 200
    response = browser.post(
        "/api/v1/my/demands/", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]
    assert not Listing.objects.exists()


def test_profile_links_to_the_token_page_in_chinese(client, owner):
    client.force_login(owner)
    assert "/accounts/api-tokens/" in client.get("/accounts/profile/").text
    page = client.get("/accounts/api-tokens/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "创建令牌" in page.text and "您还没有令牌。" in page.text
