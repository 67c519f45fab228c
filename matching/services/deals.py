"""Deals from introductions: once both parties accepted, an agent starts the deal."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from market.models import Deal, DealStage
from market.services.deals import DealError, create_from_conversation
from matching.models import Introduction


def deal_of_introduction(introduction: Introduction) -> Deal | None:
    """The open deal that grew out of the introduction's conversation, if any."""
    if introduction.conversation_id is None:
        return None
    return (
        Deal.objects.filter(conversation_id=introduction.conversation_id)
        .exclude(stage=DealStage.TERMINATED)
        .first()
    )


def start_deal(introduction_id: int, *, by_user_id: int, mode: str) -> Deal:
    """Open a deal (at 意向) between the introduction's outcome and demand owners;
    refused until both parties accepted, and when an open deal exists already. The
    introduction's agent carries it (or, without one, the agent who starts it)."""
    introduction = (
        Introduction.objects.filter(pk=introduction_id)
        .only("pk", "agent_id", "conversation_id", "confirmed_at")
        .first()
    )
    if introduction is None:
        raise DealError(_("This introduction does not exist."), code="not_found")
    if introduction.confirmed_at is None or introduction.conversation_id is None:
        raise DealError(
            _("A deal starts once both parties have accepted the introduction."),
            code="not_confirmed",
        )
    return create_from_conversation(
        introduction.conversation_id,
        by_user_id=by_user_id,
        agent_id=introduction.agent_id or by_user_id,
        mode=mode,
    )
