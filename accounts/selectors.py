"""Reads for the accounts pages: the profile and the user behind a log-in name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from accounts.models import (
    Membership,
    MembershipRequest,
    MembershipRole,
    User,
)
from accounts.permissions import admin_organisation_ids
from accounts.roles import Role


@dataclass(frozen=True)
class RoleItem:
    """A platform role with its translated label."""

    value: str
    label: str


@dataclass(frozen=True)
class OrganisationItem:
    """One organisation the user acts for, as the profile page shows it."""

    name: str
    kind_label: str
    is_verified: bool
    membership_role_label: str
    title: str


@dataclass(frozen=True)
class Profile:
    """Everything the profile page shows about one user."""

    display_name: str
    email: str
    email_verified: bool
    phone: str
    roles: list[RoleItem]
    organisations: list[OrganisationItem]
    pending_organisations: list[str]


def profile_for(user: User) -> Profile:
    """The profile of ``user``: roles, active memberships and pending requests."""
    group_names = set(user.groups.values_list("name", flat=True))
    roles = [
        RoleItem(role.value, str(role.label)) for role in Role if role in group_names
    ]
    memberships = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    organisations = [
        OrganisationItem(
            name=m.organisation.name,
            kind_label=str(m.organisation.get_kind_display()),
            is_verified=m.organisation.is_verified,
            membership_role_label=str(m.get_role_display()),
            title=m.title,
        )
        for m in memberships
    ]
    return Profile(
        display_name=user.display_name,
        email=user.email,
        email_verified=user.email_verified,
        phone=user.phone,
        roles=roles,
        organisations=organisations,
        pending_organisations=list(
            MembershipRequest.objects.pending()
            .filter(user=user)
            .order_by("organisation__name")
            .values_list("organisation__name", flat=True)
        ),
    )


def user_for_login(identifier: str) -> User | None:
    """The user whose email or username is ``identifier`` (case-insensitive).

    An email match wins over a username match, so one person's username can never
    shadow another person's address.
    """
    identifier = identifier.strip()
    if not identifier:
        return None
    candidates = list(
        User.objects.filter(
            Q(email__iexact=identifier) | Q(username__iexact=identifier)
        ).order_by("pk")[:3]
    )
    by_email = [u for u in candidates if u.email.lower() == identifier.lower()]
    if by_email:
        return by_email[0]
    return candidates[0] if len(candidates) == 1 else None


def email_is_registered(email: str) -> bool:
    """Whether any account already uses ``email`` as its address or username."""
    email = email.strip()
    return User.objects.filter(
        Q(email__iexact=email) | Q(username__iexact=email)
    ).exists()


# --- the "my organisation" page ----------------------------------------------------

RECENT_REQUESTS = 20


@dataclass(frozen=True)
class MyMembership:
    """One organisation the user acts for, with the membership id to leave it."""

    membership_id: int
    organisation_name: str
    is_verified: bool
    role_label: str
    is_admin: bool


@dataclass(frozen=True)
class MyRequest:
    """One of the user's own requests to join, as its status shows to them."""

    request_id: int
    organisation_name: str
    founder: bool
    status: str
    status_label: str
    created_at: datetime
    decided_at: datetime | None
    reason: str
    is_pending: bool


@dataclass(frozen=True)
class PendingRequest:
    """A request an organisation administrator can decide."""

    request_id: int
    requester_name: str
    requester_email: str
    message: str
    created_at: datetime


@dataclass(frozen=True)
class Member:
    """A member as the organisation's administrators see them."""

    membership_id: int
    name: str
    email: str
    role: str
    role_label: str
    title: str
    is_self: bool


@dataclass
class ManagedOrganisation:
    """An organisation the user administers: who asks to join, who is in."""

    organisation_id: int
    name: str
    is_verified: bool
    pending: list[PendingRequest] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)


@dataclass(frozen=True)
class OrganisationPage:
    """Everything the "my organisation" page shows to one user."""

    memberships: list[MyMembership]
    requests: list[MyRequest]
    managed: list[ManagedOrganisation]


def organisation_page_for(user: User) -> OrganisationPage:
    """The user's memberships, their requests, and the organisations they run."""
    memberships = [
        MyMembership(
            membership_id=m.pk,
            organisation_name=m.organisation.name,
            is_verified=m.organisation.is_verified,
            role_label=str(m.get_role_display()),
            is_admin=m.role == MembershipRole.ADMIN,
        )
        for m in Membership.objects.active()
        .filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    requests = [
        MyRequest(
            request_id=r.pk,
            organisation_name=r.organisation.name,
            founder=r.founder,
            status=r.status,
            status_label=str(r.get_status_display()),
            created_at=r.created_at,
            decided_at=r.decided_at,
            reason=r.reason,
            is_pending=r.is_pending,
        )
        for r in MembershipRequest.objects.filter(user=user).select_related(
            "organisation"
        )[:RECENT_REQUESTS]
    ]
    return OrganisationPage(
        memberships=memberships, requests=requests, managed=_managed(user)
    )


def _managed(user: User) -> list[ManagedOrganisation]:
    org_ids = admin_organisation_ids(user)
    if not org_ids:
        return []
    managed: dict[int, ManagedOrganisation] = {}
    members = (
        Membership.objects.active()
        .filter(organisation_id__in=org_ids)
        .select_related("organisation", "user")
        .order_by("organisation__name", "role", "user__display_name", "pk")
    )
    for m in members:
        org = managed.setdefault(
            m.organisation_id,
            ManagedOrganisation(
                m.organisation_id, m.organisation.name, m.organisation.is_verified
            ),
        )
        org.members.append(
            Member(
                membership_id=m.pk,
                name=m.user.display_name or m.user.email,
                email=m.user.email,
                role=m.role,
                role_label=str(m.get_role_display()),
                title=m.title,
                is_self=m.user_id == user.pk,
            )
        )
    # Founders' requests are the moderators' to decide (with the verification).
    pending = (
        MembershipRequest.objects.decidable()
        .filter(organisation_id__in=org_ids, founder=False)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    for r in pending:
        if r.organisation_id in managed:
            managed[r.organisation_id].pending.append(
                PendingRequest(
                    request_id=r.pk,
                    requester_name=r.user.display_name or r.user.email,
                    requester_email=r.user.email,
                    message=r.message,
                    created_at=r.created_at,
                )
            )
    return list(managed.values())


def active_organisation_ids(user_id: int) -> list[int]:
    """Ids of the organisations a user actively belongs to (the market's question)."""
    return list(
        Membership.objects.filter(user_id=user_id, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
