"""Reads for the accounts pages: the profile and the user behind a log-in name."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import Membership, User
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


def profile_for(user: User) -> Profile:
    """The profile of ``user``: roles and active memberships in two queries."""
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
