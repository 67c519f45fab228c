"""Rendering and sending the account emails (plain text, in the site's language)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from accounts.tokens import make_verification_token

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """``path`` on the public site named by settings.BASE_URL."""
    return settings.BASE_URL.rstrip("/") + path


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
    # A header must be one line, whatever the template's trailing newline.
    return " ".join(subject.split()), body


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
