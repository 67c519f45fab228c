"""Authentication by email address or username (case-insensitive), rate-limited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.selectors import user_for_login
from config import throttle

# Set on the request when a log-in was refused by the rate limit, so the form can say
# so (Django's authenticate() turns the refusal into a plain "no such user").
THROTTLED_ATTRIBUTE = "login_throttled"


def login_key(username: str, user: Any) -> str:
    """One counter per account, whichever name (email, username, any case) is typed."""
    if user is not None:
        return f"user:{user.pk}"
    return "name:" + " ".join(username.split()).lower()


class EmailOrUsernameBackend(ModelBackend):
    """ModelBackend that accepts the email or the username and wants a verified email.

    Superusers (made by ``createsuperuser``, never verified by link) are let in so
    that the Wagtail admin stays reachable. Failed attempts are counted per account
    and per client address (``config.throttle``); once either is spent, every attempt
    is refused — the right password too — until the window has passed.
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
        account = login_key(username, user)
        # Counted before the password is checked, so parallel guesses cannot all pass.
        ticket = throttle.take(
            [
                (throttle.LOGIN_ACCOUNT, account),
                (throttle.LOGIN_IP, throttle.client_ip(request)),
            ]
        )
        if ticket is None:
            if request is not None:
                setattr(request, THROTTLED_ATTRIBUTE, True)
            # Stops authenticate() here: no other backend is asked either.
            raise PermissionDenied("too many failed log-in attempts")
        if user is None:
            # Hash anyway so that unknown and known names take the same time.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            # A success is no failed attempt, and ends the account's run of failures.
            ticket.give_back()
            throttle.clear(throttle.LOGIN_ACCOUNT, account)
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
