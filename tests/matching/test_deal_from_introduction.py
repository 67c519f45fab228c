"""An introduction both parties accepted becomes a deal: the agent starts it from the
conversation's panel or the pipeline; refused before both accepted, and only once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from market.models import Deal, DealSource, DealStage
from matching.models import IntroductionResponse
from tests.factories import MembershipFactory, UserFactory
from tests.factories.introductions import ProposalFactory, introduce

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(role_groups):
    agent = UserFactory(roles=[Role.AGENT])
    proposal = ProposalFactory()
    requester = MembershipFactory(organisation=proposal.demand.organisation).user
    introduction = introduce(proposal, agent=agent, requester=requester)
    return agent, introduction, requester


def confirm(introduction) -> None:
    introduction.demand_response = IntroductionResponse.ACCEPTED
    introduction.outcome_response = IntroductionResponse.ACCEPTED
    introduction.confirmed_at = timezone.now()
    introduction.save()


def test_the_agent_starts_a_deal_once_both_parties_accepted(client, scene):
    agent, introduction, _requester = scene
    url = reverse("matching_answers:deal", args=[introduction.pk])
    thread = reverse("engage:conversation", args=[introduction.conversation_id])
    client.force_login(agent)
    assert url not in client.get(thread).content.decode()
    response = client.post(url, {"mode": "transfer"})
    assert response.status_code == 302
    assert not Deal.objects.exists()  # not yet confirmed
    confirm(introduction)
    assert url in client.get(thread).content.decode()
    assert url in client.get(reverse("agents:pipeline")).content.decode()
    response = client.post(url, {"mode": "nonsense"})
    assert not Deal.objects.exists()
    response = client.post(url, {"mode": "transfer"})
    deal = Deal.objects.get()
    assert response["Location"] == reverse("deals:detail", args=[deal.pk])
    proposal = introduction.proposal
    assert (deal.supplier_id, deal.buyer_id, deal.source, deal.agent_id) == (
        proposal.outcome.organisation_id,
        proposal.demand.organisation_id,
        DealSource.INTRODUCTION,
        agent.pk,
    )
    assert deal.stage == DealStage.INTENT
    # Only once; the conversation links the deal.
    client.post(url, {"mode": "transfer"})
    assert Deal.objects.count() == 1
    page = client.get(thread).content.decode()
    assert reverse("deals:detail", args=[deal.pk]) in page
    assert url not in client.get(reverse("agents:pipeline")).content.decode()


def test_a_party_cannot_start_the_deal(client, scene):
    agent, introduction, requester = scene
    confirm(introduction)
    client.force_login(requester)
    response = client.post(
        reverse("matching_answers:deal", args=[introduction.pk]), {"mode": "transfer"}
    )
    assert response.status_code == 403
    assert not Deal.objects.exists()
    client.force_login(agent)
    assert (
        client.post(
            reverse("matching_answers:deal", args=[999999]), {"mode": "transfer"}
        ).status_code
        == 404
    )


def test_another_agent_cannot_start_the_deal_of_someone_elses_introduction(
    client, scene
):
    _agent, introduction, _requester = scene
    confirm(introduction)
    other = UserFactory(roles=[Role.AGENT])
    client.force_login(other)
    response = client.post(
        reverse("matching_answers:deal", args=[introduction.pk]), {"mode": "transfer"}
    )
    assert response.status_code == 403
    assert not Deal.objects.exists()
    moderator = UserFactory(roles=[Role.MODERATOR])
    client.force_login(moderator)
    client.post(
        reverse("matching_answers:deal", args=[introduction.pk]), {"mode": "transfer"}
    )
    assert Deal.objects.get().agent_id == introduction.agent_id
