"""The notifier: the one entry point that tells users something, through adapters.

``notify()`` stores one in-site Notification per recipient, then hands the rows to every
delivery adapter (today: email, enqueued after the transaction commits). Callers give
the text already rendered; ``render_message`` renders it from the templates in
``accounts/email/<kind>_subject.txt`` and ``<kind>_body.txt``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.emails import absolute_url, clean_subject
from accounts.models import Notification, User

logger = logging.getLogger(__name__)


def in_site(notifications: Sequence[Notification]) -> None:
    """The in-site adapter: the rows ``notify`` stored are the notifications themselves."""


def email(notifications: Sequence[Notification]) -> None:
    """The email adapter: one task per notification, enqueued once the rows are committed."""
    from accounts.tasks import send_notification_email

    for notification in notifications:
        send_notification_email.delay_on_commit(notification.pk)


ADAPTERS: list[Callable[[Sequence[Notification]], None]] = [in_site, email]


@transaction.atomic
def notify(
    user_ids: Iterable[int], *, kind: str, subject: str, body: str, url: str = ""
) -> list[Notification]:
    """Tell each active user in ``user_ids`` about something; returns the stored rows."""
    recipients = list(
        User.objects.filter(pk__in=set(user_ids), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not recipients:
        return []
    subject = clean_subject(subject)
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id, kind=kind, subject=subject, body=body, url=url
        )
        for user_id in recipients
    )
    for adapter in ADAPTERS:
        adapter(notifications)
    return notifications


def render_message(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    """The subject and body of a ``kind`` notification, in the site's language."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"accounts/email/{kind}_subject.txt", context)
        body = render_to_string(f"accounts/email/{kind}_body.txt", context)
    return clean_subject(subject), body.strip()


def email_text(notification: Notification) -> str:
    """The email body: the notification, its link and where to find all of them."""
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        lines = [notification.body]
        if notification.url:
            link = notification.url
            if link.startswith("/"):
                link = absolute_url(link)
            lines += ["", _("Open it on TechMatch:"), link]
        lines += [
            "",
            "--",
            _("TechMatch"),
            _("All your notifications: %(url)s")
            % {"url": absolute_url(reverse("accounts:notifications"))},
        ]
    return "\n".join(lines) + "\n"


# Kinds a user may keep out of their mailbox (User.email_conversation_messages).
OPTIONAL_EMAIL_KINDS = {"conversation_message"}


def wants_email(recipient: User, kind: str) -> bool:
    """Whether the recipient's preferences let a ``kind`` notification be emailed."""
    if kind in OPTIONAL_EMAIL_KINDS:
        return bool(recipient.email_conversation_messages)
    return True


def send_notification_email(notification_id: int) -> bool:
    """Email one notification unless it is gone, already sent or has no address."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            return False
        if not wants_email(recipient, notification.kind):
            return False
        # Sending under the row lock keeps a second worker from sending it twice.
        send_mail(
            clean_subject(notification.subject),
            email_text(notification),
            None,
            [recipient.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    logger.info("notification %s emailed to user %s", notification.pk, recipient.pk)
    return True


# Notifications whose email has not gone out after this long are sent by the sweep:
# the task queued on commit was lost (the broker was down) or gave up retrying.
EMAIL_SWEEP_AFTER = dt.timedelta(minutes=5)
# Older ones are left alone: a message days late is worse than none.
EMAIL_SWEEP_WITHIN = dt.timedelta(days=2)
EMAIL_SWEEP_BATCH = 500


def send_pending_emails(*, now: dt.datetime | None = None) -> int:
    """Email the recent notifications whose email never went out; how many were sent."""
    now = now or timezone.now()
    pending = (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lte=now - EMAIL_SWEEP_AFTER,
            created_at__gte=now - EMAIL_SWEEP_WITHIN,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .exclude(
            kind__in=OPTIONAL_EMAIL_KINDS,
            recipient__email_conversation_messages=False,
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:EMAIL_SWEEP_BATCH]
    )
    return sum(send_notification_email(pk) for pk in list(pending))


def mark_read(user_id: int, notification_ids: Iterable[int]) -> int:
    """Mark the user's notifications in ``notification_ids`` read; returns how many."""
    return (
        Notification.objects.for_user(user_id)
        .unread()
        .filter(pk__in=list(notification_ids))
        .update(read_at=timezone.now())
    )


def unread_count(user_id: int) -> int:
    """How many notifications the user has not seen yet."""
    return Notification.objects.for_user(user_id).unread().count()
