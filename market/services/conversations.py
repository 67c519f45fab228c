"""Conversations: start one from any source, write in it, claim, close, reopen, annotate.

Every verb owns its transaction, locks the conversation row and checks who may act
(``market.permissions.conversation_side``). Notifications go out through the signals
below, which accounts' receivers turn into in-site and email notifications.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from market.models import (
    AgentNote,
    CloseReason,
    Conversation,
    ConversationState,
    Listing,
    Message,
    Side,
)
from market.permissions import (
    can_claim,
    conversation_side,
    member_organisation_ids,
)
from market.services.listings import ListingError

# conversation_id: a conversation was started (by a source that does not notify itself)
conversation_started = Signal()
# conversation_id, message_id, skip_user_ids: a message was written in a conversation
conversation_message_posted = Signal()

MESSAGE_MAX_LENGTH = 4000
# A structured request (four answers and a message) opens its thread whole.
FIRST_MESSAGE_MAX_LENGTH = 8000
NOTE_MAX_LENGTH = 4000
# Control characters other than tab and newline never reach a message.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e]")


class ConversationError(ListingError):
    """A conversation step the market refuses; ``message`` is for the user."""


def clean_text(value: str, limit: int = MESSAGE_MAX_LENGTH) -> str:
    """Plain text: no control or direction-override characters, trimmed, bounded."""
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))
    return text.strip()[:limit]


def _user(user_id: int) -> Any:
    return get_user_model().objects.get(pk=user_id)


def _locked(conversation_id: int) -> Conversation:
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("listing")
        .get(pk=conversation_id)
    )


def _append(
    conversation: Conversation,
    *,
    author_id: int | None,
    side: str,
    body: str,
    skip_user_ids: tuple[int, ...] = (),
    announce: bool = True,
) -> Message:
    """Store a message, move the turn and announce it (inside the caller's lock)."""
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author_id=author_id, side=side, body=body
    )
    fields = ["last_message_at", "updated_at"]
    conversation.last_message_at = now
    if side == Side.REQUESTER:
        conversation.waiting_on = Side.OWNER
        fields.append("waiting_on")
    elif side == Side.OWNER:
        conversation.waiting_on = Side.REQUESTER
        fields.append("waiting_on")
        if conversation.owner_replied_at is None:
            conversation.owner_replied_at = now
            fields.append("owner_replied_at")
    elif side in (Side.AGENT, Side.MODERATOR) and conversation.waiting_on == Side.AGENT:
        conversation.waiting_on = Side.REQUESTER
        fields.append("waiting_on")
    if not conversation.is_open:
        conversation.waiting_on = ""
        if "waiting_on" not in fields:
            fields.append("waiting_on")
    conversation.save(update_fields=fields)
    if announce:
        skip = tuple(skip_user_ids) + ((author_id,) if author_id else ())
        conversation_message_posted.send(
            sender=Conversation,
            conversation_id=conversation.pk,
            message_id=message.pk,
            skip_user_ids=skip,
        )
    return message


@transaction.atomic
def start_conversation(
    *,
    source: str,
    listing_id: int,
    requester_id: int,
    first_message: str,
    started_by: models.Model | None = None,
    other_listing_id: int | None = None,
    requester_organisation_id: int | None = None,
    author_side: str = Side.REQUESTER,
    author_id: int | None = None,
    agent_id: int | None = None,
    announce: bool = True,
) -> tuple[Conversation, bool]:
    """Open the conversation of ``started_by`` (or a new one); returns (it, created).

    One conversation per source row: starting it again returns the existing one. The
    requester's organisation defaults to their only (or first) active membership;
    ``agent_id`` assigns the conversation at once (an agent's introduction).
    """
    body = clean_text(first_message, FIRST_MESSAGE_MAX_LENGTH)
    if not body:
        raise ConversationError(_("Write a message."), code="empty")
    listing = Listing.objects.get(pk=listing_id)
    source_type = (
        ContentType.objects.get_for_model(started_by)
        if started_by is not None
        else None
    )
    if started_by is not None:
        existing = Conversation.objects.filter(
            source_type=source_type, source_id=started_by.pk
        ).first()
        if existing is not None:
            return existing, False
    requester = _user(requester_id)
    if listing.organisation_id in member_organisation_ids(requester):
        raise ConversationError(
            _("This listing belongs to your organisation."), code="own_listing"
        )
    if requester_organisation_id is None:
        org_ids = sorted(member_organisation_ids(requester))
        requester_organisation_id = org_ids[0] if org_ids else None
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                source=source,
                source_type=source_type,
                source_id=started_by.pk if started_by is not None else None,
                listing=listing,
                other_listing_id=other_listing_id,
                requester=requester,
                requester_organisation_id=requester_organisation_id,
                owner_organisation_id=listing.organisation_id,
                agent_id=agent_id,
                claimed_at=timezone.now() if agent_id is not None else None,
                last_message_at=timezone.now(),
            )
    except IntegrityError:
        # A concurrent start of the same source won the race.
        return (
            Conversation.objects.get(source_type=source_type, source_id=started_by.pk),  # type: ignore[union-attr]
            False,
        )
    _append(
        conversation,
        author_id=author_id if author_id is not None else requester_id,
        side=author_side,
        body=body,
        announce=False,
    )
    if announce:
        conversation_started.send(sender=Conversation, conversation_id=conversation.pk)
    return conversation, True


