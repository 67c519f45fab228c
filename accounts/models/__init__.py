"""Accounts models."""

from accounts.models.membership import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
)
from accounts.models.notification import Notification, NotificationKind
from accounts.models.user import User

__all__ = [
    "Membership",
    "MembershipRequest",
    "MembershipRequestStatus",
    "MembershipRole",
    "Notification",
    "NotificationKind",
    "User",
]
