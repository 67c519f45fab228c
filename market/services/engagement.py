"""What visitors do with a published listing: request its protected details, ask about it.

The owner organisation decides; every reading of protected details is logged here, in
one place. Each step is announced with a signal so the notifier (in accounts) can tell
the people concerned without the market knowing about it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import Signal
from django.utils import formats, timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from market.models import (
    INTEREST_QUESTIONS,
    AccessRequest,
    AccessRequestStatus,
    ConversationSource,
    DeclineReason,
    DetailAccessLog,
    InterestKind,
    InterestRequest,
    InterestStatus,
    Listing,
    ListingStatus,
    Side,
)
from market.permissions import can_view, is_owner, protected_access_reason
from market.services.conversations import record_in_thread, start_conversation
from market.services.listings import ListingError

# request_id: a user asked for a listing's protected details
access_request_sent = Signal()
# request_id, status: the owner granted, declined or revoked the access
access_request_decided = Signal()
# request_id: someone sent an "I'm interested" / "more information" request
interest_request_sent = Signal()
# request_id, status: the owner answered or declined it
interest_request_replied = Signal()

# A sender may have this many open requests about one listing within a day.
INTEREST_DAILY_LIMIT = 5
ANSWER_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 2000


class EngagementError(ListingError):
    """A request about a listing that the market refuses; ``message`` is for the user."""


def _user(user_id: int) -> Any:
    return get_user_model().objects.get(pk=user_id)


def _published(listing_id: int) -> Listing:
    listing = Listing.objects.select_related("organisation").get(pk=listing_id)
    if listing.status != ListingStatus.PUBLISHED:
        raise EngagementError(
            _("This listing is not on the market at the moment."),
            code="not_published",
        )
    return listing


# --- protected details -------------------------------------------------------------


@transaction.atomic
def request_protected_details(
    listing_id: int, *, requester_id: int, accepted_note: bool, message: str = ""
) -> tuple[AccessRequest, bool]:
    """Ask the owner for a listing's protected details; returns (request, created).

    A user has one request per listing: asking again returns the existing one, so the
    page can show its status instead of failing.
    """
    listing = _published(listing_id)
    existing = AccessRequest.objects.filter(
        listing_id=listing.pk, requester_id=requester_id
    ).first()
    if existing is not None:
        return existing, False
    requester = _user(requester_id)
    if protected_access_reason(requester, listing) is not None:
        raise EngagementError(
            _("You can already read the protected details of this listing."),
            code="already_allowed",
        )
    if not accepted_note:
        raise EngagementError(
            _("Accept the confidentiality note to send the request."),
            code="note_not_accepted",
        )
    request, created = AccessRequest.objects.get_or_create(
        listing_id=listing.pk,
        requester_id=requester_id,
        defaults={
            "message": message.strip()[:MESSAGE_MAX_LENGTH],
            "accepted_note_at": timezone.now(),
        },
    )
    if created:
        start_conversation(
            source=ConversationSource.PROTECTED_DETAILS,
            started_by=request,
            listing_id=listing.pk,
            requester_id=requester_id,
            first_message=request.message
            or str(_("I would like to read the protected details of this listing.")),
            announce=False,  # access_request_sent tells the owner
        )
        access_request_sent.send(sender=AccessRequest, request_id=request.pk)
    return request, created


def _access_thread_text(status: str) -> str:
    texts: dict[str, Any] = {
        AccessRequestStatus.GRANTED: _(
            "The owner organisation granted access to the protected details."
        ),
        AccessRequestStatus.DECLINED: _(
            "The owner organisation declined the request for the protected details."
        ),
        AccessRequestStatus.REVOKED: _(
            "The owner organisation revoked access to the protected details."
        ),
    }
    return str(texts[status])


def _locked_access_request(request_id: int, by_user_id: int) -> AccessRequest:
    request = (
        AccessRequest.objects.select_for_update()
        .select_related("listing")
        .get(pk=request_id)
    )
    if not is_owner(_user(by_user_id), request.listing):
        raise PermissionDenied("only the owner organisation decides")
    return request


@transaction.atomic
def decide_access_request(
    request_id: int, *, by_user_id: int, grant: bool
) -> AccessRequest:
    """The owner organisation grants or declines a pending request for protected details."""
    request = _locked_access_request(request_id, by_user_id)
    if request.status != AccessRequestStatus.PENDING:
        raise EngagementError(
            _("This request has already been decided."), code="already_decided"
        )
    request.status = (
        AccessRequestStatus.GRANTED if grant else AccessRequestStatus.DECLINED
    )
    request.decided_at = timezone.now()
    request.decided_by_id = by_user_id
    request.save(update_fields=["status", "decided_at", "decided_by"])
    record_in_thread(
        request,
        author_id=None,
        side=Side.SYSTEM,
        body=_access_thread_text(request.status),
    )
    access_request_decided.send(
        sender=AccessRequest, request_id=request.pk, status=request.status
    )
    return request


@transaction.atomic
def revoke_access_request(request_id: int, *, by_user_id: int) -> AccessRequest:
    """The owner organisation withdraws access it granted earlier."""
    request = _locked_access_request(request_id, by_user_id)
    if request.status != AccessRequestStatus.GRANTED:
        raise EngagementError(
            _("Only granted access can be revoked."), code="not_granted"
        )
    request.status = AccessRequestStatus.REVOKED
    request.decided_at = timezone.now()
    request.decided_by_id = by_user_id
    request.save(update_fields=["status", "decided_at", "decided_by"])
    record_in_thread(
        request,
        author_id=None,
        side=Side.SYSTEM,
        body=_access_thread_text(request.status),
    )
    access_request_decided.send(
        sender=AccessRequest, request_id=request.pk, status=request.status
    )
    return request


@transaction.atomic
def read_protected_details(listing_id: int, *, user_id: int | None) -> str | None:
    """The protected details if ``user_id`` may read them (logging the reading), else None.

    Every page that shows protected details gets them here, so none escapes the log.
    """
    if user_id is None:
        return None
    listing = Listing.objects.get(pk=listing_id)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not can_view(user, listing):
        return None
    reason = protected_access_reason(user, listing)
    if reason is None:
        return None
    if listing.protected_details:
        DetailAccessLog.objects.create(listing=listing, user=user, reason=reason)
    return listing.protected_details


# --- interest and information requests ---------------------------------------------


def clean_answers(answers: dict[str, Any]) -> dict[str, str]:
    """The answers to the fixed questions only, trimmed, without empty ones."""
    known = {key for key, _label in INTEREST_QUESTIONS}
    cleaned: dict[str, str] = {}
    for key, value in (answers or {}).items():
        text = str(value or "").strip()[:ANSWER_MAX_LENGTH]
        if key in known and text:
            cleaned[key] = text
    return cleaned


@transaction.atomic
def send_interest_request(
    listing_id: int,
    *,
    sender_id: int,
    kind: str,
    answers: dict[str, Any],
    message: str = "",
) -> InterestRequest:
    """Send the owner (and the transfer agents) an "I'm interested" or information request."""
    if kind not in InterestKind.values:
        raise EngagementError(_("Unknown kind of request."), code="invalid_kind")
    listing = _published(listing_id)
    # Locking the sender serialises their requests, so the limits below hold.
    sender = get_user_model().objects.select_for_update().get(pk=sender_id)
    if is_owner(sender, listing):
        raise EngagementError(
            _(
                "This listing belongs to your organisation; you cannot send it a request."
            ),
            code="own_listing",
        )
    cleaned = clean_answers(answers)
    message = (message or "").strip()[:MESSAGE_MAX_LENGTH]
    if not cleaned and not message:
        raise EngagementError(
            _("Answer at least one question or write a message."), code="empty"
        )
    duplicate = _duplicate_interest(listing.pk, sender_id, kind)
    if duplicate is not None:
        raise EngagementError(
            _(
                "You already sent this kind of request about this listing on "
                "%(date)s; the owner and the transfer agents have it. Follow it, "
                "and the answer, under “Your requests”."
            )
            % {"date": formats.date_format(localtime(duplicate), "DATETIME_FORMAT")},
            code="duplicate",
        )
    since = timezone.now() - dt.timedelta(days=1)
    recent = InterestRequest.objects.filter(
        listing_id=listing.pk,
        sender_id=sender_id,
        status=InterestStatus.OPEN,
        created_at__gte=since,
    ).count()
    if recent >= INTEREST_DAILY_LIMIT:
        raise EngagementError(
            _(
                "You already have %(count)d open requests about this listing from the "
                "last 24 hours. Wait for an answer before sending another."
            )
            % {"count": recent},
            code="rate_limited",
        )
    request = InterestRequest.objects.create(
        listing=listing,
        sender_id=sender_id,
        kind=kind,
        answers=cleaned,
        message=message,
    )
    start_conversation(
        source=ConversationSource.INTEREST,
        started_by=request,
        listing_id=listing.pk,
        requester_id=sender_id,
        first_message=interest_text(request),
        announce=False,  # interest_request_sent tells the owner and the agents
    )
    interest_request_sent.send(sender=InterestRequest, request_id=request.pk)
    return request


def interest_text(request: InterestRequest) -> str:
    """An interest request as the first message of its conversation."""
    parts = [str(request.get_kind_display())]
    for key, label in INTEREST_QUESTIONS:
        if request.answers.get(key):
            parts.append(f"{label}\n{request.answers[key]}")
    if request.message:
        parts.append(request.message)
    return "\n\n".join(parts)


def _duplicate_interest(
    listing_id: int, sender_id: int, kind: str
) -> dt.datetime | None:
    """When the sender sent the same kind of request about the listing within the window."""
    window = int(getattr(settings, "THROTTLE_DUPLICATE_WINDOW", 0) or 0)
    if window <= 0:
        return None
    return (
        InterestRequest.objects.filter(
            listing_id=listing_id,
            sender_id=sender_id,
            kind=kind,
            created_at__gte=timezone.now() - dt.timedelta(seconds=window),
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def _locked_open_interest(request_id: int, by_user_id: int) -> InterestRequest:
    request = (
        InterestRequest.objects.select_for_update()
        .select_related("listing")
        .get(pk=request_id)
    )
    if not is_owner(_user(by_user_id), request.listing):
        raise PermissionDenied("only the owner organisation answers")
    if request.status != InterestStatus.OPEN:
        raise EngagementError(
            _("This request has already been answered or declined."),
            code="already_closed",
        )
    return request


@transaction.atomic
def answer_interest_request(
    request_id: int, *, by_user_id: int, reply: str
) -> InterestRequest:
    """The owner organisation answers a request; the sender is told."""
    reply = (reply or "").strip()
    if not reply:
        raise EngagementError(_("Write an answer."), code="reply_required")
    request = _locked_open_interest(request_id, by_user_id)
    request.status = InterestStatus.ANSWERED
    request.reply = reply[:MESSAGE_MAX_LENGTH]
    request.answered_at = timezone.now()
    request.answered_by_id = by_user_id
    request.save(update_fields=["status", "reply", "answered_at", "answered_by"])
    # The sender hears of the answer from interest_request_replied.
    record_in_thread(
        request,
        author_id=by_user_id,
        side=Side.OWNER,
        body=request.reply,
        skip_user_ids=(request.sender_id,),
    )
    interest_request_replied.send(
        sender=InterestRequest, request_id=request.pk, status=request.status
    )
    return request


@transaction.atomic
def decline_interest_request(
    request_id: int, *, by_user_id: int, reason_code: str, note: str = ""
) -> InterestRequest:
    """The owner organisation declines a request with a reason the sender sees."""
    if reason_code not in DeclineReason.values:
        raise EngagementError(
            _("Choose a reason for declining."), code="reason_required"
        )
    request = _locked_open_interest(request_id, by_user_id)
    request.status = InterestStatus.DECLINED
    request.decline_reason = reason_code
    request.reply = (note or "").strip()[:MESSAGE_MAX_LENGTH]
    request.answered_at = timezone.now()
    request.answered_by_id = by_user_id
    request.save(
        update_fields=[
            "status",
            "decline_reason",
            "reply",
            "answered_at",
            "answered_by",
        ]
    )
    text = str(_("Declined: %(reason)s.")) % {
        "reason": request.get_decline_reason_display()
    }
    if request.reply:
        text += "\n" + request.reply
    record_in_thread(
        request,
        author_id=by_user_id,
        side=Side.OWNER,
        body=text,
        skip_user_ids=(request.sender_id,),
        close_reason="not_interested",
    )
    interest_request_replied.send(
        sender=InterestRequest, request_id=request.pk, status=request.status
    )
    return request
