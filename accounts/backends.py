"""Authentication by email address or username (case-insensitive)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from accounts.selectors import user_for_login


class EmailOrUsernameBackend(ModelBackend):
    """ModelBackend that accepts the email or the username and wants a verified email.

    Superusers (made by ``createsuperuser``, never verified by link) are let in so
    that the Wagtail admin stays reachable. A later issue can add rate limiting here.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # Hash anyway so that unknown and known names take the same time.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user: Any) -> bool:
        """Active, and either the email is verified or the user is a superuser."""
        if not super().user_can_authenticate(user):
            return False
        return bool(
            getattr(user, "email_verified", False)
            or getattr(user, "is_superuser", False)
        )
