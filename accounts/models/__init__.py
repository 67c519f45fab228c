"""Accounts models."""

from accounts.models.membership import Membership, MembershipRole
from accounts.models.user import User

__all__ = ["Membership", "MembershipRole", "User"]
