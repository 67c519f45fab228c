"""Deal pieces other portal pages show: the "start a deal" button of an awarded challenge."""

from __future__ import annotations

from typing import Any

from django import template

from market.models import ChallengeStatus, Deal, DealStage
from market.permissions import can_create_deal, can_view_deal

register = template.Library()

_AWARDED = frozenset(
    {
        ChallengeStatus.AWARDED,
        ChallengeStatus.IN_PROGRESS,
        ChallengeStatus.ACCEPTED,
        ChallengeStatus.PAID_OUT,
    }
)


@register.inclusion_tag("deals/_from_award.html", takes_context=True)
def deal_from_award(context: Any, challenge: Any) -> dict[str, Any]:
    """Agents and moderators start a deal from an awarded challenge; whoever may read
    the open deal gets its link instead."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if challenge is None or challenge.status not in _AWARDED or user is None:
        return {"show": False}
    deal = (
        Deal.objects.filter(challenge=challenge)
        .exclude(stage=DealStage.TERMINATED)
        .first()
    )
    if deal is not None:
        return {"show": can_view_deal(user, deal), "deal": deal}
    return {
        "show": can_create_deal(user) and challenge.awarded_application_id is not None,
        "challenge": challenge,
    }
