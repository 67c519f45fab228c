"""Joining organisations: requests, decisions, roles and removal.

A user becomes a member of an organisation only when one of its administrators or a
moderator approves their request (or, for someone who registered a new organisation,
when a moderator verifies it). Every service checks who acts, locks the rows it
changes, and tells the people concerned through the notifier.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from accounts.models import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
    NotificationKind,
    User,
)
from accounts.notifications import notify, render_message
from accounts.permissions import can_manage_members, is_member_moderator
from accounts.roles import Role
from market.models import Organisation

logger = logging.getLogger(__name__)

MESSAGE_MAX_LENGTH = MembershipRequest._meta.get_field("message").max_length or 300
REASON_MAX_LENGTH = MembershipRequest._meta.get_field("reason").max_length or 300
# Asking many organisations at once is what a spammer does, not a new colleague.
MAX_PENDING_REQUESTS = 3

APPROVE_ACTION = "accounts.approve_membership"
DECLINE_ACTION = "accounts.decline_membership"
ROLE_ACTION = "accounts.change_membership_role"
REVOKE_ACTION = "accounts.revoke_membership"


class MembershipError(Exception):
    """A step the request's or membership's state refuses; ``message`` is shown."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


# --- asking ----------------------------------------------------------------------------


def request_membership(
    user_id: int, organisation_id: int, *, message: str = "", founder: bool = False
) -> MembershipRequest:
    """Ask to join ``organisation_id``; returns the pending request.

    Asking again while a request is pending returns that request. The organisation's
    administrators and the moderators hear about it once the user's email address is
    verified (``announce_membership_requests``), never before.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        organisation = Organisation.objects.get(pk=organisation_id)
        if not user.is_active:
            raise PermissionDenied("inactive users cannot ask to join")
        if Membership.objects.active().filter(
            user_id=user.pk, organisation_id=organisation.pk
        ):
            raise MembershipError(
                _("You are already a member of this organisation."),
                code="already_member",
            )
        existing = (
            MembershipRequest.objects.pending()
            .filter(user_id=user.pk, organisation_id=organisation.pk)
            .first()
        )
        if existing is not None:
            return existing
        if (
            MembershipRequest.objects.pending().filter(user_id=user.pk).count()
            >= MAX_PENDING_REQUESTS
        ):
            raise MembershipError(
                _(
                    "You have %(count)d requests waiting for a decision; withdraw one "
                    "before asking another organisation."
                )
                % {"count": MAX_PENDING_REQUESTS},
                code="too_many_pending",
            )
        request = MembershipRequest.objects.create(
            user=user,
            organisation=organisation,
            founder=founder,
            message=message.strip()[:MESSAGE_MAX_LENGTH],
        )
        if user.email_verified:
            _announce(request)
    logger.info(
        "user %s asked to join organisation %s (request %s)",
        user_id,
        organisation_id,
        request.pk,
    )
    return request


def announce_membership_requests(user_id: int) -> int:
    """Tell the deciders about ``user_id``'s pending requests; returns how many.

    Called when the user's email address becomes verified: requests of unverified
    addresses are neither announced nor decidable.
    """
    with transaction.atomic():
        requests = list(
            MembershipRequest.objects.decidable()
            .filter(user_id=user_id)
            .select_related("user", "organisation")
        )
        for request in requests:
            _announce(request)
    return len(requests)


def withdraw_membership_request(
    request_id: int, *, by_user_id: int
) -> MembershipRequest:
    """The requester takes back a pending request."""
    with transaction.atomic():
        request = MembershipRequest.objects.select_for_update().get(pk=request_id)
        if request.user_id != by_user_id:
            raise PermissionDenied("only the requester withdraws a request")
        _require_pending(request)
        request.status = MembershipRequestStatus.WITHDRAWN
        request.decided_at = timezone.now()
        request.decided_by_id = by_user_id
        request.save(update_fields=["status", "decided_at", "decided_by"])
    return request


# --- deciding --------------------------------------------------------------------------


def approve_membership_request(
    request_id: int, *, by_user_id: int, role: str = MembershipRole.MEMBER
) -> Membership:
    """Make the requester a member (or administrator) of the organisation.

    ``by_user_id`` must administer the organisation or be a moderator. A founder's
    request (they registered the organisation) is for moderators, makes them
    administrator, and needs the organisation verified first.
    """
    with transaction.atomic():
        request, actor = _locked_request(request_id, by_user_id)
        membership = _approve(request, actor, role=MembershipRole(role))
    return membership


def approve_founder_requests(
    organisation_id: int, *, verified_by_id: int | None
) -> int:
    """Make the founders of a just-verified organisation its administrators.

    Runs inside ``verify_organisation``'s transaction (the ``organisation_verified``
    signal): the verification is the moderator's decision. Founders who have not
    verified their email address yet stay pending. Returns how many were approved.
    """
    approved = 0
    with transaction.atomic():
        ids = list(
            MembershipRequest.objects.decidable()
            .filter(organisation_id=organisation_id, founder=True)
            .values_list("pk", flat=True)
        )
        verifier = (
            User.objects.filter(pk=verified_by_id).first()
            if verified_by_id is not None
            else None
        )
        for request_id in ids:
            request, _actor = _locked_request(request_id, None)
            if request.is_pending:
                _approve(request, verifier, role=MembershipRole.ADMIN)
                approved += 1
    return approved


def _approve(
    request: MembershipRequest, actor: User | None, *, role: MembershipRole
) -> Membership:
    _require_pending(request)
    requester = request.user
    if not requester.is_active or not requester.email_verified:
        raise MembershipError(
            _("The requester has not verified their email address yet."),
            code="unverified_requester",
        )
    if request.founder:
        if not request.organisation.is_verified:
            raise MembershipError(
                _(
                    "This person registered the organisation: verify the "
                    "organisation (its credit code) first; that approves them."
                ),
                code="organisation_unverified",
            )
        role = MembershipRole.ADMIN
    membership, _created = Membership.objects.select_for_update().get_or_create(
        user_id=requester.pk,
        organisation_id=request.organisation_id,
        defaults={"role": role},
    )
    if not membership.is_active or membership.role != role:
        membership.is_active = True
        membership.role = role
        membership.save(update_fields=["is_active", "role"])
    _decide(
        request,
        MembershipRequestStatus.APPROVED,
        actor.pk if actor is not None else None,
        reason="",
    )
    _log(request.organisation, APPROVE_ACTION, actor, requester, role=role)
    _send(
        [requester.pk],
        kind=NotificationKind.MEMBERSHIP_APPROVED,
        context={
            "organisation": request.organisation,
            "role_label": membership.get_role_display(),
            "founder": request.founder,
        },
        url=_path("accounts:organisation"),
    )
    logger.info(
        "membership request %s approved by user %s as %s",
        request.pk,
        actor.pk if actor is not None else None,
        role,
    )
    return membership


def decline_membership_request(
    request_id: int, *, by_user_id: int, reason: str = ""
) -> MembershipRequest:
    """Say no to a request; the requester reads ``reason`` and may ask again later."""
    with transaction.atomic():
        request, actor = _locked_request(request_id, by_user_id)
        _require_pending(request)
        _decide(
            request,
            MembershipRequestStatus.DECLINED,
            by_user_id,
            reason=reason.strip()[:REASON_MAX_LENGTH],
        )
        _log(request.organisation, DECLINE_ACTION, actor, request.user)
        _send(
            [request.user_id],
            kind=NotificationKind.MEMBERSHIP_DECLINED,
            context={"organisation": request.organisation, "reason": request.reason},
            url=_path("accounts:organisation"),
        )
    logger.info("membership request %s declined by user %s", request_id, by_user_id)
    return request


# --- members ---------------------------------------------------------------------------


def set_membership_role(
    membership_id: int, *, role: str, by_user_id: int
) -> Membership:
    """Make an active member administrator, or an administrator a plain member."""
    role = MembershipRole(role)
    with transaction.atomic():
        membership, actor = _locked_membership(membership_id, by_user_id)
        if membership.role == role:
            return membership
        if role != MembershipRole.ADMIN:
            _keep_an_admin(membership, actor)
        membership.role = role
        membership.save(update_fields=["role"])
        _log(membership.organisation, ROLE_ACTION, actor, membership.user, role=role)
        _send(
            [membership.user_id],
            kind=NotificationKind.MEMBERSHIP_CHANGED,
            context={
                "organisation": membership.organisation,
                "role_label": membership.get_role_display(),
                "revoked": False,
            },
            url=_path("accounts:organisation"),
            exclude=by_user_id,
        )
    return membership


def revoke_membership(
    membership_id: int, *, by_user_id: int, reason: str = ""
) -> Membership:
    """End a membership: the user no longer acts for the organisation.

    Its administrators and moderators remove members; members may leave. The last
    administrator can leave or be removed only by a moderator.
    """
    with transaction.atomic():
        membership, actor = _locked_membership(
            membership_id, by_user_id, allow_self=True
        )
        _keep_an_admin(membership, actor)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        _log(
            membership.organisation,
            REVOKE_ACTION,
            actor,
            membership.user,
            reason=reason.strip()[:REASON_MAX_LENGTH],
        )
        _send(
            [membership.user_id],
            kind=NotificationKind.MEMBERSHIP_CHANGED,
            context={
                "organisation": membership.organisation,
                "revoked": True,
                "reason": reason.strip()[:REASON_MAX_LENGTH],
            },
            url=_path("accounts:organisation"),
            exclude=by_user_id,
        )
    logger.info("membership %s ended by user %s", membership_id, by_user_id)
    return membership


# --- helpers ---------------------------------------------------------------------------


def _actor(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise PermissionDenied("unknown or inactive user")
    return user


def _lock_organisation(organisation_id: int) -> None:
    """Serialise every change to one organisation's members behind its row lock.

    Two administrators demoting each other at once would otherwise each see the other
    still an administrator and leave none.
    """
    Organisation.objects.select_for_update().filter(pk=organisation_id).exists()


def _locked_request(
    request_id: int, by_user_id: int | None
) -> tuple[MembershipRequest, User | None]:
    organisation_id = (
        MembershipRequest.objects.filter(pk=request_id)
        .values_list("organisation_id", flat=True)
        .get()
    )
    _lock_organisation(organisation_id)
    request = (
        MembershipRequest.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=request_id)
    )
    actor = _actor(by_user_id)
    if actor is not None and not can_manage_members(actor, request.organisation_id):
        raise PermissionDenied("only the organisation's administrators decide")
    if actor is not None and request.founder and not is_member_moderator(actor):
        raise PermissionDenied("moderators decide about registered organisations")
    return request, actor


def _locked_membership(
    membership_id: int, by_user_id: int, *, allow_self: bool = False
) -> tuple[Membership, User]:
    organisation_id = (
        Membership.objects.filter(pk=membership_id)
        .values_list("organisation_id", flat=True)
        .get()
    )
    _lock_organisation(organisation_id)
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=membership_id)
    )
    actor = _actor(by_user_id)
    if actor is None:
        raise PermissionDenied("a person changes memberships")
    leaving = allow_self and membership.user_id == actor.pk
    if not leaving and not can_manage_members(actor, membership.organisation_id):
        raise PermissionDenied("only the organisation's administrators manage members")
    if not membership.is_active:
        raise MembershipError(
            _("This membership has already ended."), code="not_active"
        )
    return membership, actor


def _require_pending(request: MembershipRequest) -> None:
    if not request.is_pending:
        raise MembershipError(
            _("This request has already been decided."), code="already_decided"
        )


def _keep_an_admin(membership: Membership, actor: User) -> None:
    """Refuse to leave an organisation without an administrator, except to moderators."""
    if membership.role != MembershipRole.ADMIN or is_member_moderator(actor):
        return
    others = (
        Membership.objects.admins()
        .filter(organisation_id=membership.organisation_id, user__is_active=True)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise MembershipError(
            _(
                "An organisation needs at least one administrator: make another "
                "member administrator first."
            ),
            code="last_admin",
        )


def _decide(
    request: MembershipRequest, status: str, by_user_id: int | None, *, reason: str
) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by_id = by_user_id
    request.reason = reason
    request.save(update_fields=["status", "decided_at", "decided_by", "reason"])


def _log(
    organisation: Organisation,
    action: str,
    actor: User | None,
    member: User,
    **data: str,
) -> None:
    """The organisation's admin history records who changed its members."""
    log(organisation, action, user=actor, data={"member": member.email, **data})


def _path(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


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


def _announce(request: MembershipRequest) -> None:
    """The organisation's administrators and the moderators hear about a request."""
    admins = set(
        Membership.objects.admins()
        .filter(organisation_id=request.organisation_id, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    moderators = set(
        User.objects.filter(groups__name=Role.MODERATOR, is_active=True).values_list(
            "pk", flat=True
        )
    )
    context = {
        "request": request,
        "organisation": request.organisation,
        "requester_name": request.user.display_name or request.user.email,
        "requester_email": request.user.email,
    }
    exclude = request.user_id
    _send(
        admins,
        kind=NotificationKind.MEMBERSHIP_REQUESTED,
        context=context,
        url=_path("accounts:organisation"),
        exclude=exclude,
    )
    _send(
        moderators - admins,
        kind=NotificationKind.MEMBERSHIP_REQUESTED,
        context=context,
        url=_path("membership_requests:index"),
        exclude=exclude,
    )
