"""The agents' queue: the proposals, a side-by-side comparison, and the actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from matching import selectors
from matching.forms import QueueFilterForm, RejectForm, SnoozeForm
from matching.models import Proposal
from matching.permissions import can_review
from matching.services.decisions import (
    AlreadyDone,
    DecisionError,
    claim_proposal,
    introduce,
    reject_proposal,
    release_proposal,
    snooze_proposal,
)

PAGE_SIZE = 25


def _reviewer(request: HttpRequest) -> None:
    if not can_review(request.user):
        raise Http404


@never_cache
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The proposals the agent may review, filtered and paginated, best first."""
    _reviewer(request)
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    ids = selectors.reviewable_proposals(request.user, filters).values_list(
        "pk", flat=True
    )
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "matching/queue.html",
        {
            "form": form,
            "page": page,
            "proposals": selectors.proposals_with_listings(list(page.object_list)),
            "query": query.urlencode(),
            "ignored": sorted(form.errors),
            "reject_form": RejectForm(),
        },
    )


def _proposal_or_404(request: HttpRequest, proposal_id: int) -> Proposal:
    _reviewer(request)
    proposal = selectors.reviewable_proposal(request.user, proposal_id)
    if proposal is None:
        raise Http404
    return proposal


@never_cache
@login_required
def compare(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Demand and outcome side by side, shared terms marked, the reasons, the actions."""
    proposal = _proposal_or_404(request, proposal_id)
    return render(
        request,
        "matching/compare.html",
        {
            "view": selectors.comparison(proposal),
            "proposal": proposal,
            "reject_form": RejectForm(),
            "snooze_form": SnoozeForm(),
            "next": request.get_full_path(),
        },
    )


def _back(request: HttpRequest, proposal_id: int) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("matching:compare", args=[proposal_id]))


def _form_errors(request: HttpRequest, form: Form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def _act(
    request: HttpRequest, proposal_id: int, action: Callable[[int], Any], done: str
) -> HttpResponse:
    _proposal_or_404(request, proposal_id)
    try:
        action(int(request.user.pk))  # type: ignore[arg-type]
    except AlreadyDone as error:
        messages.info(request, str(error.message))
    except DecisionError as error:
        messages.error(request, str(error.message))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, done)
    return _back(request, proposal_id)


def _refused(request: HttpRequest, proposal_id: int, form: Any) -> HttpResponse:
    """An action's form did not validate: its errors as messages, back to the page
    (404 first for a proposal the user may not see)."""
    _proposal_or_404(request, proposal_id)
    _form_errors(request, form)
    return _back(request, proposal_id)


@login_required
@require_POST
def claim(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Take the proposal."""
    return _act(
        request,
        proposal_id,
        lambda agent_id: claim_proposal(proposal_id, agent_id=agent_id),
        _("You have claimed this proposal."),
    )


@login_required
@require_POST
def release(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Give the proposal back to the queue."""
    return _act(
        request,
        proposal_id,
        lambda agent_id: release_proposal(proposal_id, agent_id=agent_id),
        _("The proposal is back in the queue."),
    )


@login_required
@require_POST
def reject(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Reject the proposal with a reason code."""
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _refused(request, proposal_id, form)
    return _act(
        request,
        proposal_id,
        lambda agent_id: reject_proposal(
            proposal_id,
            agent_id=agent_id,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        ),
        _("The proposal has been rejected."),
    )


@login_required
@require_POST
def snooze(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Put the proposal aside until a date."""
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        return _refused(request, proposal_id, form)
    return _act(
        request,
        proposal_id,
        lambda agent_id: snooze_proposal(
            proposal_id, agent_id=agent_id, until=form.until_datetime()
        ),
        _("The proposal has been snoozed."),
    )


@login_required
@require_POST
def introduce_view(request: HttpRequest, proposal_id: int) -> HttpResponse:
    """Accept the proposal and introduce both owners in a conversation."""
    return _act(
        request,
        proposal_id,
        lambda agent_id: introduce(proposal_id, agent_id),
        _(
            "Both parties have been introduced; the conversation is open and they "
            "have been notified."
        ),
    )
