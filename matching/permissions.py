"""Who may see and act on the matcher's records: the one place these rules live.

Transfer agents review the proposals in their coverage (the fields and regions a
moderator gave them, as the conversations workspace uses it: a proposal is theirs when
its demand or its outcome lies in it); moderators review every proposal. Nobody
reviews a proposal about a listing of their own organisation. Agents and moderators
read the needs-an-agent list and the export; each party answers its side of an
introduction.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from market.permissions import (
    can_moderate,
    covered_listings_q,
    is_agent,
    member_organisation_ids,
)
from matching.models import Introduction, Proposal

DEMAND = "demand"
OUTCOME = "outcome"


def can_use_agent_lists(user: Any) -> bool:
    """Transfer agents and moderators read the needs-an-agent list and the export."""
    return is_agent(user) or can_moderate(user)


def introduction_side(user: Any, introduction: Introduction) -> str | None:
    """``"demand"`` or ``"outcome"``: the party ``user`` answers for, else None.

    A member of the demand's organisation answers for the demand, a member of the
    outcome's for the outcome (the matcher never pairs an organisation with itself;
    should one belong to both, the demand side is taken).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    organisations = member_organisation_ids(user)
    proposal = introduction.proposal
    if proposal.demand.organisation_id in organisations:
        return DEMAND
    if proposal.outcome.organisation_id in organisations:
        return OUTCOME
    return None


def can_review(user: Any) -> bool:
    """Transfer agents and moderators open the queue."""
    return bool(getattr(user, "is_active", False)) and (
        is_agent(user) or can_moderate(user)
    )


def reviewable_q(user: Any) -> Q:
    """A filter for the proposals ``user`` may see and act on (check ``can_review``)."""
    org_ids = member_organisation_ids(user)
    own = Q(demand__organisation_id__in=org_ids) | Q(
        outcome__organisation_id__in=org_ids
    )
    if can_moderate(user):
        return ~own
    demand_side = covered_listings_q(user, prefix="demand__")
    outcome_side = covered_listings_q(user, prefix="outcome__")
    if not demand_side or not outcome_side:
        # An agent covering everything (no fields and no regions set).
        return ~own
    return (demand_side | outcome_side) & ~own


def can_act(user: Any, proposal: Proposal) -> bool:
    """Whether ``user`` may claim, decide or introduce this proposal (one query)."""
    if not can_review(user):
        return False
    return Proposal.objects.filter(reviewable_q(user), pk=proposal.pk).exists()


def may_override_claim(user: Any, proposal: Proposal) -> bool:
    """A proposal another agent claimed is theirs to decide; a moderator may step in."""
    return (
        proposal.claimed_by_id is None
        or proposal.claimed_by_id == user.pk
        or can_moderate(user)
    )


def can_start_deal(user: Any, introduction: Introduction) -> bool:
    """The introduction's agent (any agent when it has none) or a moderator starts
    its deal: another agent would open a deal they then cannot read."""
    if not can_review(user):
        return False
    return (
        introduction.agent_id is None
        or introduction.agent_id == user.pk
        or can_moderate(user)
    )


def can_find_solvers(user: Any, challenge: Any) -> bool:
    """The issuer's members, agents and moderators see a challenge's proposed solvers
    and invite them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        challenge.issuer_id in member_organisation_ids(user)
        or is_agent(user)
        or can_moderate(user)
    )
