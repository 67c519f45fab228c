"""Celery tasks of the accounts app: thin wrappers over accounts services."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from accounts import emails, notifications
from accounts.services import challenge_reminders, deal_reminders


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


@shared_task(expires=55 * 60)
def send_application_deadline_reminders() -> int:
    """Remind the teams of draft applications that the deadline is 3 days, then 1 day
    away (periodic; each user once per reminder)."""
    return challenge_reminders.send_application_deadline_reminders()


@shared_task(expires=6 * 3600)
def send_scoring_reminders() -> int:
    """Remind seated experts of applications still waiting for their scores
    (periodic; each expert once per panel)."""
    return challenge_reminders.send_scoring_reminders()


@shared_task(expires=6 * 3600)
def send_milestone_reminders() -> int:
    """Remind the winning team and the issuer of milestones due within 7 days and
    within 1 day (daily; each user once per milestone and reminder)."""
    return challenge_reminders.send_milestone_reminders()


@shared_task(
    expires=6 * 3600,
    autoretry_for=(SMTPException, ConnectionError, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def send_notification_digests() -> int:
    """Email each digest user one digest of what waited for them (daily; a user's
    items are marked sent with their email, so a rerun sends nothing twice)."""
    return notifications.send_digests()


@shared_task(expires=4 * 60)
def send_deal_follow_up_reminders() -> int:
    """Remind agents of their deal follow-ups that fell due (periodic; each once)."""
    return deal_reminders.send_deal_follow_up_reminders()
