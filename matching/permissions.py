"""Who may do what with the matcher's records: the one place these rules live."""

from __future__ import annotations

from typing import Any

from market.permissions import can_moderate, is_agent, member_organisation_ids
from matching.models import Introduction

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
