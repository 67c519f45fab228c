"""Factories for the matcher's proposals and agents' decisions (labelled data)."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from matching.models import Decision, DecisionAction, Proposal
from tests.factories.market import DemandFactory, OutcomeFactory


class ProposalFactory(DjangoModelFactory):
    """A proposal between a new published demand and a new published outcome."""

    class Meta:
        model = Proposal

    demand = factory.SubFactory(DemandFactory, published=True)
    outcome = factory.SubFactory(OutcomeFactory, published=True)
    score = 0.5
    components = factory.LazyFunction(dict)
    engine_version = "1"
    computed_at = factory.LazyFunction(timezone.now)


class DecisionFactory(DjangoModelFactory):
    """An agent's decision, with the proposal's scores copied as it stood."""

    class Meta:
        model = Decision

    proposal = factory.SubFactory(ProposalFactory)
    action = DecisionAction.ACCEPT
    score = factory.LazyAttribute(lambda d: d.proposal.score)
    components = factory.LazyAttribute(lambda d: dict(d.proposal.components))
