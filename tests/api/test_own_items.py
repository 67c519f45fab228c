"""One's own items: created and changed through the workbench's services, validated
like its forms; other organisations' items are 404 and stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from market.models import Demand, Listing, ListingStatus, Outcome
from tests.api.conftest import error_of
from tests.factories import DemandFactory, MembershipFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def _org(user):
    return user.memberships.first().organisation


def test_anonymous_is_401_json(api):
    response = api.get("/api/v1/my/outcomes/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


def test_create_a_draft_and_submit_it(api, owner):
    api.as_user(owner)
    response = api.post(
        "/api/v1/my/outcomes/",
        {
            "title": "  钠离子电池   正极材料 ",
            "summary": "层状氧化物正极，循环 3000 次容量保持率 85%。",
            "field": "0401",
            "region": "320506",
            "keywords": ["钠电", "正极", "钠电"],
            "modes": ["license"],
            "contact_name": "王工",
            "description": "<p>说明</p><script>alert(1)</script>",
            "maturity": 6,
            "price_negotiable": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "钠离子电池 正极材料"
    assert body["status"] == ListingStatus.DRAFT
    assert body["keywords"] == ["钠电", "正极"]
    assert "<script" not in body["description"]
    outcome = Outcome.objects.get(pk=body["id"])
    assert outcome.organisation == _org(owner) and outcome.created_by == owner
    assert outcome.latest_revision_id is not None  # saved through save_listing
    submitted = api.post(f"/api/v1/my/outcomes/{outcome.pk}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == ListingStatus.SUBMITTED
    # Under review: no edits until withdrawn.
    refused = api.patch(
        f"/api/v1/my/outcomes/{outcome.pk}/", {"title": "新标题"}, format="json"
    )
    assert refused.status_code == 409
    assert error_of(refused)["code"] == "under_review"
    assert api.post(f"/api/v1/my/outcomes/{outcome.pk}/withdraw/").json()["status"] == (
        ListingStatus.DRAFT
    )


def test_submitting_an_incomplete_draft_names_what_is_missing(api, owner):
    api.as_user(owner)
    created = api.post("/api/v1/my/demands/", {"title": "只有标题"}, format="json")
    assert created.status_code == 201
    response = api.post(f"/api/v1/my/demands/{created.json()['id']}/submit/")
    assert response.status_code == 400
    fields = error_of(response)["fields"]
    assert {"summary", "problem", "deadline"} <= set(fields)
    assert Demand.objects.get(pk=created.json()["id"]).status == ListingStatus.DRAFT


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 5, "budget_min_wan": "abc"}, "budget_min_wan"),
        ({"title": "x", "budget_min_wan": -1}, "budget_min_wan"),
        ({"title": "x", "budget_min_wan": 100, "budget_max_wan": 10}, "budget_max_wan"),
        ({"title": "x", "deadline": "2001-01-01"}, "deadline"),
        ({"title": "x", "field": "9999"}, "field"),
        ({"title": "x", "region": "999999"}, "region"),
        ({"title": "x", "modes": ["teleport"]}, "modes"),
        ({"title": "x", "keywords": ["k"] * 21}, "keywords"),
        ({"title": "x", "keywords": "not a list"}, "keywords"),
        ({"title": "x", "contact_email": "nope"}, "contact_email"),
        ({"title": "x", "expected_maturity": 12}, "expected_maturity"),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_bad_input_is_a_field_error_and_creates_nothing(api, owner, payload, field):
    api.as_user(owner)
    response = api.post("/api/v1/my/demands/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in error_of(response)["fields"]
    assert not Listing.objects.exists()


def test_outcome_price_range_checked_like_the_model(api, owner):
    api.as_user(owner)
    response = api.post(
        "/api/v1/my/outcomes/",
        {"title": "x", "price_wan": 50, "price_max_wan": 10},
        format="json",
    )
    assert response.status_code == 400
    assert "price_wan" in error_of(response)["fields"]


def test_malformed_json_and_wrong_media_type(api, owner):
    api.as_user(owner)
    parse = api.post(
        "/api/v1/my/demands/", "{not json", content_type="application/json"
    )
    assert parse.status_code == 400 and error_of(parse)["code"] == "parse_error"
    media = api.post("/api/v1/my/demands/", "title=x", content_type="text/plain")
    assert media.status_code == 415
    assert error_of(media)["code"] == "unsupported_media_type"
    assert not Listing.objects.exists()


def test_other_organisations_items_are_404_and_unchanged(api, owner, stranger):
    theirs = DemandFactory(organisation=_org(stranger), title="他们的需求")
    api.as_user(owner)
    assert api.get(f"/api/v1/my/demands/{theirs.pk}/").status_code == 404
    response = api.patch(
        f"/api/v1/my/demands/{theirs.pk}/", {"title": "改掉"}, format="json"
    )
    assert response.status_code == 404
    assert api.post(f"/api/v1/my/demands/{theirs.pk}/submit/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "他们的需求" and theirs.status == ListingStatus.DRAFT
    assert [r["id"] for r in api.get("/api/v1/my/demands/").json()["results"]] == []


def test_cannot_create_for_another_organisation(api, owner, stranger):
    api.as_user(owner)
    response = api.post(
        "/api/v1/my/demands/",
        {"title": "x", "organisation": _org(stranger).pk},
        format="json",
    )
    assert response.status_code == 400
    assert "organisation" in error_of(response)["fields"]


def test_member_of_two_organisations_must_choose(api, owner):
    MembershipFactory(user=owner)
    api.as_user(owner)
    response = api.post("/api/v1/my/demands/", {"title": "x"}, format="json")
    assert "organisation" in error_of(response)["fields"]
    chosen = api.post(
        "/api/v1/my/demands/",
        {"title": "x", "organisation": _org(owner).pk},
        format="json",
    )
    assert chosen.status_code == 201


def test_user_without_organisation_is_403(api, agent):
    api.as_user(agent)
    response = api.post("/api/v1/my/outcomes/", {"title": "x"}, format="json")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_editing_a_published_listing_waits_for_review(api, owner):
    live = OutcomeFactory(published=True, organisation=_org(owner), title="旧标题")
    api.as_user(owner)
    response = api.patch(
        f"/api/v1/my/outcomes/{live.pk}/", {"title": "新标题"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "旧标题" and body["has_pending_changes"] is True
    live.refresh_from_db()
    assert live.status == ListingStatus.PUBLISHED and live.title == "旧标题"
    # The public keeps seeing the live version.
    assert api.get(f"/api/v1/outcomes/{live.pk}/").json()["title"] == "旧标题"


def test_stale_revision_is_a_conflict(api, owner):
    draft = DemandFactory(organisation=_org(owner))
    api.as_user(owner)
    first = api.patch(
        f"/api/v1/my/demands/{draft.pk}/", {"summary": "第一次"}, format="json"
    ).json()
    stale = api.patch(
        f"/api/v1/my/demands/{draft.pk}/",
        {"summary": "第二次", "loaded_revision_id": 0},
        format="json",
    )
    assert stale.status_code == 409 and error_of(stale)["code"] == "edit_conflict"
    fresh = api.patch(
        f"/api/v1/my/demands/{draft.pk}/",
        {"summary": "第二次", "loaded_revision_id": first["latest_revision_id"]},
        format="json",
    )
    assert fresh.status_code == 200


def test_list_filters_by_status_and_refuses_unknown(api, owner):
    DemandFactory(organisation=_org(owner))
    published = DemandFactory(organisation=_org(owner), published=True)
    api.as_user(owner)
    body = api.get("/api/v1/my/demands/?status=published").json()
    assert [r["id"] for r in body["results"]] == [published.pk]
    assert api.get("/api/v1/my/demands/?status=gone").status_code == 400


def test_patch_keeps_what_was_not_sent(api, owner):
    draft = DemandFactory(
        organisation=_org(owner),
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    api.as_user(owner)
    api.patch(f"/api/v1/my/demands/{draft.pk}/", {"summary": "新摘要"}, format="json")
    draft.refresh_from_db()
    assert draft.summary == "新摘要"
    assert list(draft.modes.values_list("code", flat=True)) == ["license"]
    assert draft.objectives == ["出水镍 ≤ 0.1 mg/L", "吨水成本 ≤ 3 元"]
