"""Proposals and introductions for the tests of parties' answers and agents' lists.

``introduce()`` does what the agents' introduction does (a conversation between both
owner organisations and the agent, then the Introduction) without depending on it.
"""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from market.models import ConversationSource, Side
from market.services.conversations import start_conversation
from matching.models import Introduction, Proposal, ProposalState
from tests.factories.market import DemandFactory, OutcomeFactory


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    demand = factory.SubFactory(DemandFactory, published=True)
    outcome = factory.SubFactory(OutcomeFactory, published=True)
    score = 0.72
    components = factory.LazyFunction(
        lambda: {"lexical": 0.5, "semantic": 0.8, "field": 1.0, "maturity": 0.6}
    )
    reasons = factory.LazyFunction(list)
    shared_terms = factory.LazyFunction(lambda: ["锂电池", "热失控"])
    rank_for_demand = 1
    engine_version = "1"
    model_version = "lsa-test"
    computed_at = factory.LazyFunction(timezone.now)


def introduce(proposal: Proposal, *, agent, requester) -> Introduction:
    """The agent introduces the pair: conversation on the outcome, the demand's
    member as requester, then the Introduction (the proposal is accepted)."""
    conversation, _created = start_conversation(
        source=ConversationSource.INTRODUCTION,
        listing_id=proposal.outcome_id,
        other_listing_id=proposal.demand_id,
        requester_id=requester.pk,
        requester_organisation_id=proposal.demand.organisation_id,
        started_by=proposal,
        first_message="两者匹配度高，建议双方联系。",
        author_side=Side.AGENT,
        author_id=agent.pk,
        agent_id=agent.pk,
        announce=False,
    )
    proposal.state = ProposalState.ACCEPTED
    proposal.claimed_by = agent
    proposal.save(update_fields=["state", "claimed_by"])
    return Introduction.objects.create(
        proposal=proposal, agent=agent, conversation=conversation
    )
