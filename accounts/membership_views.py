"""The "my organisation" page: ask to join, follow requests, run an organisation's members.

Every view parses the form and calls a service; the services check who may act (an
organisation's administrators, a moderator, the requester) and answer 403 otherwise.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import JoinOrganisationForm, MemberRoleForm, MembershipDecisionForm
from accounts.models import Membership, MembershipRequest, MembershipRole, User
from accounts.selectors import organisation_page_for
from accounts.services.membership import (
    MembershipError,
    approve_membership_request,
    decline_membership_request,
    request_membership,
    revoke_membership,
    set_membership_role,
    withdraw_membership_request,
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required: never anonymous here


def _back() -> HttpResponse:
    return redirect("accounts:organisation")


@login_required
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest) -> HttpResponse:
    """The user's organisations and requests; a form to ask to join another one."""
    user = _user(request)
    form = JoinOrganisationForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            request_membership(
                user.pk, organisation.pk, message=form.cleaned_data["message"]
            )
        except MembershipError as error:
            form.add_error("organisation", str(error.message))
        else:
            messages.success(
                request,
                _(
                    "Your request to join %(name)s is sent. Its administrators or a "
                    "moderator decide; we tell you the answer."
                )
                % {"name": organisation.name},
            )
            return _back()
    return render(
        request,
        "accounts/organisation.html",
        {
            "page": organisation_page_for(user),
            "join_form": form,
            "role_choices": MembershipRole.choices,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def withdraw_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """The requester takes back a pending request."""
    get_object_or_404(MembershipRequest, pk=request_id)
    try:
        withdraw_membership_request(request_id, by_user_id=_user(request).pk)
    except MembershipError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return _back()


@login_required
@require_POST
def decide_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """An organisation administrator approves or declines a request to join."""
    membership_request = get_object_or_404(
        MembershipRequest.objects.select_related("user"), pk=request_id
    )
    form = MembershipDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to decline the request."))
        return _back()
    data = form.cleaned_data
    name = membership_request.user.display_name or membership_request.user.email
    try:
        if data["decision"] == "approve":
            approve_membership_request(
                request_id,
                by_user_id=_user(request).pk,
                role=data["role"] or MembershipRole.MEMBER,
            )
            done = _("%(name)s is now a member.") % {"name": name}
        else:
            decline_membership_request(
                request_id, by_user_id=_user(request).pk, reason=data["reason"]
            )
            done = _("The request of %(name)s is declined.") % {"name": name}
    except MembershipError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return _back()


@login_required
@require_POST
def change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Make a member administrator, or an administrator a plain member."""
    get_object_or_404(Membership, pk=membership_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return _back()
    try:
        membership = set_membership_role(
            membership_id, role=form.cleaned_data["role"], by_user_id=_user(request).pk
        )
    except MembershipError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(name)s is now: %(role)s.")
            % {
                "name": membership.user.display_name or membership.user.email,
                "role": membership.get_role_display(),
            },
        )
    return _back()


@login_required
@require_POST
def remove_member(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Remove a member (administrators) or leave the organisation (the member)."""
    get_object_or_404(Membership, pk=membership_id)
    try:
        membership = revoke_membership(
            membership_id,
            by_user_id=_user(request).pk,
            reason=request.POST.get("reason", ""),
        )
    except MembershipError as error:
        messages.error(request, str(error.message))
    else:
        if membership.user_id == _user(request).pk:
            done = _("You have left %(organisation)s.")
        else:
            done = _("%(name)s no longer acts for %(organisation)s.")
        messages.success(
            request,
            done
            % {
                "name": membership.user.display_name or membership.user.email,
                "organisation": membership.organisation.name,
            },
        )
    return _back()
