"""The matcher's reads for agents: the needs-an-agent list and the decisions export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from market.models import ListingStatus, Region, TechField
from matching.models import Decision, Introduction, MatchGap

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


def demand_needs_an_agent(demand_id: int) -> bool:
    """Whether a demand is on the agents' list (its owner is told one will follow up)."""
    return MatchGap.objects.filter(demand_id=demand_id).exists()


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
