"""The statistics through the API: the same figures as /statistics/data/<figure>.json,
public ones to anyone, the managers' figures to managers, moderators and
administrators; malformed periods and cuts are 400 JSON."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_of
from tests.reports.conftest import cast, deals, market, roles  # noqa: F401

pytestmark = pytest.mark.django_db

Q1 = {"from": "2026-01", "to": "2026-03"}
API = "/api/v1/statistics/"


def test_public_figures_answer_anyone_like_the_page(api, client, market):  # noqa: F811
    listed = api.get(API)
    assert listed.status_code == 200
    names = {row["figure"] for row in listed.json()}
    assert "listings_by_month" in names and "funnel" not in names
    assert all(row["public"] for row in listed.json())
    body = api.get(f"{API}listings_by_month/", Q1).json()
    page = client.get("/statistics/data/listings_by_month.json", Q1).json()
    assert body["rows"] == page["rows"]
    assert body["period"] == {"from": "2026-01", "to": "2026-03"}
    assert [c["key"] for c in body["columns"]] == [c["key"] for c in page["columns"]]


def test_managers_figures_by_role(api, client, cast, deals):  # noqa: F811
    url = f"{API}contracts_by_month/"
    anonymous = api.get(url, Q1)
    assert anonymous.status_code == 401 and error_of(anonymous)
    for who in ("agent", "researcher", "enterprise"):
        api.as_user(cast[who])
        refused = api.get(url, Q1)
        assert refused.status_code == 403, who
        assert error_of(refused)["code"] == "permission_denied"
        assert "contracts_by_month" not in {r["figure"] for r in api.get(API).json()}
    client.force_login(cast["manager"])
    page = client.get("/statistics/data/contracts_by_month.json", Q1).json()
    for who in ("manager", "moderator", "administrator"):
        api.as_user(cast[who])
        body = api.get(url, Q1)
        assert body.status_code == 200, who
        assert "no-store" in body["Cache-Control"]
        # Amounts are numbers, as on the page's JSON.
        assert body.json()["rows"] == page["rows"]
        assert "contracts_by_month" in {r["figure"] for r in api.get(API).json()}


def test_institution_cut_only_for_managers(api, cast, market):  # noqa: F811
    params = {**Q1, "institution": str(market["university"].pk)}
    public = api.get(f"{API}listings_by_month/", params)
    assert public.status_code == 400 and "_" in error_of(public)["fields"]
    api.as_user(cast["manager"])
    body = api.get(f"{API}listings_by_month/", params)
    assert body.status_code == 200
    assert body.json()["cuts"] == {"institution": str(market["university"].pk)}


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13"},
        {"from": "x" * 5000},
        {"to": "2026-01", "from": "2026-05"},
        {"preset": "<script>"},
        {"field": "０１"},
        {"region": "abc"},
        {"institution": "1e9"},
        {"from": "2026-01\x00"},
    ],
)
def test_malformed_parameters_are_400_json(api, cast, market, params):  # noqa: F811
    response = api.get(f"{API}listings_by_month/", params)
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"
    api.as_user(cast["manager"])
    assert api.get(f"{API}funnel/", params).status_code == 400


def test_unknown_figure_is_404(api, cast):  # noqa: F811
    api.as_user(cast["manager"])
    for name in ("nothing", "FUNNEL", "funnel.json", "x" * 300):
        response = api.get(f"{API}{name}/")
        assert response.status_code == 404, name
        error_of(response)
