"""Reads for the engagement pages: the owner's inbox, a user's sent requests, the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from market.models import (
    INTEREST_QUESTIONS,
    AccessRequest,
    AccessRequestStatus,
    DetailAccessLog,
    InterestRequest,
    InterestStatus,
    Listing,
)
from market.permissions import is_agent, is_owner, member_organisation_ids

RECENT_LIMIT = 20


@dataclass(frozen=True)
class Inbox:
    """What the owner organisations of a user have to decide, and what they decided."""

    pending_access: list[AccessRequest]
    open_interest: list[InterestRequest]
    decided_access: list[AccessRequest]
    closed_interest: list[InterestRequest]
    # Listings with protected details, each with an access log to look at.
    listings: list[Listing]

    @property
    def is_empty(self) -> bool:
        return not (self.pending_access or self.open_interest)


def inbox_for(user: Any) -> Inbox:
    """Requests about the listings of the user's organisations, oldest pending first."""
    org_ids = member_organisation_ids(user)
    access = AccessRequest.objects.filter(
        listing__organisation_id__in=org_ids
    ).select_related("listing", "requester")
    interest = InterestRequest.objects.filter(
        listing__organisation_id__in=org_ids
    ).select_related("listing", "sender")
    return Inbox(
        pending_access=list(
            access.filter(status=AccessRequestStatus.PENDING).order_by("created_at")
        ),
        open_interest=list(
            interest.filter(status=InterestStatus.OPEN).order_by("created_at")
        ),
        decided_access=list(
            access.exclude(status=AccessRequestStatus.PENDING).order_by("-decided_at")[
                :RECENT_LIMIT
            ]
        ),
        closed_interest=list(
            interest.exclude(status=InterestStatus.OPEN).order_by("-answered_at")[
                :RECENT_LIMIT
            ]
        ),
        listings=list(
            Listing.objects.filter(organisation_id__in=org_ids)
            .exclude(protected_details="")
            .order_by("title")
        ),
    )


def sent_by(user: Any) -> tuple[list[AccessRequest], list[InterestRequest]]:
    """The user's own protected-details and interest requests, newest first."""
    access = (
        AccessRequest.objects.filter(requester_id=user.pk)
        .select_related("listing")
        .order_by("-created_at")
    )
    interest = (
        InterestRequest.objects.filter(sender_id=user.pk)
        .select_related("listing")
        .order_by("-created_at")
    )
    return list(access), list(interest)


def access_request_of(user: Any, listing: Listing) -> AccessRequest | None:
    """The user's request for the listing's protected details, if they made one."""
    return AccessRequest.objects.filter(listing=listing, requester_id=user.pk).first()


def access_log(listing: Listing) -> QuerySet[DetailAccessLog]:
    """Who read the listing's protected details, newest first."""
    return DetailAccessLog.objects.filter(listing=listing).select_related("user")


def can_read_interest_request(user: Any, request: InterestRequest) -> bool:
    """The sender, the owner organisation and the transfer agents read a request."""
    return (
        request.sender_id == user.pk
        or is_owner(user, request.listing)
        or is_agent(user)
    )


def answered_questions(request: InterestRequest) -> list[tuple[str, str]]:
    """(question, answer) for each fixed question the sender answered."""
    return [
        (str(label), request.answers[key])
        for key, label in INTEREST_QUESTIONS
        if request.answers.get(key)
    ]
