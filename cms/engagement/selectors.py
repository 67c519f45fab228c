"""Reads for the engagement pages: the owner's inbox, a user's sent requests, the access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet

from market.models import (
    INTEREST_QUESTIONS,
    AccessRequest,
    AccessRequestStatus,
    AgentNote,
    Conversation,
    ConversationState,
    DetailAccessLog,
    InterestRequest,
    InterestStatus,
    Listing,
    Message,
    Region,
    Side,
    TechField,
)
from market.permissions import (
    agent_coverage,
    covered_listings_q,
    is_agent,
    is_owner,
    is_requester,
    member_organisation_ids,
    owner_visible_to,
    party_conversations_q,
    requester_visible_to,
)

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


# --- conversations ------------------------------------------------------------------

CONVERSATION_LIMIT = 200


@dataclass(frozen=True)
class ConversationRow:
    """One line of an inbox or workspace: the conversation and the reader's place in it."""

    conversation: Conversation
    side: str
    waiting_for_you: bool
    show_owner: bool
    show_requester: bool = True


def _conversation_rows(
    user: Any, conversations: list[Conversation]
) -> list[ConversationRow]:
    org_ids = member_organisation_ids(user)
    rows = []
    for conversation in conversations:
        if is_requester(user, conversation):
            side = Side.REQUESTER
        elif conversation.owner_organisation_id in org_ids:
            side = Side.OWNER
        else:
            side = Side.AGENT
        rows.append(
            ConversationRow(
                conversation=conversation,
                side=side,
                waiting_for_you=conversation.is_open
                and conversation.waiting_on == side,
                show_owner=owner_visible_to(user, conversation, side),
                show_requester=requester_visible_to(user, conversation, side),
            )
        )
    return rows


def _conversation_list(queryset: QuerySet[Conversation]) -> QuerySet[Conversation]:
    return queryset.select_related(
        "listing",
        "other_listing",
        "listing__field",
        "listing__region",
        "owner_organisation",
        "requester",
        "requester_organisation",
        "agent",
    )


def conversations_of(user: Any) -> list[ConversationRow]:
    """The conversations the user takes part in, the ones waiting for them first."""
    queryset = _conversation_list(
        Conversation.objects.filter(party_conversations_q(user) | Q(agent_id=user.pk))
    ).order_by("-last_message_at", "-pk")[:CONVERSATION_LIMIT]
    rows = _conversation_rows(user, list(queryset))
    return sorted(rows, key=lambda row: not row.waiting_for_you)


def agent_workspace(user: Any, *, closed: bool = False) -> list[ConversationRow]:
    """An agent's conversations and the unclaimed ones in their fields and regions.

    Unclaimed first, then the oldest: what has waited longest is handled first.
    """
    state = ConversationState.CLOSED if closed else ConversationState.OPEN
    covered = Q(agent__isnull=True) & covered_listings_q(user, prefix="listing__")
    queryset = _conversation_list(
        Conversation.objects.filter(Q(agent_id=user.pk) | covered, state=state)
    ).order_by(F("agent_id").asc(nulls_first=True), "created_at", "pk")
    if closed:
        queryset = queryset.order_by("-closed_at", "-pk")
    rows = list(queryset[:CONVERSATION_LIMIT])
    return [
        ConversationRow(
            conversation=conversation,
            side=Side.AGENT,
            waiting_for_you=conversation.is_open
            and (
                conversation.agent_id is None or conversation.waiting_on == Side.AGENT
            ),
            show_owner=True,
        )
        for conversation in rows
    ]


def conversation_messages(conversation: Conversation) -> list[Message]:
    """The thread, oldest first."""
    return list(conversation.messages.select_related("author").order_by("pk"))


def agent_notes(conversation: Conversation) -> list[AgentNote]:
    """The agents' private notes, oldest first."""
    return list(conversation.agent_notes.select_related("author").order_by("pk"))


def coverage_of(user: Any) -> tuple[list[TechField], list[Region]]:
    """The fields and regions an agent covers (empty lists: all of them)."""
    fields, regions = agent_coverage(user)
    return (
        list(TechField.objects.filter(pk__in=fields).order_by("code")),
        list(Region.objects.filter(pk__in=regions).order_by("code")),
    )
