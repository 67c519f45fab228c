"""The matcher's reads: related items and recommendations for visitors and owners, the
agents' queue (the proposals a reviewer may see, filtered, and counts), the
needs-an-agent list and the decisions export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from market.models import (
    Demand,
    Listing,
    ListingKind,
    ListingStatus,
    Outcome,
    Region,
    TechField,
)
from matching.engine.terms import highlight
from matching.explain import labels_for, sentences
from matching.models import Decision, Introduction, MatchGap, Proposal, ProposalState
from matching.permissions import can_review, reviewable_q

# A proposal an agent rejected (off-topic, IP conflict …) is never shown as related,
# nor recommended; retired ones left the top 20 of both sides.
HIDDEN_STATES = (ProposalState.RETIRED, ProposalState.REJECTED)

RELATED_LIMIT = 5
RECOMMENDED_LISTINGS = 10
RECOMMENDED_PER_LISTING = 3
RANK_WINDOW = 10

# The components an owner sees, in this order (the others are internal).
SHOWN_COMPONENTS = ("lexical", "semantic", "compatibility")


def _sides(kind: str) -> tuple[str, str, str]:
    """(own side, other side, own rank) of a listing of ``kind`` in a proposal."""
    if kind == ListingKind.DEMAND:
        return "demand", "outcome", "rank_for_demand"
    return "outcome", "demand", "rank_for_outcome"


def _shown(queryset: QuerySet[Proposal], other: str) -> QuerySet[Proposal]:
    """Proposals fit to show: the other listing published, not hidden, and some
    textual evidence (a pair close only by its field, region and price, with no word
    in common and no similar meaning, says nothing to a visitor)."""
    evidence = Q(components__lexical__gt=0) | Q(
        components__semantic__gte=float(settings.MATCHING_MIN_SIMILARITY)
    )
    return (
        queryset.exclude(state__in=HIDDEN_STATES)
        .filter(**{f"{other}__status": ListingStatus.PUBLISHED})
        .filter(evidence)
    )


def related_listings(
    listing: Listing, limit: int = RELATED_LIMIT
) -> list[Outcome | Demand]:
    """The published listings of the other kind the matcher puts first for ``listing``.

    For a demand its best outcomes, for an outcome its best demands, in the order of
    the listing's own ranking (one query). Nothing for an unpublished listing. The
    rows carry what a public card shows, never the owner or protected details.
    """
    if listing.status != ListingStatus.PUBLISHED:
        return []
    own, other, rank = _sides(listing.kind)
    proposals = (
        _shown(Proposal.objects.filter(**{f"{own}_id": listing.pk}), other)
        .filter(**{f"{rank}__isnull": False})
        .select_related(f"{other}__field")
        .only(
            "id",
            f"{other}__id",
            f"{other}__kind",
            f"{other}__title",
            f"{other}__summary",
            f"{other}__status",
            f"{other}__field__name",
            f"{other}__field__name_en",
        )
        # Twice the limit: room for the duplicate postings left out below.
        .order_by(rank, "-score")[: limit * 2]
    )
    shown: list[Outcome | Demand] = []
    titles: set[str] = set()
    for proposal in proposals:
        item = getattr(proposal, other)
        # The same posting twice (re-submitted, imported again) is shown once.
        title = "".join(item.title.split()).casefold()
        if title in titles:
            continue
        titles.add(title)
        shown.append(item)
    return shown[:limit]


@dataclass
class Recommendation:
    """One proposal as its owner sees it: the other listing, scores and reasons."""

    proposal: Proposal
    other: Outcome | Demand
    score: float
    components: list[tuple[str, float]]
    reasons: list[str]
    terms: list[str]


@dataclass
class RecommendedFor:
    """An owner's published listing and the best proposals made for it."""

    listing: Listing
    recommendations: list[Recommendation] = field(default_factory=list)


