"""A party's answer to an introduction, posted from the conversation page's panel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.models import Introduction, IntroductionResponse
from matching.permissions import introduction_side
from matching.services.answers import AnswerError, answer_introduction


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
