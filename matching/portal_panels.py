"""Panels the matcher adds to portal pages through the cms seam (cms imports none of it).

- ``conversation_thread``: on an introduction's conversation, the pairing and, for a
  member of a party that has not answered yet, the accept / decline form.
- ``agent_workspace``: links to the agents' lists.
- ``workbench_home``: the owner's demands an agent will follow up.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from market.models import ListingStatus, Side
from matching.models import DeclineReason, IntroductionResponse, MatchGap
from matching.permissions import DEMAND, can_use_agent_lists, introduction_side
from matching.selectors import introduction_of_conversation


def introduction_panel(
    request: HttpRequest | None, *, conversation: Any = None, **context: Any
) -> str | None:
    """The pairing summary and each party's answer (the form for the reader's party)."""
    if request is None or conversation is None:
        return None
    introduction = introduction_of_conversation(conversation.pk)
    if introduction is None:
        return None
    side = introduction_side(request.user, introduction)
    if side is None and context.get("side") not in (Side.AGENT, Side.MODERATOR):
        return None
    proposal = introduction.proposal
    pending = (
        side is not None
        and getattr(introduction, f"{side}_response") == IntroductionResponse.PENDING
    )
    return render_to_string(
        "matching/introduction_panel.html",
        {
            "introduction": introduction,
            "proposal": proposal,
            "side": side,
            "side_is_demand": side == DEMAND,
            "can_answer": pending,
            "reasons": DeclineReason.choices,
            "published": proposal.demand.status == ListingStatus.PUBLISHED
            and proposal.outcome.status == ListingStatus.PUBLISHED,
        },
        request=request,
    )


def agent_lists_panel(request: HttpRequest | None, **context: Any) -> str | None:
    """Links from the agents' workspace to the needs-an-agent list and the export."""
    if request is None or not can_use_agent_lists(request.user):
        return None
    waiting = MatchGap.objects.filter(
        demand__status=ListingStatus.PUBLISHED, claimed_by__isnull=True
    ).count()
    return render_to_string(
        "matching/_agent_lists_links.html", {"waiting": waiting}, request=request
    )
