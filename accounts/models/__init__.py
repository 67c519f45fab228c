"""Accounts models."""

from accounts.models.agent import AgentProfile
from accounts.models.membership import (
    Membership,
    MembershipRequest,
    MembershipRequestStatus,
    MembershipRole,
)
from accounts.models.notification import (
    EmailChannel,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from accounts.models.reminder import (
    ChallengeReminder,
    ChallengeReminderKind,
    MilestoneReminder,
    MilestoneReminderKind,
)
from accounts.models.user import User

__all__ = [
    "AgentProfile",
    "ChallengeReminder",
    "ChallengeReminderKind",
    "EmailChannel",
    "Membership",
    "MembershipRequest",
    "MembershipRequestStatus",
    "MembershipRole",
    "MilestoneReminder",
    "MilestoneReminderKind",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "User",
]