def conversation_for(started_by: models.Model) -> Conversation | None:
    """The conversation a source row started, if any."""
    return Conversation.objects.filter(
        source_type=ContentType.objects.get_for_model(started_by),
        source_id=started_by.pk,
    ).first()


def _duplicate(conversation: Conversation, author_id: int, body: str) -> bool:
    window = int(getattr(settings, "THROTTLE_DUPLICATE_WINDOW", 0) or 0)
    if window <= 0:
        return False
    return Message.objects.filter(
        conversation=conversation,
        author_id=author_id,
        body=body,
        created_at__gte=timezone.now() - dt.timedelta(seconds=window),
    ).exists()


def _side_of(user_id: int, conversation: Conversation) -> str:
    side = conversation_side(_user(user_id), conversation)
    if side is None:
        raise PermissionDenied("not a participant of this conversation")
    return side


@transaction.atomic
def post_message(conversation_id: int, *, author_id: int, body: str) -> Message:
    """A participant writes in an open conversation; the others are told."""
    text = clean_text(body)
    if not text:
        raise ConversationError(_("Write a message."), code="empty")
    conversation = _locked(conversation_id)
    side = _side_of(author_id, conversation)
    if not conversation.is_open:
        raise ConversationError(
            _("This conversation is closed; reopen it to write."), code="closed"
        )
    if _duplicate(conversation, author_id, text):
        raise ConversationError(
            _("You already sent this message in this conversation."),
            code="duplicate",
        )
    return _append(conversation, author_id=author_id, side=side, body=text)


@transaction.atomic
def post_system_message(
    conversation_id: int,
    *,
    body: str,
    announce: bool = False,
    skip_user_ids: tuple[int, ...] = (),
) -> Message:
    """Record a platform event (a grant, a decline) in the thread.

    With ``announce`` the participants are told, except ``skip_user_ids`` (whoever
    took the step the message records).
    """
    conversation = _locked(conversation_id)
    return _append(
        conversation,
        author_id=None,
        side=Side.SYSTEM,
        body=clean_text(body),
        announce=announce,
        skip_user_ids=skip_user_ids,
    )


@transaction.atomic
def claim_conversation(conversation_id: int, *, agent_id: int) -> Conversation:
    """A transfer agent covering the listing takes an unclaimed conversation."""
    conversation = _locked(conversation_id)
    agent = _user(agent_id)
    if conversation.agent_id == agent_id:
        return conversation
    if conversation.agent_id is not None:
        raise ConversationError(
            _("Another transfer agent has already claimed this conversation."),
            code="claimed",
        )
    if not can_claim(agent, conversation):
        raise PermissionDenied("only a covering agent claims an open conversation")
    conversation.agent_id = agent_id
    conversation.claimed_at = timezone.now()
    conversation.save(update_fields=["agent", "claimed_at", "updated_at"])
    name = agent.display_name or agent.email
    _append(
        conversation,
        author_id=None,
        side=Side.SYSTEM,
        body=str(_("%(name)s (transfer agent) has joined the conversation."))
        % {"name": name},
        skip_user_ids=(agent_id,),
    )
    return conversation


