"""Accounts: the user model, roles (groups with permissions) and organisation membership."""
