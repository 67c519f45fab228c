"""Accounts models."""

from accounts.models.agent import AgentProfile
from accounts.models.membership import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
)
from accounts.models.notification import Notification, NotificationKind
from accounts.models.user import User

__all__ = [
    "AgentProfile",
    "Membership",
    "MembershipRequest",
    "MembershipRequestStatus",
    "MembershipRole",
    "Notification",
    "NotificationKind",
    "User",
]
