"""The matcher's panels on portal pages (registered in ``MatchingConfig.ready``).

``related_panel`` sits beside a public listing (a cached page: it shows the same to
everyone, no scores, no owners); ``recommendations_panel`` on the owner's workbench
shows their listings' best proposals with scores and reasons, and the demands an
agent is to follow up; ``workspace_panel`` gives agents the queue's link and
pending count, ``agent_lists_panel`` the links to their lists; ``introduction_panel``
shows an introduction's pairing in its conversation, with the answer form for a
member of a party that has not answered yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from market.models import DealMode, Listing, ListingKind, ListingStatus, Side
from market.permissions import member_organisation_ids
from matching.engine.terms import highlight
from matching.models import DeclineReason, IntroductionResponse, MatchGap
from matching.permissions import (
    DEMAND,
    can_review,
    can_use_agent_lists,
    introduction_side,
)
from matching.selectors import (
    gaps_of,
    introduction_of_conversation,
    pending_count,
    recommendations,
    related_listings,
)


def _url(listing: Listing, request: HttpRequest | None) -> str | None:
    from cms.catalogue import listing_url

    return listing_url(listing, request)


def highlighted(text: str, terms: Sequence[str]) -> SafeString:
    """``text`` escaped, with each of ``terms`` in a ``<mark>``."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html("<mark>{}</mark>", piece) if is_term else piece,)
            for piece, is_term in highlight(text, list(terms))
        ),
    )


def related_panel(
    request: HttpRequest | None, *, listing: Listing, **context: Any
) -> SafeString | None:
    """相关成果 / 相关需求: the best published listings of the other kind, no scores."""
    related = related_listings(listing)
    if not related:
        return None
    items = [
        {
            "title": other.title,
            "url": _url(other, request),
            "field": other.field.label if other.field is not None else "",
            "summary": Truncator(other.summary).chars(60),
        }
        for other in related
    ]
    return render_to_string(
        "matching/_related.html",
        {"items": items, "of_outcomes": listing.kind == ListingKind.DEMAND},
    )


def recommendations_panel(
    request: HttpRequest | None, **context: Any
) -> SafeString | None:
    """为您推荐: the best proposals for the user's organisations' published listings."""
    user = getattr(request, "user", None)
    org_ids = member_organisation_ids(user)
    if not org_ids:
        return None
    groups = recommendations(org_ids)
    gaps = gaps_of(org_ids)
    if not groups and not gaps:
        return None
    shown = []
    for group in groups:
        rows = []
        for r in group.recommendations:
            rows.append(
                {
                    "title": highlighted(r.other.title, r.terms),
                    "summary": highlighted(
                        Truncator(r.other.summary).chars(120), r.terms
                    ),
                    "url": _url(r.other, request),
                    "kind": r.other.get_kind_display(),
                    "score": round(r.score * 100),
                    "components": [
                        (name, round(value * 100)) for name, value in r.components
                    ],
                    "reasons": r.reasons,
                    "terms": r.terms,
                }
            )
        shown.append(
            {
                "listing": group.listing,
                "url": _url(group.listing, request),
                "rows": rows,
            }
        )
    return render_to_string(
        "matching/_recommendations.html",
        {
            "groups": shown,
            "gaps": [
                {
                    "demand": gap.demand,
                    "url": _url(gap.demand, request),
                    "reason": gap.get_reason_display(),
                }
                for gap in gaps
            ],
        },
        request=request,
    )


def workspace_panel(request: HttpRequest | None, **context: Any) -> str | None:
    """A link to the proposals queue with how many wait (reviewers only)."""
    if request is None or not can_review(request.user):
        return None
    return render_to_string(
        "matching/_workspace_panel.html",
        {"pending": pending_count(request.user)},
        request=request,
    )


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
    staff = context.get("side") in (Side.AGENT, Side.MODERATOR) and can_review(
        request.user
    )
    deal = None
    if introduction.confirmed_at is not None:
        from matching.services.deals import deal_of_introduction

        deal = deal_of_introduction(introduction)
    return render_to_string(
        "matching/introduction_panel.html",
        {
            "deal": deal,
            "can_start_deal": staff
            and deal is None
            and introduction.confirmed_at is not None,
            "deal_modes": DealMode.choices,
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


def solvers_panel(request: HttpRequest | None, **context: Any) -> SafeString | None:
    """揭榜方推荐 on the issuer's view of a challenge: the best proposed organisations,
    the invitations so far and the link to the full list."""
    from matching.models import SolverProposal
    from matching.permissions import can_find_solvers
    from matching.services.solvers import invitation_counts

    challenge = context.get("challenge")
    user = getattr(request, "user", None)
    if challenge is None or not can_find_solvers(user, challenge):
        return None
    proposals = list(
        SolverProposal.objects.filter(challenge=challenge)
        .select_related("organisation")
        .order_by("rank")[:3]
    )
    if not proposals and challenge.status != "published":
        return None
    return render_to_string(
        "matching/_solvers_panel.html",
        {
            "challenge": challenge,
            "proposals": proposals,
            "counts": invitation_counts(challenge.pk),
        },
        request=request,
    )


def challenges_solvers_panel(
    request: HttpRequest | None, **context: Any
) -> SafeString | None:
    """Agents' workspace: the open challenges, each with the link to its solvers."""
    from market.models import Challenge, ChallengeStatus

    if request is None or not can_use_agent_lists(request.user):
        return None
    challenges = list(
        Challenge.objects.filter(status=ChallengeStatus.PUBLISHED)
        .select_related("issuer")
        .order_by("application_deadline")[:10]
    )
    if not challenges:
        return None
    return render_to_string(
        "matching/_challenge_solvers_links.html",
        {"challenges": challenges},
        request=request,
    )


def pipeline_panel(request: HttpRequest | None, **context: Any) -> str | None:
    """The agent's pipeline: their claimed proposals and their introductions (waiting
    for answers, and accepted by both without a deal yet, each with "start a deal")."""
    from market.models import Deal, DealStage
    from matching.models import Introduction, Proposal, ProposalState

    if request is None or not can_review(request.user):
        return None
    user_id = request.user.pk
    claimed = Proposal.objects.filter(
        claimed_by_id=user_id, state=ProposalState.CLAIMED
    ).count()
    introductions = Introduction.objects.filter(agent_id=user_id)
    waiting = (
        introductions.filter(confirmed_at__isnull=True)
        .exclude(demand_response=IntroductionResponse.DECLINED)
        .exclude(outcome_response=IntroductionResponse.DECLINED)
        .count()
    )
    with_deal = (
        Deal.objects.filter(conversation_id__isnull=False)
        .exclude(stage=DealStage.TERMINATED)
        .values("conversation_id")
    )
    ready = list(
        introductions.filter(confirmed_at__isnull=False)
        .exclude(conversation_id__in=with_deal)
        .select_related("proposal__demand", "proposal__outcome")
        .order_by("-confirmed_at")[:10]
    )
    return render_to_string(
        "matching/_pipeline_panel.html",
        {
            "claimed": claimed,
            "waiting": waiting,
            "ready": ready,
            "deal_modes": DealMode.choices,
        },
        request=request,
    )
