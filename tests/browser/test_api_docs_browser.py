"""The API's interactive docs run in Chromium under the portal's CSP (no CDN, no inline
script or style), and a user makes a token on the profile page and uses it."""

from __future__ import annotations

import pytest
import requests

from accounts.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_browser_api_docs_render_without_csp_violations(live_server, page):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response is not None and response.status == 200
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "TechMatch API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/outcomes/")
    # Everything came from this server: no CDN.
    assert all(url.startswith(live_server.url) for url in requested), requested


def test_browser_token_made_on_the_profile_page_works(live_server, page):
    from accounts.services.roles import sync_role_groups

    sync_role_groups()
    user = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=user)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/accounts/profile/")
    page.click("a[href='/accounts/api-tokens/']")
    page.fill("#token-name", "ERP 同步")
    page.click("text=创建令牌 >> nth=-1")
    key = page.inner_text("code.api-key").strip()
    assert key.startswith("tm_")
    answer = requests.get(
        f"{live_server.url}/api/v1/my/outcomes/",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert answer.status_code == 200 and answer.json()["count"] == 0
    page.click("button:has-text('撤销')")
    page.wait_for_load_state()
    refused = requests.get(
        f"{live_server.url}/api/v1/my/outcomes/",
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert refused.status_code == 401
