"""Public reads: only what market.permissions shows, anonymous owners stay anonymous."""

from __future__ import annotations

import pytest

from market.models import ChallengeStatus, Confidentiality, DetailAccessLog
from tests.api.conftest import error_of
from tests.factories import DemandFactory, OutcomeFactory
from tests.factories.challenges import ChallengeFactory

pytestmark = pytest.mark.django_db


def test_outcome_list_shows_published_only(api, owner_org):
    shown = OutcomeFactory(published=True, organisation=owner_org)
    OutcomeFactory(organisation=owner_org)  # a draft
    response = api.get("/api/v1/outcomes/")
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [shown.pk]
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    assert body["results"][0]["organisation"]["name"] == owner_org.name
    # Contact details are never shown to the public at large.
    assert body["results"][0]["contact"] is None


def test_anonymous_owner_stays_anonymous(api, owner, stranger, agent):
    listing = OutcomeFactory(
        published=True,
        organisation=owner.memberships.first().organisation,
        confidentiality=Confidentiality.ANONYMOUS,
    )
    assert api.get(f"/api/v1/outcomes/{listing.pk}/").json()["organisation"] is None
    api.as_user(stranger)
    assert api.get(f"/api/v1/outcomes/{listing.pk}/").json()["organisation"] is None
    api.as_user(agent)
    assert api.get(f"/api/v1/outcomes/{listing.pk}/").json()["organisation"]
    api.as_user(owner)
    assert api.get(f"/api/v1/outcomes/{listing.pk}/").json()["organisation"]


def test_draft_detail_is_404_to_others_and_shown_to_owner(api, owner, stranger):
    draft = DemandFactory(organisation=owner.memberships.first().organisation)
    assert api.get(f"/api/v1/demands/{draft.pk}/").status_code == 404
    api.as_user(stranger)
    error = error_of(api.get(f"/api/v1/demands/{draft.pk}/"))
    assert error["code"] == "not_found"
    api.as_user(owner)
    assert api.get(f"/api/v1/demands/{draft.pk}/").json()["id"] == draft.pk


def test_protected_details_only_to_those_allowed_and_logged(
    api, owner, stranger, agent
):
    listing = OutcomeFactory(
        published=True,
        organisation=owner.memberships.first().organisation,
        protected_details="工艺窗口 520–540 ℃",
    )
    url = f"/api/v1/outcomes/{listing.pk}/"
    assert api.get(url).json()["protected_details"] is None
    api.as_user(stranger)
    assert api.get(url).json()["protected_details"] is None
    api.as_user(agent)
    assert api.get(url).json()["protected_details"] == "工艺窗口 520–540 ℃"
    assert DetailAccessLog.objects.filter(listing=listing, user=agent).count() == 1


def test_list_filters_by_field_and_region(api):
    inside = OutcomeFactory(published=True)  # 0401, 320506
    other = OutcomeFactory(published=True)
    other.region = other.region.__class__.objects.get(code="110101")
    other.save()
    ids = [
        r["id"] for r in api.get("/api/v1/outcomes/?region=320000").json()["results"]
    ]
    assert ids == [inside.pk]
    ids = [r["id"] for r in api.get("/api/v1/outcomes/?field=04").json()["results"]]
    assert set(ids) == {inside.pk, other.pk}


@pytest.mark.parametrize(
    "query",
    [
        "field=abc",
        "region=32",
        "stage=moon",
        "trl=10",
        "price=free",
        "sort=random",
        "page=0",
        "page=x",
        "size=101",
        "size=-1",
    ],
)
def test_malformed_parameters_are_400_json(api, query):
    response = api.get(f"/api/v1/demands/?{query}")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert query.split("=")[0] in error["fields"]


def test_pagination_size_and_pages(api):
    for _ in range(3):
        DemandFactory(published=True)
    body = api.get("/api/v1/demands/?size=2&page=2").json()
    assert body["count"] == 3 and body["pages"] == 2 and len(body["results"]) == 1


def test_challenges_public_only_and_anonymous_issuer_hidden(api, owner_org):
    public = ChallengeFactory(
        status=ChallengeStatus.PUBLISHED,
        issuer=owner_org,
        confidentiality=Confidentiality.ANONYMOUS,
    )
    ChallengeFactory(issuer=owner_org)  # a draft
    body = api.get("/api/v1/challenges/").json()
    assert [row["id"] for row in body["results"]] == [public.pk]
    assert body["results"][0]["issuer"] is None
    detail = api.get(f"/api/v1/challenges/{public.pk}/").json()
    assert detail["issuer"] is None and detail["contact"] is None


def test_challenge_draft_detail_is_404(api, owner_org):
    draft = ChallengeFactory(issuer=owner_org)
    assert api.get(f"/api/v1/challenges/{draft.pk}/").status_code == 404


def test_search_answers_like_the_search_api(api, es_backend, index_now):
    listing = OutcomeFactory(published=True, title="钠离子电池正极材料")
    index_now(listing)
    body = api.get("/api/v1/search/?q=钠离子电池").json()
    assert body["total"] >= 1
    assert body["results"][0]["id"] == listing.pk
    assert body["backend"] == "elasticsearch"
    legacy = api.get("/api/search/?q=钠离子电池").json()
    assert [r["id"] for r in legacy["results"]] == [r["id"] for r in body["results"]]


@pytest.mark.parametrize("query", ["kind=robot", "per_page=500", "page=abc"])
def test_search_malformed_parameters_are_400(api, query):
    assert error_of(api.get(f"/api/v1/search/?{query}"))["code"] == "invalid"


def test_huge_ids_are_404_not_500(api):
    assert api.get("/api/v1/outcomes/99999999999999999999/").status_code == 404
    assert api.get("/api/v1/outcomes/0/").status_code == 404
