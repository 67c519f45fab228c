"""Who may decide membership requests and manage an organisation's members.

An organisation's own administrators manage its members; moderators (the
``accounts.manage_members`` permission) manage every organisation's. Signing up, a
pending request or an unverified organisation grants nothing.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Membership

MANAGE_MEMBERS = "accounts.manage_members"


def is_member_moderator(user: Any) -> bool:
    """Moderators and administrators manage the members of every organisation."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        MANAGE_MEMBERS
    )


def admin_organisation_ids(user: Any) -> set[int]:
    """Organisations the user administers (an active admin membership)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return set(
        Membership.objects.admins()
        .filter(user_id=user.pk)
        .values_list("organisation_id", flat=True)
    )


def can_manage_members(user: Any, organisation_id: int) -> bool:
    """Decide requests to join, change roles, remove members of ``organisation_id``."""
    return is_member_moderator(user) or organisation_id in admin_organisation_ids(user)
