"""The notifier: the one entry point that tells users something, through adapters.

``notify()`` is the one choke point that decides delivery: for each recipient it reads
the kind's channels (``channels_for``: the user's ``NotificationPreference`` row, else
the kind's default in ``accounts.notification_kinds``), stores one Notification (shown
in the site, or kept only to be emailed), then hands the rows to every delivery
adapter (email at once, enqueued after the transaction commits; the daily digest
collects the rest: ``send_digests``). Callers give the text already rendered;
``render_message`` renders it from the templates in ``accounts/email/<kind>_subject.txt``
and ``<kind>_body.txt``.
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
from django.utils.translation import ngettext

from accounts.emails import absolute_url, clean_subject
from accounts.models import EmailChannel, Notification, NotificationPreference, User
from accounts.notification_kinds import get_kind

logger = logging.getLogger(__name__)


def in_site(notifications: Sequence[Notification]) -> None:
    """The in-site adapter: the rows ``notify`` stored are the notifications themselves."""


def email(notifications: Sequence[Notification]) -> None:
    """The email adapter: one task per notification to be emailed at once, enqueued
    once the rows are committed (digest rows wait for ``send_digests``)."""
    from accounts.tasks import send_notification_email

    for notification in notifications:
        if notification.email_channel == EmailChannel.NOW:
            send_notification_email.delay_on_commit(notification.pk)


ADAPTERS: list[Callable[[Sequence[Notification]], None]] = [in_site, email]


# Kinds whose email a user could switch off before preferences existed
# (User.email_conversation_messages): without a preference row, that flag decides.
OPTIONAL_EMAIL_KINDS = {"conversation_message"}


def channels_for(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, str]]:
    """(in the site?, email channel) of a ``kind`` notification for each active user.

    Two queries whatever the number of users: the users, their preference rows.
    """
    spec = get_kind(kind)
    users = dict(
        User.objects.filter(pk__in=set(user_ids), is_active=True).values_list(
            "pk", "email_conversation_messages"
        )
    )
    if not users:
        return {}
    chosen: dict[int, tuple[bool, str]] = {}
    if not spec.fixed:
        chosen = {
            user_id: (in_site, channel)
            for user_id, in_site, channel in NotificationPreference.objects.filter(
                user_id__in=list(users), kind=kind
            ).values_list("user_id", "in_site", "email_channel")
        }
    result: dict[int, tuple[bool, str]] = {}
    for user_id, conversation_mail in users.items():
        default = (spec.in_site, spec.email)
        if kind in OPTIONAL_EMAIL_KINDS and not conversation_mail:
            default = (spec.in_site, EmailChannel.NONE.value)
        result[user_id] = chosen.get(user_id, default)
    return result


@transaction.atomic
def notify(
    user_ids: Iterable[int], *, kind: str, subject: str, body: str, url: str = ""
) -> list[Notification]:
    """Tell each active user in ``user_ids`` about something, through the channels
    their preferences choose for ``kind``; returns the stored rows."""
    channels = channels_for(user_ids, kind)
    # Neither in the site nor by email: nothing to store.
    recipients = sorted(
        user_id
        for user_id, (in_site, channel) in channels.items()
        if in_site or channel != EmailChannel.NONE
    )
    if not recipients:
        return []
    subject = clean_subject(subject)
    notifications = Notification.objects.bulk_create(
        Notification(
            recipient_id=user_id,
            kind=kind,
            subject=subject,
            body=body,
            url=url,
            in_site=channels[user_id][0],
            email_channel=channels[user_id][1],
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


def email_channel_now(recipient: User, kind: str) -> str:
    """How the recipient wants a ``kind`` notification emailed now (the choice may
    have changed since it was raised)."""
    return channels_for([recipient.pk], kind).get(
        recipient.pk, (False, EmailChannel.NONE.value)
    )[1]


def send_notification_email(notification_id: int) -> bool:
    """Email one notification unless it is gone, already sent or has no address."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if (
            notification is None
            or notification.emailed_at is not None
            or notification.email_channel != EmailChannel.NOW
        ):
            return False
        recipient = notification.recipient
        if not recipient.is_active or not recipient.email:
            return False
        channel = email_channel_now(recipient, notification.kind)
        if channel != EmailChannel.NOW:
            # Changed since: it goes in the next digest, or nowhere.
            notification.email_channel = channel
            notification.save(update_fields=["email_channel"])
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
            email_channel=EmailChannel.NOW,
            created_at__lte=now - EMAIL_SWEEP_AFTER,
            created_at__gte=now - EMAIL_SWEEP_WITHIN,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .order_by("pk")
        .values_list("pk", flat=True)[:EMAIL_SWEEP_BATCH]
    )
    return sum(send_notification_email(pk) for pk in list(pending))


# A digest lists what waited at most this long; older items are dropped from it
# (marked sent) rather than mailed weeks late after an outage.
DIGEST_WITHIN = dt.timedelta(days=7)
DIGEST_MAX_ITEMS = 50


def digest_text(notifications: Sequence[Notification]) -> str:
    """The digest's body: one paragraph per notification with its link."""
    from django.urls import reverse

    with translation.override(settings.LANGUAGE_CODE):
        lines: list[str] = []
        for notification in notifications[:DIGEST_MAX_ITEMS]:
            lines += [f"* {notification.subject}"]
            if notification.url:
                link = notification.url
                if link.startswith("/"):
                    link = absolute_url(link)
                lines += [f"  {link}"]
            lines += [""]
        hidden = len(notifications) - DIGEST_MAX_ITEMS
        if hidden > 0:
            lines += [_("… and %(count)d more.") % {"count": hidden}, ""]
        lines += [
            "--",
            _("TechMatch"),
            _("All your notifications: %(url)s")
            % {"url": absolute_url(reverse("accounts:notifications"))},
            _("Choose what reaches your mailbox: %(url)s")
            % {"url": absolute_url(reverse("accounts:notification_preferences"))},
        ]
    return "\n".join(lines) + "\n"


def send_digest(user_id: int, *, now: dt.datetime | None = None) -> int:
    """Email ``user_id`` one digest of their waiting digest notifications; how many
    it listed (0: nothing waited, nothing sent). Safe to run twice at once."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(
                recipient_id=user_id,
                email_channel=EmailChannel.DIGEST,
                emailed_at__isnull=True,
            )
            .order_by("created_at", "pk")
        )
        if not rows:
            return 0
        recipient = User.objects.get(pk=user_id)
        recent = [n for n in rows if n.created_at >= now - DIGEST_WITHIN]
        if recent and recipient.is_active and recipient.email:
            with translation.override(settings.LANGUAGE_CODE):
                subject = ngettext(
                    "TechMatch: %(count)d notification today",
                    "TechMatch: %(count)d notifications today",
                    len(recent),
                ) % {"count": len(recent)}
            # Under the rows' locks: a second run at once skips them.
            send_mail(
                clean_subject(subject), digest_text(recent), None, [recipient.email]
            )
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
    logger.info("digest of %s notifications emailed to user %s", len(recent), user_id)
    return len(recent) if recipient.is_active and recipient.email else 0


def send_digests(*, now: dt.datetime | None = None) -> int:
    """Send every digest user one email of what waited for it; how many were sent."""
    users = (
        Notification.objects.filter(
            email_channel=EmailChannel.DIGEST, emailed_at__isnull=True
        )
        .order_by()
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return sum(1 for user_id in list(users) if send_digest(user_id, now=now))


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
