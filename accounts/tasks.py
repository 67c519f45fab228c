"""Celery tasks of the accounts app: thin wrappers over accounts services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from accounts import emails, notifications


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_verification_email(user_id: int) -> None:
    """Send the verification link to ``user_id`` unless gone or verified already."""
    emails.send_verification_email(user_id)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> None:
    """Email notification ``notification_id`` unless it is gone or was sent already."""
    notifications.send_notification_email(notification_id)


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_signup_attempt_email(user_id: int) -> None:
    """Tell ``user_id`` that someone tried to sign up with their address."""
    emails.send_signup_attempt_email(user_id)


@shared_task(expires=9 * 60)
def send_pending_notification_emails() -> int:
    """Email notifications whose queued email was lost (periodic; safe to overlap)."""
    return notifications.send_pending_emails()
