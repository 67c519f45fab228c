"""Engagement views: parse the request, call a market service or a selector, render."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from cms.engagement import selectors
from cms.engagement.forms import (
    CONFIDENTIALITY_NOTE,
    AccessRequestForm,
    AnswerForm,
    DeclineForm,
    InterestRequestForm,
)
from config import throttle
from market.models import (
    AccessRequest,
    InterestKind,
    InterestRequest,
    InterestStatus,
    Listing,
    ListingStatus,
)
from market.permissions import can_view, is_owner
from market.services.conversations import conversation_for
from market.services.engagement import (
    EngagementError,
    answer_interest_request,
    decide_access_request,
    decline_interest_request,
    read_protected_details,
    request_protected_details,
    revoke_access_request,
    send_interest_request,
)


def _back_url(request: HttpRequest) -> str:
    """The listing page the visitor came from (``next``), if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        return candidate
    return ""


def _user_id(request: HttpRequest) -> int:
    # The views that call this are behind login_required.
    return int(request.user.pk)  # type: ignore[arg-type]


def _visible_listing(request: HttpRequest, listing_id: int) -> Listing:
    listing = get_object_or_404(
        Listing.objects.select_related("organisation"), pk=listing_id
    )
    if not can_view(request.user, listing):
        raise Http404
    return listing


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def protected_details(request: HttpRequest, listing_id: int) -> HttpResponse:
    """Show the protected details to whoever may read them, else the request form."""
    listing = _visible_listing(request, listing_id)
    back_url = _back_url(request)
    context: dict[str, Any] = {
        "listing": listing,
        "back_url": back_url,
        "note": CONFIDENTIALITY_NOTE,
        "is_owner": is_owner(request.user, listing),
    }
    details = read_protected_details(listing.pk, user_id=_user_id(request))
    if details is not None:
        context["details"] = details
        return render(request, "engagement/protected_details.html", context)

    existing = selectors.access_request_of(request.user, listing)
    form = AccessRequestForm(request.POST if request.method == "POST" else None)
    status = HTTPStatus.OK
    if existing is None and request.method == "POST" and form.is_valid():
        ticket = throttle.take_message(request)
        if ticket is None:
            form.add_error(None, throttle.message_refused())
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            try:
                _created_request, created = request_protected_details(
                    listing.pk,
                    requester_id=_user_id(request),
                    accepted_note=form.cleaned_data["accept_note"],
                    message=form.cleaned_data["message"],
                )
            except EngagementError as error:
                ticket.give_back()
                form.add_error(None, str(error.message))
            else:
                return _access_requested(request, listing, back_url, created, ticket)
    context.update(
        {
            "form": form,
            "existing": existing,
            "can_request": listing.status == ListingStatus.PUBLISHED,
        }
    )
    return render(request, "engagement/protected_details.html", context, status=status)


def _access_requested(
    request: HttpRequest,
    listing: Listing,
    back_url: str,
    created: bool,
    ticket: throttle.Ticket,
) -> HttpResponse:
    """Back to the details page, which shows the request's status."""
    if created:
        messages.success(
            request,
            _(
                "Your request has been sent. We will tell you when the owner "
                "decides; follow it under “My conversations”."
            ),
        )
    else:
        ticket.give_back()  # nobody was told anything new
    url = reverse("engage:details", args=[listing.pk])
    if back_url:
        url += "?" + urlencode({"next": back_url})
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def interest(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The "I'm interested" / "Request more information" form of a published listing."""
    listing = _visible_listing(request, listing_id)
    if listing.status != ListingStatus.PUBLISHED:
        raise Http404
    back_url = _back_url(request)
    kind = request.GET.get("kind")
    initial = {"kind": kind if kind in InterestKind.values else InterestKind.INTEREST}
    form = InterestRequestForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    own = is_owner(request.user, listing)
    status = HTTPStatus.OK
    if request.method == "POST" and not own and form.is_valid():
        ticket = throttle.take_message(request)
        if ticket is None:
            form.add_error(None, throttle.message_refused())
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            try:
                send_interest_request(
                    listing.pk,
                    sender_id=_user_id(request),
                    kind=form.cleaned_data["kind"],
                    answers=form.answers(),
                    message=form.cleaned_data["message"],
                )
            except EngagementError as error:
                ticket.give_back()
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _(
                        "Your request has been sent to the owner and the transfer "
                        "agents. Follow the conversation under “My conversations”."
                    ),
                )
                return redirect(back_url or "engage:sent")
    return render(
        request,
        "engagement/interest_form.html",
        {"listing": listing, "form": form, "own": own, "back_url": back_url},
        status=status,
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Requests about the listings of the user's organisations, to grant or answer."""
    return render(
        request, "engagement/inbox.html", {"inbox": selectors.inbox_for(request.user)}
    )


@login_required
def sent(request: HttpRequest) -> HttpResponse:
    """The user's own requests with their status, answers and reasons."""
    access, interest_requests = selectors.sent_by(request.user)
    return render(
        request,
        "engagement/sent.html",
        {"access_requests": access, "interest_requests": interest_requests},
    )


@login_required
@require_POST
def decide_access(request: HttpRequest, request_id: int) -> HttpResponse:
    """Grant or decline a protected-details request (owner organisation only)."""
    access_request = get_object_or_404(AccessRequest, pk=request_id)
    decision = request.POST.get("decision")
    if decision not in ("grant", "decline"):
        messages.error(request, _("Choose to grant or to decline the request."))
        return redirect("engage:inbox")
    ticket = throttle.take_message(request)
    if ticket is None:
        messages.error(request, throttle.message_refused())
        return redirect("engage:inbox")
    try:
        decide_access_request(
            access_request.pk, by_user_id=_user_id(request), grant=decision == "grant"
        )
    except EngagementError as error:
        ticket.give_back()
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Access granted.") if decision == "grant" else _("Request declined."),
        )
    return redirect("engage:inbox")