def recommendations(
    organisation_ids: Iterable[int],
    *,
    listings: int = RECOMMENDED_LISTINGS,
    per_listing: int = RECOMMENDED_PER_LISTING,
) -> list[RecommendedFor]:
    """The best proposals for the published listings of ``organisation_ids``.

    Listings with the best proposals first; a bounded number of queries whatever
    the number of listings or proposals (listings, proposals, three label reads).
    """
    org_ids = sorted(set(organisation_ids))
    if not org_ids:
        return []
    own_listings = list(
        Listing.objects.filter(
            organisation_id__in=org_ids, status=ListingStatus.PUBLISHED
        ).only("id", "kind", "title", "summary", "organisation_id")
    )
    if not own_listings:
        return []
    by_kind: dict[str, list[int]] = {}
    for own in own_listings:
        by_kind.setdefault(own.kind, []).append(own.pk)
    found: list[tuple[Listing, Proposal]] = []
    for kind, ids in by_kind.items():
        own_side, other, rank = _sides(kind)
        queryset = (
            _shown(Proposal.objects.filter(**{f"{own_side}_id__in": ids}), other)
            # The first few of each listing's ranking suffice (some may be hidden).
            .filter(**{f"{rank}__lte": RANK_WINDOW})
            # A demand the matcher serves badly (MatchGap): its owner is told an
            # agent follows up, not shown the weak candidates that put it there.
            .filter(demand__match_gap__isnull=True)
            .exclude(**{f"{other}__organisation_id__in": org_ids})
            .select_related(other)
            .order_by(rank, "pk")
        )
        listing_of = {own.pk: own for own in own_listings if own.kind == kind}
        for proposal in queryset:
            found.append((listing_of[getattr(proposal, f"{own_side}_id")], proposal))
    grouped: dict[int, RecommendedFor] = {}
    for own, proposal in found:
        entry = grouped.setdefault(own.pk, RecommendedFor(listing=own))
        if len(entry.recommendations) < per_listing:
            entry.recommendations.append(_recommendation(proposal, own))
    labels = labels_for(
        r.proposal.reasons for entry in grouped.values() for r in entry.recommendations
    )
    for entry in grouped.values():
        for r in entry.recommendations:
            r.reasons = sentences(r.proposal.reasons, (), labels)
    ordered = sorted(
        grouped.values(),
        key=lambda e: (-e.recommendations[0].score, e.listing.pk),
    )
    return ordered[:listings]


def _recommendation(proposal: Proposal, own: Listing) -> Recommendation:
    other = proposal.outcome if own.kind == ListingKind.DEMAND else proposal.demand
    components = proposal.components or {}
    return Recommendation(
        proposal=proposal,
        other=other,
        score=float(proposal.score),
        components=[
            (name, float(components[name]))
            for name in SHOWN_COMPONENTS
            if isinstance(components.get(name), int | float)
        ],
        reasons=[],
        terms=[str(t) for t in proposal.shared_terms or []],
    )


def gaps_of(organisation_ids: Iterable[int]) -> list[MatchGap]:
    """The published demands of ``organisation_ids`` an agent is to follow up."""
    org_ids = sorted(set(organisation_ids))
    if not org_ids:
        return []
    return list(
        MatchGap.objects.filter(
            demand__organisation_id__in=org_ids,
            demand__status=ListingStatus.PUBLISHED,
        )
        .select_related("demand")
        .order_by("noted_at", "pk")
    )


# The needs-an-agent list's "show" filter.
SHOW_ALL = "all"
SHOW_UNCLAIMED = "unclaimed"
SHOW_MINE = "mine"
SHOW_CHOICES = (SHOW_ALL, SHOW_UNCLAIMED, SHOW_MINE)


@dataclass(frozen=True)
class GapFilters:
    """What the needs-an-agent list is narrowed to (a top-level field or region
    includes what lies below it)."""

    field: TechField | None = None
    region: Region | None = None
    show: str = SHOW_ALL


def demands_needing_an_agent(filters: GapFilters, user: Any) -> QuerySet[MatchGap]:
    """Published demands the matcher serves badly, oldest first, with their reason."""
    gaps = MatchGap.objects.filter(demand__status=ListingStatus.PUBLISHED)
    if filters.field is not None:
        gaps = gaps.filter(
            Q(demand__field=filters.field) | Q(demand__field__parent=filters.field)
        )
    if filters.region is not None:
        gaps = gaps.filter(
            Q(demand__region=filters.region)
            | Q(demand__region__parent=filters.region)
            | Q(demand__region__parent__parent=filters.region)
        )
    if filters.show == SHOW_UNCLAIMED:
        gaps = gaps.filter(claimed_by__isnull=True)
    elif filters.show == SHOW_MINE:
        gaps = gaps.filter(claimed_by_id=user.pk)
    return gaps.select_related(
        "demand", "demand__field", "demand__region", "claimed_by"
    ).order_by("noted_at", "pk")


def decisions_between(start: dt.date | None, end: dt.date | None) -> QuerySet[Decision]:
    """Every agent's decision made on ``start``–``end`` (inclusive, local days)."""
    decisions = Decision.objects.all()
    zone = timezone.get_current_timezone()
    if start is not None:
        decisions = decisions.filter(
            created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=zone)
        )
    if end is not None:
        decisions = decisions.filter(
            created_at__lt=dt.datetime.combine(
                end + dt.timedelta(days=1), dt.time.min, tzinfo=zone
            )
        )
    return decisions.select_related(
        "agent", "proposal__demand", "proposal__outcome"
    ).order_by("created_at", "pk")


def introduction_of_conversation(conversation_id: int) -> Introduction | None:
    """The introduction a conversation was opened for, if it was."""
    return (
        Introduction.objects.select_related(
            "proposal__demand", "proposal__outcome", "agent"
        )
        .filter(conversation_id=conversation_id)
        .first()
    )


