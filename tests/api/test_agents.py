"""The agents' queue and introductions through the API, with matching's services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matching.models import Decision, Introduction, ProposalState
from tests.api.conftest import error_of
from tests.factories import MembershipFactory
from tests.factories.introductions import ProposalFactory, introduce

pytestmark = pytest.mark.django_db


def test_queue_is_for_agents_and_moderators_only(api, owner, agent, moderator):
    proposal = ProposalFactory()
    api.as_user(owner)
    response = api.get("/api/v1/agent/proposals/")
    assert response.status_code == 403 and error_of(response)["code"] == (
        "permission_denied"
    )
    assert api.post(f"/api/v1/agent/proposals/{proposal.pk}/claim/").status_code == 403
    for reviewer in (agent, moderator):
        api.as_user(reviewer)
        ids = [r["id"] for r in api.get("/api/v1/agent/proposals/").json()["results"]]
        assert ids == [proposal.pk]
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.PROPOSED


def test_claim_reject_and_their_records(api, agent):
    proposal = ProposalFactory()
    api.as_user(agent)
    claimed = api.post(f"/api/v1/agent/proposals/{proposal.pk}/claim/")
    assert claimed.status_code == 200 and claimed.json()["claimed_by_me"] is True
    refused = api.post(
        f"/api/v1/agent/proposals/{proposal.pk}/reject/",
        {"reason": "other"},
        format="json",
    )
    assert refused.status_code == 400 and "note" in error_of(refused)["fields"]
    rejected = api.post(
        f"/api/v1/agent/proposals/{proposal.pk}/reject/",
        {"reason": "price_gap"},
        format="json",
    )
    assert rejected.json()["state"] == ProposalState.REJECTED
    assert list(
        Decision.objects.filter(proposal=proposal).values_list("action", flat=True)
    ) == ["claim", "reject"]
    again = api.post(f"/api/v1/agent/proposals/{proposal.pk}/introduce/")
    assert again.status_code == 409


def test_snooze_needs_a_future_date(api, agent):
    proposal = ProposalFactory()
    api.as_user(agent)
    past = api.post(
        f"/api/v1/agent/proposals/{proposal.pk}/snooze/",
        {"until": "2001-01-01"},
        format="json",
    )
    assert past.status_code == 400
    until = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    ok = api.post(
        f"/api/v1/agent/proposals/{proposal.pk}/snooze/",
        {"until": until},
        format="json",
    )
    assert ok.json()["state"] == ProposalState.SNOOZED


def test_introduce_opens_the_introduction(api, agent):
    proposal = ProposalFactory()
    MembershipFactory(organisation=proposal.demand.organisation)
    api.as_user(agent)
    response = api.post(f"/api/v1/agent/proposals/{proposal.pk}/introduce/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == ProposalState.ACCEPTED
    introduction = Introduction.objects.get(proposal=proposal)
    listed = api.get("/api/v1/introductions/").json()["results"]
    assert [row["id"] for row in listed] == [introduction.pk]


def test_parties_answer_their_side_and_strangers_get_404(api, agent, stranger):
    proposal = ProposalFactory()
    member = MembershipFactory(organisation=proposal.demand.organisation).user
    introduction = introduce(proposal, agent=agent, requester=member)
    api.as_user(stranger)
    url = f"/api/v1/introductions/{introduction.pk}/answer/"
    assert api.post(url, {"response": "accepted"}, format="json").status_code == 404
    api.as_user(member)
    bad = api.post(url, {"response": "maybe"}, format="json")
    assert bad.status_code == 400 and "response" in error_of(bad)["fields"]
    answered = api.post(url, {"response": "accepted"}, format="json")
    assert answered.status_code == 200, answered.content
    assert answered.json()["demand_response"] == "accepted"
    assert answered.json()["my_side"] == "demand"
