"""A party's answer to an introduction, posted from the conversation page's panel, and
the agent's "start a deal" once both parties accepted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from market.services.deals import DealError
from matching.models import Introduction, IntroductionResponse
from matching.permissions import can_review, can_start_deal, introduction_side
from matching.services.answers import AnswerError, answer_introduction
from matching.services.deals import start_deal


@login_required
@require_POST
def answer(request: HttpRequest, introduction_id: int) -> HttpResponse:
    """Accept, or decline with a reason; back to the conversation with the outcome."""
    introduction = (
        Introduction.objects.select_related("proposal__demand", "proposal__outcome")
        .filter(pk=introduction_id)
        .first()
    )
    if introduction is None:
        raise Http404
    if introduction_side(request.user, introduction) is None:
        raise PermissionDenied
    response = request.POST.get("response", "")
    try:
        answer_introduction(
            introduction.pk,
            user_id=int(request.user.pk),  # type: ignore[arg-type]
            response=response,
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
        )
    except AnswerError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("You accepted the introduction.")
            if response == IntroductionResponse.ACCEPTED
            else _("You declined the introduction."),
        )
    if introduction.conversation_id is None:
        return redirect("engage:conversations")
    return redirect("engage:conversation", conversation_id=introduction.conversation_id)


@login_required
@require_POST
def start_deal_view(request: HttpRequest, introduction_id: int) -> HttpResponse:
    """An agent (or moderator) starts the deal of an introduction both sides accepted."""
    if not can_review(request.user):
        raise PermissionDenied
    introduction = (
        Introduction.objects.filter(pk=introduction_id)
        .only("pk", "agent_id", "conversation_id")
        .first()
    )
    if introduction is None:
        raise Http404
    if not can_start_deal(request.user, introduction):
        raise PermissionDenied
    try:
        deal = start_deal(
            introduction.pk,
            by_user_id=int(request.user.pk),  # type: ignore[arg-type]
            mode=request.POST.get("mode", ""),
        )
    except DealError as error:
        messages.error(request, str(error.message))
        for message in error.errors.values():
            messages.error(request, str(message))
        if introduction.conversation_id is None:
            return redirect("agents:pipeline")
        return redirect(
            "engage:conversation", conversation_id=introduction.conversation_id
        )
    messages.success(request, _("The deal was started."))
    return redirect("deals:detail", pk=deal.pk)
