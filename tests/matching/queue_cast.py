"""People and proposals shared by the queue and decision tests."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import AgentProfile
from accounts.roles import Role
from market.models import Region, TechField
from matching.models import Proposal
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

REASONS = [
    {
        "code": "field_same",
        "params": {"demand_field": "0401", "outcome_field": "0401"},
    },
    {"code": "price_negotiable", "params": {}},
]


def make_proposal(demand: Any, outcome: Any, score: float = 0.82, **extra: Any):
    """A stored proposal as the matcher writes it."""
    return Proposal.objects.create(
        demand=demand,
        outcome=outcome,
        score=score,
        components={"lexical": 0.7, "semantic": 0.9, "compatibility": 0.8},
        reasons=REASONS,
        shared_terms=["铝合金", "电池托盘"],
        engine_version="e1",
        model_version="lsa-test",
        computed_at=timezone.now(),
        **extra,
    )


def make_cast() -> dict[str, Any]:
    """Two owner organisations with a member each, agents in and out of coverage,
    a moderator, a member of a third organisation, and one proposal."""
    demand_org = OrganisationFactory(name="苏州精工有限公司", is_verified=True)
    outcome_org = OrganisationFactory(name="江南理工大学", is_verified=True)
    demand = DemandFactory(
        published=True,
        organisation=demand_org,
        title="新能源汽车电池托盘轻量化需求",
        summary="需要铝合金电池托盘的轻量化工艺，减重百分之二十。",
        keywords=["电池托盘", "轻量化"],
    )
    outcome = OutcomeFactory(
        published=True,
        organisation=outcome_org,
        title="铝合金电池托盘轻量化工艺",
        summary="一体化压铸铝合金电池托盘，减重百分之二十五。",
        keywords=["铝合金", "电池托盘"],
    )
    demand_owner = UserFactory(
        roles=[Role.ENTERPRISE], display_name="李工", email="li@example.cn"
    )
    MembershipFactory(user=demand_owner, organisation=demand_org)
    outcome_owner = UserFactory(
        roles=[Role.RESEARCHER], display_name="张教授", email="zhang@example.cn"
    )
    MembershipFactory(user=outcome_owner, organisation=outcome_org)
    agent = UserFactory(
        roles=[Role.AGENT], display_name="王经纪", email="wang@example.cn"
    )
    AgentProfile.objects.create(user=agent).fields.add(
        TechField.objects.get(code="0401")
    )
    far_agent = UserFactory(roles=[Role.AGENT], display_name="赵经纪")
    AgentProfile.objects.create(user=far_agent).regions.add(
        Region.objects.get(code="110000")
    )
    # An agent who belongs to the outcome's organisation: an owner never acts.
    owner_agent = UserFactory(roles=[Role.AGENT])
    MembershipFactory(user=owner_agent, organisation=outcome_org)
    member = UserFactory(roles=[Role.ENTERPRISE])
    MembershipFactory(user=member)
    return {
        "demand": demand,
        "outcome": outcome,
        "demand_owner": demand_owner,
        "outcome_owner": outcome_owner,
        "agent": agent,
        "far_agent": far_agent,
        "owner_agent": owner_agent,
        "member": member,
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "proposal": make_proposal(demand, outcome),
    }
