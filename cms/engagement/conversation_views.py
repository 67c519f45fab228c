"""Conversation pages: "my conversations", a thread, and the transfer agents' workspace."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cms.engagement import selectors
from cms.engagement.forms import AgentNoteForm, CloseForm, ReplyForm
from config import throttle
from market.models import Conversation, Side
from market.permissions import (
    can_claim,
    conversation_side,
    is_agent,
    owner_visible_to,
    requester_visible_to,
)
from market.services.conversations import (
    ConversationError,
    add_agent_note,
    claim_conversation,
    close_conversation,
    post_message,
    reopen,
)


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk)  # type: ignore[arg-type]


def _readable(request: HttpRequest, conversation_id: int) -> tuple[Conversation, str]:
    """The conversation and the reader's side; 404 for anyone who is not in it."""
    conversation = (
        Conversation.objects.select_related(
            "listing",
            "other_listing",
            "listing__field",
            "listing__region",
            "owner_organisation",
            "requester",
            "requester_organisation",
            "agent",
        )
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404
    side = conversation_side(request.user, conversation)
    if side is None:
        raise Http404
    return conversation, side


@never_cache
@login_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    """Every conversation the user takes part in, those waiting for them first."""
    rows = selectors.conversations_of(request.user)
    return render(
        request,
        "engagement/conversations.html",
        {
            "rows": rows,
            "waiting": sum(1 for row in rows if row.waiting_for_you),
            "is_agent": is_agent(request.user),
        },
    )


def _thread(
    request: HttpRequest,
    conversation: Conversation,
    side: str,
    *,
    reply_form: ReplyForm | None = None,
    close_form: CloseForm | None = None,
    note_form: AgentNoteForm | None = None,
    status: int = HTTPStatus.OK,
) -> HttpResponse:
    agent_side = side in (Side.AGENT, Side.MODERATOR)
    return render(
        request,
        "engagement/conversation.html",
        {
            "conversation": conversation,
            "listing": conversation.listing,
            "side": side,
            "side_label": Side(side).label,
            "thread": selectors.conversation_messages(conversation),
            "show_owner": owner_visible_to(request.user, conversation, side),
            "show_requester_org": side != Side.REQUESTER
            and requester_visible_to(request.user, conversation, side),
            "waiting_for_you": conversation.is_open and conversation.waiting_on == side,
            "can_claim": can_claim(request.user, conversation),
            "agent_side": agent_side,
            "notes": selectors.agent_notes(conversation) if agent_side else [],
            "reply_form": reply_form or ReplyForm(),
            "close_form": close_form or CloseForm(),
            "note_form": note_form or AgentNoteForm(),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A thread: its messages and, while open, the reply form."""
    item, side = _readable(request, conversation_id)
    if request.method != "POST":
        return _thread(request, item, side)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _thread(request, item, side, reply_form=form, status=400)
    ticket = throttle.take_message(request)
    if ticket is None:
        form.add_error(None, throttle.message_refused())
        return _thread(
            request, item, side, reply_form=form, status=HTTPStatus.TOO_MANY_REQUESTS
        )
    try:
        post_message(
            item.pk, author_id=_user_id(request), body=form.cleaned_data["body"]
        )
    except (ConversationError, PermissionDenied) as error:
        ticket.give_back()
        form.add_error(None, _message(error))
        return _thread(request, item, side, reply_form=form, status=400)
    messages.success(request, _("Your message has been sent."))
    return redirect("engage:conversation", conversation_id=item.pk)


def _message(error: Exception) -> str:
    if isinstance(error, ConversationError):
        return str(error.message)
    return _("You cannot do this in this conversation.")


@login_required
@require_POST
def close(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Close the conversation with a reason code."""
    item, side = _readable(request, conversation_id)
    form = CloseForm(request.POST)
    if not form.is_valid():
        return _thread(request, item, side, close_form=form, status=400)
    ticket = throttle.take_message(request)
    if ticket is None:
        form.add_error(None, throttle.message_refused())
        return _thread(
            request, item, side, close_form=form, status=HTTPStatus.TOO_MANY_REQUESTS
        )
    try:
        close_conversation(
            item.pk,
            by_user_id=_user_id(request),
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except (ConversationError, PermissionDenied) as error:
        ticket.give_back()
        form.add_error(None, _message(error))
        return _thread(request, item, side, close_form=form, status=400)
    messages.success(request, _("The conversation has been closed."))
    return redirect("engage:conversation", conversation_id=item.pk)


def _act(
    request: HttpRequest, item: Conversation, action: Any, done: str
) -> HttpResponse:
    ticket = throttle.take_message(request)
    if ticket is None:
        messages.error(request, throttle.message_refused())
        return redirect("engage:conversation", conversation_id=item.pk)
    try:
        action()
    except (ConversationError, PermissionDenied) as error:
        ticket.give_back()
        messages.error(request, _message(error))
    else:
        messages.success(request, done)
    return redirect("engage:conversation", conversation_id=item.pk)


@login_required
@require_POST
def reopen_view(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """Reopen a closed conversation."""
    item, _side = _readable(request, conversation_id)
    return _act(
        request,
        item,
        lambda: reopen(item.pk, by_user_id=_user_id(request)),
        _("The conversation has been reopened."),
    )


@login_required
@require_POST
def claim(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A transfer agent takes the conversation."""
    item, _side = _readable(request, conversation_id)
    return _act(
        request,
        item,
        lambda: claim_conversation(item.pk, agent_id=_user_id(request)),
        _("You have claimed this conversation."),
    )


@login_required
@require_POST
def add_note(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """A transfer agent's private note."""
    item, side = _readable(request, conversation_id)
    if side not in (Side.AGENT, Side.MODERATOR):
        raise Http404
    form = AgentNoteForm(request.POST)
    if not form.is_valid():
        return _thread(request, item, side, note_form=form, status=400)
    try:
        add_agent_note(
            item.pk, agent_id=_user_id(request), body=form.cleaned_data["body"]
        )
    except (ConversationError, PermissionDenied) as error:
        form.add_error(None, _message(error))
        return _thread(request, item, side, note_form=form, status=400)
    messages.success(request, _("Your note has been saved."))
    return redirect("engage:conversation", conversation_id=item.pk)


@never_cache
@login_required
def agent_workspace(request: HttpRequest) -> HttpResponse:
    """The agent's conversations and the unclaimed ones in their fields and regions."""
    if not is_agent(request.user):
        raise Http404
    closed = request.GET.get("state") == "closed"
    fields, regions = selectors.coverage_of(request.user)
    return render(
        request,
        "engagement/agent_workspace.html",
        {
            "rows": selectors.agent_workspace(request.user, closed=closed),
            "closed": closed,
            "fields": fields,
            "regions": regions,
        },
    )
