"""Who may see and act on a proposal: the one place these rules live.

Transfer agents review the proposals in their coverage (the fields and regions a
moderator gave them, as the conversations workspace uses it: a proposal is theirs when
its demand or its outcome lies in it); moderators review every proposal. Nobody
reviews a proposal about a listing of their own organisation.
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
from matching.models import Proposal


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
