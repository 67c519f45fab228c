"""Rendering and sending the account emails (plain text, in the site's language)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tokens import make_verification_token

logger = logging.getLogger(__name__)


# The scheme and host a request came to, while it is being answered; links in the
# emails it causes follow it when EMAIL_LINKS_FOLLOW_REQUEST is on (`make run`).
_request_origin: ContextVar[str] = ContextVar("request_origin", default="")

SUBJECT_MAX_LENGTH = 200


def site_url() -> str:
    """The site's address for links in emails, without the trailing slash.

    settings.BASE_URL; in the embedded default (EMAIL_LINKS_FOLLOW_REQUEST) the
    address of the request being answered, so that a server started on another host
    or port (``make run PORT=8001``, http://localhost:8000) sends links that work.
    """
    return (_request_origin.get() or settings.BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` on the public site (see ``site_url``)."""
    return site_url() + path


class RequestOriginMiddleware:
    """Remember the request's origin for ``site_url`` while it is answered.

    Only with EMAIL_LINKS_FOLLOW_REQUEST (embedded settings): production links always
    use BASE_URL, never a Host header. The host is validated by ALLOWED_HOSTS first.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "EMAIL_LINKS_FOLLOW_REQUEST", False):
            return self.get_response(request)
        try:
            origin = f"{request.scheme}://{request.get_host()}"
        except DisallowedHost:
            return self.get_response(request)
        token = _request_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            _request_origin.reset(token)


def clean_subject(text: str) -> str:
    """One printable line: line breaks, tabs and control characters become spaces.

    A subject carries user data (listing titles); a line break in it would start a new
    header (Django refuses those with BadHeaderError, and the mail would be lost).
    """
    printable = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(printable.split())[:SUBJECT_MAX_LENGTH]


def verification_url(user: User) -> str:
    """The absolute link that verifies ``user``'s current email address."""
    token = make_verification_token(user_id=user.pk, email=user.email)
    return absolute_url(reverse("accounts:verify", kwargs={"token": token}))


def render_verification_email(user: User) -> tuple[str, str]:
    """The subject and body of the verification email for ``user``."""
    context = {
        "user": user,
        "verify_url": verification_url(user),
        "resend_url": absolute_url(reverse("accounts:resend_verification")),
        "valid_days": max(1, settings.ACCOUNT_VERIFICATION_MAX_AGE // 86400),
        "site_url": absolute_url("/"),
    }
    subject = render_to_string("accounts/email/verification_subject.txt", context)
    body = render_to_string("accounts/email/verification_body.txt", context)
    return clean_subject(subject), body


def send_verification_email(user_id: int) -> bool:
    """Email ``user_id`` a verification link; False when there is nothing to do."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.email_verified or not user.is_active or not user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = render_verification_email(user)
    send_mail(subject, body, None, [user.email])
    logger.info("verification email sent to user %s", user.pk)
    return True


def render_signup_attempt_email(user: User) -> tuple[str, str]:
    """Subject and body of "someone tried to sign up with your address"."""
    context = {
        "user": user,
        "login_url": absolute_url(reverse("accounts:login")),
        "reset_url": absolute_url(reverse("accounts:password_reset")),
        "site_url": absolute_url("/"),
    }
    subject = render_to_string("accounts/email/signup_attempt_subject.txt", context)
    body = render_to_string("accounts/email/signup_attempt_body.txt", context)
    return " ".join(subject.split()), body


def send_signup_attempt_email(user_id: int) -> bool:
    """Email ``user_id`` that their address was used to sign up again; no account was made."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.is_active or not user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = render_signup_attempt_email(user)
    send_mail(subject, body, None, [user.email])
    logger.info("sign-up attempt email sent to user %s", user.pk)
    return True
