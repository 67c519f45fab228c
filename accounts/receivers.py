"""Who hears about what: the market's signals turned into notifications via the notifier.

The market announces steps (status changes, requests, renewals) without knowing about
users' inboxes; these receivers pick the recipients and render the messages. They run
inside the service's transaction, so the notifications commit or roll back with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse

from accounts.models import AgentProfile, Membership, NotificationKind, User
from accounts.notifications import notify, render_message
from accounts.roles import Role
from accounts.services.membership import approve_founder_requests
from market.models import (
    INTEREST_QUESTIONS,
    AccessRequest,
    AccessRequestStatus,
    Conversation,
    InterestRequest,
    InterestStatus,
    Listing,
    ListingStatus,
    Side,
)
from market.permissions import coverage_includes, listing_places
from market.services.conversations import (
    conversation_for,
    conversation_message_posted,
    conversation_started,
)
from market.services.engagement import (
    access_request_decided,
    access_request_sent,
    interest_request_replied,
    interest_request_sent,
)
from market.services.freshness import listing_renewal_due
from market.signals import (
    listing_changes,
    listing_status_changed,
    listings_status_changed,
    organisation_verified,
)

# The owner's workbench (its own app); links there need no URL name.
WORKBENCH_URL = "/workbench/"
# Moderators review in the Wagtail admin.

AUTHOR_KINDS: dict[str, str] = {
    ListingStatus.PUBLISHED: NotificationKind.LISTING_PUBLISHED,
    ListingStatus.REJECTED: NotificationKind.LISTING_REJECTED,
    ListingStatus.ARCHIVED: NotificationKind.LISTING_ARCHIVED,
    ListingStatus.EXPIRED: NotificationKind.LISTING_EXPIRED,
}


def _path(name: str, *args: Any) -> str:
    """The path of a named URL, or empty when that part of the site is not mounted."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def member_ids(organisation_id: int) -> set[int]:
    """Active users with an active membership of the organisation."""
    return set(
        Membership.objects.active()
        .filter(organisation_id=organisation_id, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def role_ids(role: str) -> set[int]:
    """Active users in the role's group."""
    return set(
        User.objects.filter(groups__name=role, is_active=True).values_list(
            "pk", flat=True
        )
    )


def author_ids(listing: Listing) -> set[int]:
    """Who hears about a listing: its author, or its organisation when the author left."""
    if listing.created_by_id is not None:
        author = listing.created_by
        if (
            author is not None
            and author.is_active
            and listing.organisation_id
            in set(
                Membership.objects.active()
                .filter(user_id=author.pk)
                .values_list("organisation_id", flat=True)
            )
        ):
            return {author.pk}
    return member_ids(listing.organisation_id)


def _send(
    user_ids: Iterable[int],
    *,
    kind: str,
    context: dict[str, Any],
    url: str,
    exclude: int | None = None,
) -> None:
    recipients = set(user_ids) - {exclude}
    if not recipients:
        return
    subject, body = render_message(kind, context)
    notify(recipients, kind=kind, subject=subject, body=body, url=url)


def on_listing_status_changed(
    sender: Any,
    *,
    listing_id: int,
    new_status: str,
    by_user_id: int | None = None,
    reason: str = "",
    **kwargs: Any,
) -> None:
    """Authors hear about publication, rejection, archiving, expiry; moderators about submissions."""
    if new_status not in AUTHOR_KINDS and new_status != ListingStatus.SUBMITTED:
        return
    listing = Listing.objects.select_related("created_by").get(pk=listing_id)
    context = {
        "listing": listing,
        "kind_label": listing.get_kind_display(),
        "reason": reason,
        "by_system": by_user_id is None,
    }
    if new_status == ListingStatus.SUBMITTED:
        context["resubmitted"] = reason in ("edited", "renewal")
        _send(
            role_ids(Role.MODERATOR),
            kind=NotificationKind.LISTING_SUBMITTED,
            context=context,
            url=reverse("market_review:index"),
            exclude=by_user_id,
        )
        return
    _send(
        author_ids(listing),
        kind=AUTHOR_KINDS[new_status],
        context=context,
        url=WORKBENCH_URL,
        exclude=by_user_id,
    )


CHANGES_KINDS = {
    "submitted": NotificationKind.LISTING_SUBMITTED,
    "published": NotificationKind.LISTING_PUBLISHED,
    "rejected": NotificationKind.LISTING_REJECTED,
}


def on_listing_changes(
    sender: Any,
    *,
    listing_id: int,
    event: str,
    by_user_id: int | None = None,
    reason: str = "",
    **kwargs: Any,
) -> None:
    """Changes to a published listing: moderators hear of them, authors of the outcome."""
    if event not in CHANGES_KINDS:
        return
    listing = Listing.objects.select_related("created_by").get(pk=listing_id)
    context = {
        "listing": listing,
        "kind_label": listing.get_kind_display(),
        "reason": reason,
        "by_system": by_user_id is None,
        "changes": True,
    }
    if event == "submitted":
        _send(
            role_ids(Role.MODERATOR),
            kind=CHANGES_KINDS[event],
            context=context,
            url=_path("market_review:changes"),
            exclude=by_user_id,
        )
        return
    _send(
        author_ids(listing),
        kind=CHANGES_KINDS[event],
        context=context,
        url=WORKBENCH_URL,
        exclude=by_user_id,
    )


# A digest names at most this many titles; the rest are counted.
DIGEST_TITLES = 20


def on_listings_status_changed(
    sender: Any,
    *,
    listing_ids: Iterable[int],
    new_status: str,
    by_user_id: int | None = None,
    reason: str = "",
    **kwargs: Any,
) -> None:
    """Many listings took one step (bulk moderation, an import): every recipient hears
    once — about the one listing, or with a digest of all of them."""
    if new_status not in AUTHOR_KINDS and new_status != ListingStatus.SUBMITTED:
        return
    listings = list(
        Listing.objects.filter(pk__in=list(listing_ids))
        .select_related("created_by")
        .order_by("pk")
    )
    received: dict[int, list[Listing]] = {}
    if new_status == ListingStatus.SUBMITTED:
        for user_id in role_ids(Role.MODERATOR):
            received[user_id] = listings
    else:
        authors: dict[tuple[int | None, int], set[int]] = {}
        for listing in listings:
            key = (listing.created_by_id, listing.organisation_id)
            if key not in authors:
                authors[key] = author_ids(listing)
            for user_id in authors[key]:
                received.setdefault(user_id, []).append(listing)
    received.pop(by_user_id, None)  # type: ignore[arg-type]
    groups: dict[tuple[int, ...], set[int]] = {}
    for user_id, theirs in received.items():
        groups.setdefault(tuple(listing.pk for listing in theirs), set()).add(user_id)
    by_pk = {listing.pk: listing for listing in listings}
    kind = (
        NotificationKind.LISTING_SUBMITTED
        if new_status == ListingStatus.SUBMITTED
        else AUTHOR_KINDS[new_status]
    )
    url = (
        reverse("market_review:index")
        if new_status == ListingStatus.SUBMITTED
        else WORKBENCH_URL
    )
    for pks, user_ids in groups.items():
        theirs = [by_pk[pk] for pk in pks]
        if len(theirs) == 1:
            listing = theirs[0]
            context: dict[str, Any] = {
                "listing": listing,
                "kind_label": listing.get_kind_display(),
                "reason": reason,
                "by_system": by_user_id is None,
            }
            subject, body = render_message(kind, context)
        else:
            subject, body = render_message(
                "listings_batch",
                {
                    "listings": theirs[:DIGEST_TITLES],
                    "count": len(theirs),
                    "more": max(0, len(theirs) - DIGEST_TITLES),
                    "status": ListingStatus(new_status).label,
                    "reason": reason,
                },
            )
        notify(user_ids, kind=kind, subject=subject, body=body, url=url)


def on_listing_renewal_due(sender: Any, *, listing_id: int, **kwargs: Any) -> None:
    """The authors of a listing that lapses soon get a link to renew it."""
    listing = Listing.objects.select_related("created_by").get(pk=listing_id)
    _send(
        author_ids(listing),
        kind=NotificationKind.LISTING_RENEWAL,
        context={
            "listing": listing,
            "kind_label": listing.get_kind_display(),
            "days_left": listing.days_left(),
        },
        url=WORKBENCH_URL,
    )


def _answers(request: InterestRequest) -> list[tuple[str, str]]:
    return [
        (str(label), request.answers[key])
        for key, label in INTEREST_QUESTIONS
        if request.answers.get(key)
    ]


def on_interest_request_sent(sender: Any, *, request_id: int, **kwargs: Any) -> None:
    """The owner organisation and the transfer agents hear about a new request."""
    request = InterestRequest.objects.select_related("listing", "sender").get(
        pk=request_id
    )
    recipients = member_ids(request.listing.organisation_id) | covering_agent_ids(
        request.listing
    )
    _send(
        recipients,
        kind=NotificationKind.INTEREST_RECEIVED,
        context={
            "request": request,
            "listing": request.listing,
            "kind_label": request.get_kind_display(),
            "sender_name": request.sender.display_name or request.sender.email,
            "answers": _answers(request),
        },
        url=_thread_url(request) or _path("engage:interest_detail", request.pk),
        exclude=request.sender_id,
    )


def on_interest_request_replied(
    sender: Any, *, request_id: int, status: str, **kwargs: Any
) -> None:
    """The sender hears the owner's answer, or why they declined."""
    request = InterestRequest.objects.select_related("listing").get(pk=request_id)
    kind = (
        NotificationKind.INTEREST_ANSWERED
        if status == InterestStatus.ANSWERED
        else NotificationKind.INTEREST_DECLINED
    )
    _send(
        [request.sender_id],
        kind=kind,
        context={
            "request": request,
            "listing": request.listing,
            "kind_label": request.get_kind_display(),
            "reason_label": request.get_decline_reason_display(),
        },
        url=_thread_url(request) or _path("engage:interest_detail", request.pk),
    )


def on_access_request_sent(sender: Any, *, request_id: int, **kwargs: Any) -> None:
    """The owner organisation hears that someone asks for the protected details."""
    request = AccessRequest.objects.select_related("listing", "requester").get(
        pk=request_id
    )
    _send(
        member_ids(request.listing.organisation_id),
        kind=NotificationKind.ACCESS_REQUESTED,
        context={
            "request": request,
            "listing": request.listing,
            "requester_name": request.requester.display_name or request.requester.email,
        },
        url=_thread_url(request) or _path("engage:inbox"),
        exclude=request.requester_id,
    )


def on_access_request_decided(
    sender: Any, *, request_id: int, status: str, **kwargs: Any
) -> None:
    """The requester hears whether they may read the protected details."""
    request = AccessRequest.objects.select_related("listing").get(pk=request_id)
    granted = status == AccessRequestStatus.GRANTED
    _send(
        [request.requester_id],
        kind=(
            NotificationKind.ACCESS_GRANTED
            if granted
            else NotificationKind.ACCESS_DECLINED
        ),
        context={
            "request": request,
            "listing": request.listing,
            "revoked": status == AccessRequestStatus.REVOKED,
        },
        url=_path("engage:details", request.listing_id) if granted else "",
    )


def covering_agent_ids(listing: Listing) -> set[int]:
    """Active transfer agents whose fields and regions cover the listing (4 queries)."""
    places = listing_places(listing)
    coverage: dict[int, tuple[set[int], set[int]]] = {
        pk: (set(), set())
        for pk in User.objects.filter(
            groups__name=Role.AGENT, is_active=True
        ).values_list("pk", flat=True)
    }
    for profile in AgentProfile.objects.filter(
        user_id__in=list(coverage)
    ).prefetch_related("fields", "regions"):
        coverage[profile.user_id] = (
            {field.pk for field in profile.fields.all()},
            {region.pk for region in profile.regions.all()},
        )
    return {pk for pk, areas in coverage.items() if coverage_includes(areas, places)}


def _thread_url(source: Any) -> str:
    conversation = conversation_for(source)
    if conversation is None:
        return ""
    return _path("engage:conversation", conversation.pk)


def conversation_recipient_ids(conversation: Conversation) -> set[int]:
    """The requester, the owner organisation's members and the agent (or, while
    nobody has claimed it, the agents covering the listing); when both parties are
    organisations, the requester organisation's members too."""
    recipients = {conversation.requester_id} | member_ids(
        conversation.owner_organisation_id
    )
    if (
        conversation.parties_are_organisations
        and conversation.requester_organisation_id is not None
    ):
        recipients |= member_ids(conversation.requester_organisation_id)
    if conversation.agent_id is not None:
        recipients.add(conversation.agent_id)
    elif conversation.is_open:
        recipients |= covering_agent_ids(conversation.listing)
    return recipients


def on_conversation_started(
    sender: Any, *, conversation_id: int, **kwargs: Any
) -> None:
    """Everyone in a conversation that a source opened (an introduction) hears of it."""
    conversation = Conversation.objects.select_related("listing").get(
        pk=conversation_id
    )
    first = conversation.messages.order_by("pk").first()
    _send(
        conversation_recipient_ids(conversation),
        kind=NotificationKind.CONVERSATION_STARTED,
        context={
            "conversation": conversation,
            "listing": conversation.listing,
            "body": first.body if first else "",
        },
        url=_path("engage:conversation", conversation.pk),
        exclude=first.author_id if first else None,
    )


def on_conversation_message_posted(
    sender: Any,
    *,
    conversation_id: int,
    message_id: int,
    skip_user_ids: Iterable[int] = (),
    **kwargs: Any,
) -> None:
    """The other participants hear of every message (in-site and by email)."""
    conversation = Conversation.objects.select_related("listing").get(
        pk=conversation_id
    )
    message = conversation.messages.get(pk=message_id)
    recipients = conversation_recipient_ids(conversation) - set(skip_user_ids)
    _send(
        recipients,
        kind=NotificationKind.CONVERSATION_MESSAGE,
        context={
            "conversation": conversation,
            "listing": conversation.listing,
            "message": message,
            "side_label": Side(message.side).label,
        },
        url=_path("engage:conversation", conversation.pk),
    )


def on_organisation_verified(
    sender: Any, *, organisation_id: int, by_user_id: int | None = None, **kwargs: Any
) -> None:
    """Whoever registered the organisation becomes its administrator."""
    approve_founder_requests(organisation_id, verified_by_id=by_user_id)


def connect() -> None:
    """Connect the receivers once (called from AccountsConfig.ready)."""
    from accounts import challenge_receivers, deal_receivers

    challenge_receivers.connect()
    deal_receivers.connect()
    listing_status_changed.connect(
        on_listing_status_changed, dispatch_uid="accounts.notify_listing_status"
    )
    listings_status_changed.connect(
        on_listings_status_changed, dispatch_uid="accounts.notify_listings_status"
    )
    listing_changes.connect(
        on_listing_changes, dispatch_uid="accounts.notify_listing_changes"
    )
    listing_renewal_due.connect(
        on_listing_renewal_due, dispatch_uid="accounts.notify_listing_renewal"
    )
    interest_request_sent.connect(
        on_interest_request_sent, dispatch_uid="accounts.notify_interest_sent"
    )
    interest_request_replied.connect(
        on_interest_request_replied, dispatch_uid="accounts.notify_interest_replied"
    )
    access_request_sent.connect(
        on_access_request_sent, dispatch_uid="accounts.notify_access_sent"
    )
    access_request_decided.connect(
        on_access_request_decided, dispatch_uid="accounts.notify_access_decided"
    )
    conversation_started.connect(
        on_conversation_started, dispatch_uid="accounts.notify_conversation_started"
    )
    conversation_message_posted.connect(
        on_conversation_message_posted,
        dispatch_uid="accounts.notify_conversation_message",
    )
    organisation_verified.connect(
        on_organisation_verified, dispatch_uid="accounts.approve_founders"
    )
