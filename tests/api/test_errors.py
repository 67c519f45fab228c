"""One error format under /api/, throttling with Retry-After, the schema and docs."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/api/nothing/", "/api/v1/", "/api/v1/outcomes/abc/", "/api/v2/outcomes/"]
)
def test_unknown_routes_are_404_json(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_wrong_method_is_405_json(api):
    response = api.delete("/api/v1/outcomes/")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_throttled_requests_get_429_with_retry_after(api, settings, owner):
    settings.THROTTLE_API_ANON = (2, 60)
    assert api.get("/api/v1/outcomes/").status_code == 200
    assert api.get("/api/v1/demands/").status_code == 200
    response = api.get("/api/v1/outcomes/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 60
    assert error_of(response)["code"] == "throttled"
    # A token counts against its user's own limit.
    settings.THROTTLE_API_USER = (1, 60)
    api.as_user(owner)
    assert api.get("/api/v1/outcomes/").status_code == 200
    assert api.get("/api/v1/outcomes/").status_code == 429


def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/outcomes/" in paths and "/api/v1/my/demands/{id}/" in paths
    assert not any(path.startswith("/admin/") for path in paths)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "<style" not in html
    assert "/static/drf_spectacular_sidecar/" in html
    assert "'unsafe-inline'" not in docs["Content-Security-Policy"]


def test_errors_speak_the_requested_language(api):
    response = api.get("/api/v1/demands/?stage=moon", HTTP_ACCEPT_LANGUAGE="zh-hans")
    message = error_of(response)["message"]
    assert message != "The request has errors; see the fields."


def test_the_search_pages_own_endpoints_share_the_error_format(client):
    for url in ("/api/search/", "/api/search/suggest/"):
        response = client.post(url, {"q": "x"})
        assert response.status_code == 405
        assert error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "query",
    [
        "field=%EF%BC%90%EF%BC%94",
        "region=32%00000",
        "trl=%D9%A3",
        "q=%00",
        "q=" + "长" * 101,
    ],
)
def test_odd_parameters_are_4xx_never_5xx(api, query):
    for path in ("/api/v1/outcomes/", "/api/v1/challenges/", "/api/v1/search/"):
        response = api.get(f"{path}?{query}")
        assert 400 <= response.status_code < 500 or response.status_code == 200
        if response.status_code >= 400:
            error_of(response)


def test_html_only_clients_get_406_json(api):
    response = api.get("/api/v1/outcomes/", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert error_of(response)["code"] == "not_acceptable"
