"""Accounts models."""

from accounts.models.membership import Membership, MembershipRole
from accounts.models.notification import Notification, NotificationKind
from accounts.models.user import User

__all__ = ["Membership", "MembershipRole", "Notification", "NotificationKind", "User"]
