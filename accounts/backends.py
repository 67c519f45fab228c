"""Authentication by email address or username (case-insensitive)."""

from django.contrib.auth.backends import ModelBackend


class EmailOrUsernameBackend(ModelBackend):
    """ModelBackend whose lookup accepts either the email or the username.

    The manager's get_by_natural_key does the matching; this class exists so the
    setting names our intent and a later issue can add rate limiting here.
    """