@login_required
@require_POST
def revoke_access(request: HttpRequest, request_id: int) -> HttpResponse:
    """Withdraw access granted earlier (owner organisation only)."""
    access_request = get_object_or_404(AccessRequest, pk=request_id)
    ticket = throttle.take_message(request)
    if ticket is None:
        messages.error(request, throttle.message_refused())
        return redirect("engage:inbox")
    try:
        revoke_access_request(access_request.pk, by_user_id=_user_id(request))
    except EngagementError as error:
        ticket.give_back()
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Access revoked."))
    return redirect("engage:inbox")


@login_required
def access_log(request: HttpRequest, listing_id: int) -> HttpResponse:
    """Who read the protected details of one of the user's organisation's listings."""
    listing = get_object_or_404(Listing, pk=listing_id)
    if not is_owner(request.user, listing):
        raise Http404
    return render(
        request,
        "engagement/access_log.html",
        {"listing": listing, "entries": selectors.access_log(listing)[:500]},
    )


def _interest_context(
    request: HttpRequest,
    interest_request: InterestRequest,
    *,
    answer_form: AnswerForm | None = None,
    decline_form: DeclineForm | None = None,
) -> dict[str, Any]:
    can_reply = (
        is_owner(request.user, interest_request.listing)
        and interest_request.status == InterestStatus.OPEN
    )
    return {
        "item": interest_request,
        "conversation": conversation_for(interest_request),
        "listing": interest_request.listing,
        "answers": selectors.answered_questions(interest_request),
        "can_reply": can_reply,
        "answer_form": answer_form or AnswerForm(),
        "decline_form": decline_form or DeclineForm(),
    }


def _readable_interest(request: HttpRequest, request_id: int) -> InterestRequest:
    interest_request = get_object_or_404(
        InterestRequest.objects.select_related("listing", "sender"), pk=request_id
    )
    if not selectors.can_read_interest_request(request.user, interest_request):
        raise Http404
    return interest_request


@login_required
def interest_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """One interest request: for its sender, the owner organisation and the agents."""
    interest_request = _readable_interest(request, request_id)
    return render(
        request,
        "engagement/interest_detail.html",
        _interest_context(request, interest_request),
    )


@login_required
@require_POST
def answer_interest(request: HttpRequest, request_id: int) -> HttpResponse:
    """The owner organisation answers an interest request."""
    interest_request = _readable_interest(request, request_id)
    form = AnswerForm(request.POST)
    status = HTTPStatus.BAD_REQUEST
    if form.is_valid():
        ticket = throttle.take_message(request)
        if ticket is None:
            form.add_error(None, throttle.message_refused())
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            try:
                answer_interest_request(
                    interest_request.pk,
                    by_user_id=_user_id(request),
                    reply=form.cleaned_data["reply"],
                )
            except EngagementError as error:
                ticket.give_back()
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your answer has been sent."))
                return redirect(
                    "engage:interest_detail", request_id=interest_request.pk
                )
    return render(
        request,
        "engagement/interest_detail.html",
        _interest_context(request, interest_request, answer_form=form),
        status=status,
    )


@login_required
@require_POST
def decline_interest(request: HttpRequest, request_id: int) -> HttpResponse:
    """The owner organisation declines an interest request with a reason."""
    interest_request = _readable_interest(request, request_id)
    form = DeclineForm(request.POST)
    status = HTTPStatus.BAD_REQUEST
    if form.is_valid():
        ticket = throttle.take_message(request)
        if ticket is None:
            form.add_error(None, throttle.message_refused())
            status = HTTPStatus.TOO_MANY_REQUESTS
        else:
            try:
                decline_interest_request(
                    interest_request.pk,
                    by_user_id=_user_id(request),
                    reason_code=form.cleaned_data["reason_code"],
                    note=form.cleaned_data["note"],
                )
            except EngagementError as error:
                ticket.give_back()
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The request has been declined."))
                return redirect(
                    "engage:interest_detail", request_id=interest_request.pk
                )
    return render(
        request,
        "engagement/interest_detail.html",
        _interest_context(request, interest_request, decline_form=form),
        status=status,
    )