# The queue's state filter: "open" is what still waits for a decision.
OPEN = "open"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; ``None`` means "any"."""

    state: str = OPEN
    field_code: str | None = None
    region_code: str | None = None
    min_score: float | None = None
    max_age_days: int | None = None
    mine: bool = False


def _open_q(user: Any, now: dt.datetime) -> Q:
    """Proposed, snoozed past its date, or claimed by ``user``."""
    return (
        Q(state=ProposalState.PROPOSED)
        | Q(state=ProposalState.SNOOZED, snoozed_until__lte=now)
        | Q(state=ProposalState.CLAIMED, claimed_by_id=user.pk)
    )


def _place_q(side: str, relation: str, code: str) -> Q:
    """The side's listing at ``code`` or below (three levels of regions, two of fields)."""
    condition = Q(**{f"{side}__{relation}__code": code}) | Q(
        **{f"{side}__{relation}__parent__code": code}
    )
    if relation == "region":
        condition |= Q(**{f"{side}__region__parent__parent__code": code})
    return condition


def reviewable_proposals(user: Any, filters: QueueFilters) -> QuerySet[Proposal]:
    """The proposals ``user`` may review, narrowed by ``filters``, best first."""
    if not can_review(user):
        return Proposal.objects.none()
    now = timezone.now()
    queryset = Proposal.objects.filter(reviewable_q(user))
    if filters.state == OPEN:
        queryset = queryset.filter(_open_q(user, now))
    elif filters.state in ProposalState.values:
        queryset = queryset.filter(state=filters.state)
    if filters.mine:
        queryset = queryset.filter(claimed_by_id=user.pk)
    if filters.field_code:
        queryset = queryset.filter(
            _place_q("demand", "field", filters.field_code)
            | _place_q("outcome", "field", filters.field_code)
        )
    if filters.region_code:
        queryset = queryset.filter(
            _place_q("demand", "region", filters.region_code)
            | _place_q("outcome", "region", filters.region_code)
        )
    if filters.min_score is not None:
        queryset = queryset.filter(score__gte=filters.min_score)
    if filters.max_age_days is not None:
        queryset = queryset.filter(
            created_at__gte=now - dt.timedelta(days=filters.max_age_days)
        )
    return queryset.order_by("-score", "pk")


_LISTINGS = (
    "demand__organisation",
    "demand__field",
    "demand__region",
    "outcome__organisation",
    "outcome__field",
    "outcome__region",
    "claimed_by",
)


def proposals_with_listings(ids: list[int]) -> list[Proposal]:
    """The proposals ``ids`` in that order, with both listings and their places.

    The queue pages ids first, then reads the page's rows: joining every listing's
    organisation, field and region before sorting 10,000 proposals costs 3–4× more.
    """
    rows = Proposal.objects.filter(pk__in=ids).select_related(*_LISTINGS).in_bulk()
    return [rows[pk] for pk in ids if pk in rows]


def pending_count(user: Any) -> int:
    """How many proposals wait for ``user``'s decision (the workspace's badge)."""
    if not can_review(user):
        return 0
    return (
        Proposal.objects.filter(reviewable_q(user))
        .filter(_open_q(user, timezone.now()))
        .count()
    )


def reviewable_proposal(user: Any, proposal_id: int) -> Proposal | None:
    """One proposal ``user`` may review, with both listings, or None."""
    if not can_review(user):
        return None
    return (
        Proposal.objects.filter(reviewable_q(user), pk=proposal_id)
        .select_related(*_LISTINGS)
        .prefetch_related("demand__modes", "outcome__modes")
        .first()
    )


@dataclass(frozen=True)
class Side:
    """One listing of the comparison, its texts cut into highlighted pieces."""

    listing: Listing
    title: list[tuple[str, bool]]
    summary: list[tuple[str, bool]]
    keywords: list[tuple[str, bool]]


@dataclass(frozen=True)
class Comparison:
    """The side-by-side page: both listings, the explanation, the decisions so far."""

    proposal: Proposal
    demand: Side
    outcome: Side
    reasons: list[str]
    decisions: list[Decision]


def _side(listing: Demand | Outcome, terms: list[str]) -> Side:
    keywords = [str(k) for k in (listing.keywords or []) if k]
    return Side(
        listing=listing,
        title=highlight(listing.title, terms),
        summary=highlight(listing.summary or "", terms),
        keywords=[(k, any(t in k or k in t for t in terms)) for k in keywords],
    )


def comparison(proposal: Proposal) -> Comparison:
    """Both listings with the shared key terms marked, and the reasons as sentences."""
    terms = [str(t) for t in proposal.shared_terms or []]
    return Comparison(
        proposal=proposal,
        demand=_side(proposal.demand, terms),
        outcome=_side(proposal.outcome, terms),
        reasons=sentences(proposal.reasons or [], terms),
        decisions=list(
            proposal.decisions.select_related("agent").order_by("created_at", "pk")
        ),
    )