@transaction.atomic
def close_conversation(
    conversation_id: int, *, by_user_id: int, reason: str, note: str = ""
) -> Conversation:
    """A participant closes the conversation with a reason code (and a note)."""
    if reason not in CloseReason.values:
        raise ConversationError(
            _("Choose a reason for closing."), code="reason_required"
        )
    note = clean_text(note, MESSAGE_MAX_LENGTH)
    if reason == CloseReason.OTHER and not note:
        raise ConversationError(
            _("Say why you close the conversation."), code="note_required"
        )
    conversation = _locked(conversation_id)
    side = _side_of(by_user_id, conversation)
    if not conversation.is_open:
        raise ConversationError(
            _("This conversation is already closed."), code="already_closed"
        )
    conversation.state = ConversationState.CLOSED
    conversation.close_reason = reason
    conversation.close_note = note
    conversation.closed_at = timezone.now()
    conversation.waiting_on = ""
    conversation.save(
        update_fields=[
            "state",
            "close_reason",
            "close_note",
            "closed_at",
            "waiting_on",
            "updated_at",
        ]
    )
    text = str(_("Closed by the %(side)s: %(reason)s.")) % {
        "side": Side(side).label,
        "reason": CloseReason(reason).label,
    }
    if note:
        text += "\n" + note
    _append(
        conversation,
        author_id=None,
        side=Side.SYSTEM,
        body=text,
        skip_user_ids=(by_user_id,),
    )
    return conversation


@transaction.atomic
def reopen(conversation_id: int, *, by_user_id: int) -> Conversation:
    """A participant reopens a closed conversation; the turn goes to the owner."""
    conversation = _locked(conversation_id)
    side = _side_of(by_user_id, conversation)
    if conversation.is_open:
        raise ConversationError(
            _("This conversation is already open."), code="already_open"
        )
    conversation.state = ConversationState.OPEN
    conversation.close_reason = ""
    conversation.close_note = ""
    conversation.closed_at = None
    conversation.waiting_on = Side.REQUESTER if side == Side.OWNER else Side.OWNER
    conversation.save(
        update_fields=[
            "state",
            "close_reason",
            "close_note",
            "closed_at",
            "waiting_on",
            "updated_at",
        ]
    )
    _append(
        conversation,
        author_id=None,
        side=Side.SYSTEM,
        body=str(_("Reopened by the %(side)s.")) % {"side": Side(side).label},
        skip_user_ids=(by_user_id,),
    )
    return conversation


@transaction.atomic
def add_agent_note(conversation_id: int, *, agent_id: int, body: str) -> AgentNote:
    """A transfer agent (or moderator) keeps a private note on the conversation."""
    text = clean_text(body, NOTE_MAX_LENGTH)
    if not text:
        raise ConversationError(_("Write a note."), code="empty")
    conversation = _locked(conversation_id)
    side = _side_of(agent_id, conversation)
    if side not in (Side.AGENT, Side.MODERATOR):
        raise PermissionDenied("notes are for transfer agents")
    return AgentNote.objects.create(
        conversation=conversation, author_id=agent_id, body=text
    )


def record_in_thread(
    started_by: models.Model,
    *,
    author_id: int | None,
    side: str,
    body: str,
    skip_user_ids: tuple[int, ...] = (),
    close_reason: str = "",
) -> Message | None:
    """Copy a step taken outside the thread (an answer, a decision) into it.

    Runs inside the caller's transaction; ``skip_user_ids`` already heard about the
    step from the caller's own notification.
    """
    found = conversation_for(started_by)
    if found is None:
        return None
    conversation = _locked(found.pk)
    message = _append(
        conversation,
        author_id=author_id,
        side=side,
        body=clean_text(body),
        skip_user_ids=skip_user_ids,
        announce=side != Side.SYSTEM,
    )
    if close_reason and conversation.is_open:
        conversation.state = ConversationState.CLOSED
        conversation.close_reason = close_reason
        conversation.closed_at = timezone.now()
        conversation.waiting_on = ""
        conversation.save(
            update_fields=["state", "close_reason", "closed_at", "waiting_on"]
        )
    return message
