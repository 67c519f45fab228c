"""The notifier, its email task, the status-change receivers and the notifications page."""

from __future__ import annotations

import datetime as dt
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import RequestFactory
from django.urls import reverse

from accounts.context_processors import unread_notifications
from accounts.models import Notification, NotificationKind
from accounts.notifications import notify, send_notification_email
from accounts.roles import Role
from accounts.tasks import send_notification_email as send_notification_email_task
from market.models import ListingStatus
from market.services.listings import (
    archive_listing,
    publish_listing,
    reject_listing,
    submit_listing,
)
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


class FlakyBackend(EmailBackend):
    """Fails once like a dropped SMTP connection, then delivers to mail.outbox."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures == 0:
            FlakyBackend.failures += 1
            raise SMTPServerDisconnected("connection dropped")
        return super().send_messages(messages)


def _notify(users, **kwargs):
    kwargs.setdefault("kind", NotificationKind.LISTING_PUBLISHED)
    kwargs.setdefault("subject", "已发布：铝合金技术")
    kwargs.setdefault("body", "您的成果已公开。")
    kwargs.setdefault("url", "/workbench/")
    return notify([user.pk for user in users], **kwargs)


# --- the notifier --------------------------------------------------------------------


def test_notify_stores_one_notification_per_active_recipient():
    active = UserFactory()
    inactive = UserFactory(is_active=False)
    rows = _notify([active, active, inactive])
    assert [row.recipient_id for row in rows] == [active.pk]
    stored = Notification.objects.get()
    assert stored.subject == "已发布：铝合金技术"
    assert stored.read_at is None


def test_notify_sends_the_email_after_commit(
    eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory(email="reader@example.cn")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([user], subject="已发布：\n铝合金技术")
    # Nothing is sent before the transaction commits.
    assert mail.outbox == []
    for callback in callbacks:
        callback()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reader@example.cn"]
    assert message.subject == "已发布： 铝合金技术"
    assert "您的成果已公开。" in message.body
    assert "http://127.0.0.1:8000/workbench/" in message.body
    assert reverse("accounts:notifications") in message.body
    assert Notification.objects.get().emailed_at is not None


def test_send_notification_email_twice_sends_once():
    user = UserFactory()
    (notification,) = _notify([user])
    assert send_notification_email(notification.pk) is True
    assert send_notification_email(notification.pk) is False
    assert len(mail.outbox) == 1


def test_send_notification_email_task_returns_quietly_when_the_row_is_gone():
    user = UserFactory()
    (notification,) = _notify([user])
    Notification.objects.filter(pk=notification.pk).delete()
    send_notification_email_task.apply(args=[notification.pk]).get()
    assert mail.outbox == []


def test_send_notification_email_task_retries_after_a_dropped_connection(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_notifications.FlakyBackend"
    FlakyBackend.failures = 0
    user = UserFactory(email="retry@example.cn")
    (notification,) = _notify([user])

    # apply() runs the retry in-process, as a worker would after the back-off.
    result = send_notification_email_task.apply(args=[notification.pk])

    assert result.successful()
    assert FlakyBackend.failures == 1
    assert [message.to for message in mail.outbox] == [["retry@example.cn"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


# --- receivers of listing status changes ---------------------------------------------


@pytest.fixture
def authored(role_groups):
    author = UserFactory(roles=[Role.RESEARCHER])
    colleague = UserFactory(roles=[Role.RESEARCHER])
    outcome = OutcomeFactory(submitted=True, created_by=author)
    for user in (author, colleague):
        MembershipFactory(user=user, organisation=outcome.organisation)
    moderator = UserFactory(roles=[Role.MODERATOR])
    return {
        "listing": outcome,
        "author": author,
        "colleague": colleague,
        "moderator": moderator,
    }


def _of(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def test_published_listing_notifies_its_author_only(authored):
    publish_listing(authored["listing"].pk, by_user_id=authored["moderator"].pk)
    (notification,) = _of(authored["author"])
    assert notification.kind == NotificationKind.LISTING_PUBLISHED
    assert authored["listing"].title in notification.subject
    assert notification.url == "/workbench/"
    assert _of(authored["colleague"]) == []
    assert _of(authored["moderator"]) == []


def test_rejected_listing_tells_the_author_the_reason(authored):
    reject_listing(
        authored["listing"].pk,
        by_user_id=authored["moderator"].pk,
        reason="请补充第三方检测报告",
    )
    (notification,) = _of(authored["author"])
    assert notification.kind == NotificationKind.LISTING_REJECTED
    assert "请补充第三方检测报告" in notification.body


def test_submitted_listing_notifies_moderators_not_the_submitter(authored):
    listing = authored["listing"]
    listing.status = ListingStatus.DRAFT
    listing.save()
    other_moderator = UserFactory(roles=[Role.MODERATOR])
    submit_listing(listing.pk, by_user_id=authored["author"].pk)
    for moderator in (authored["moderator"], other_moderator):
        (notification,) = _of(moderator)
        assert notification.kind == NotificationKind.LISTING_SUBMITTED
        assert listing.title in notification.subject
    assert _of(authored["author"]) == []


def test_archived_by_a_moderator_notifies_the_author_with_the_reason(authored):
    publish_listing(authored["listing"].pk, by_user_id=authored["moderator"].pk)
    archive_listing(
        authored["listing"].pk,
        by_user_id=authored["moderator"].pk,
        reason="成果已转让",
    )
    kinds = [n.kind for n in _of(authored["author"])]
    assert NotificationKind.LISTING_ARCHIVED in kinds
    archived = Notification.objects.get(
        recipient=authored["author"], kind=NotificationKind.LISTING_ARCHIVED
    )
    assert "成果已转让" in archived.body


def test_author_who_left_the_organisation_is_replaced_by_its_members(authored):
    authored["author"].memberships.update(is_active=False)
    publish_listing(authored["listing"].pk, by_user_id=authored["moderator"].pk)
    assert _of(authored["author"]) == []
    assert [n.kind for n in _of(authored["colleague"])] == [
        NotificationKind.LISTING_PUBLISHED
    ]


# --- the page and the unread count ---------------------------------------------------


def test_notifications_page_requires_login(client):
    response = client.get(reverse("accounts:notifications"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_notifications_page_lists_newest_first_and_marks_them_read(client):
    user = UserFactory()
    stranger = UserFactory()
    _notify([user], subject="第一条")
    _notify([user], subject="第二条")
    _notify([stranger], subject="别人的通知")
    client.login(username=user.email, password=PASSWORD)

    response = client.get(reverse("accounts:notifications"))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("第二条") < content.index("第一条")
    assert "别人的通知" not in content
    assert (
        Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0
    )
    assert (
        Notification.objects.filter(recipient=stranger, read_at__isnull=True).count()
        == 1
    )


def test_unread_notifications_context_counts_only_unread_ones():
    user = UserFactory()
    rows = _notify([user]) + _notify([user])
    Notification.objects.filter(pk=rows[0].pk).update(read_at=rows[0].created_at)
    request = RequestFactory().get("/")
    request.user = user
    assert unread_notifications(request)["unread_notifications"]() == 1

    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert unread_notifications(request)["unread_notifications"] == 0


# --- the broker down ---------------------------------------------------------------


def test_publication_with_the_broker_down_is_saved_and_its_email_sent_later(
    authored, broker_down, django_capture_on_commit_callbacks
):
    from accounts.tasks import send_pending_notification_emails
    from search.models import IndexOutbox

    outcome, author = authored["listing"], authored["author"]

    # The on-commit tasks cannot be queued: the publication stands all the same.
    with django_capture_on_commit_callbacks(execute=True):
        publish_listing(outcome.pk, by_user_id=authored["moderator"].pk)

    outcome.refresh_from_db()
    (notification,) = _of(author)
    assert outcome.status == ListingStatus.PUBLISHED
    assert IndexOutbox.objects.filter(listing_id=outcome.pk).exists()
    assert notification.emailed_at is None and mail.outbox == []

    # The periodic sweep sends what the lost task would have sent, once.
    from django.conf import settings as django_settings

    entry = django_settings.CELERY_BEAT_SCHEDULE["send-pending-notification-emails"]
    assert entry["task"] == send_pending_notification_emails.name
    Notification.objects.filter(pk=notification.pk).update(
        created_at=notification.created_at - dt.timedelta(minutes=6)
    )
    assert send_pending_notification_emails.apply().get() == 1
    assert send_pending_notification_emails.apply().get() == 0
    assert [message.to for message in mail.outbox] == [[author.email]]


def test_email_sweep_leaves_fresh_old_sent_and_addressless_notifications_alone():
    from accounts.notifications import send_pending_emails

    with_address, without = UserFactory(email="a@example.cn"), UserFactory(email="")
    rows = _notify([with_address, without])
    now = rows[0].created_at

    assert send_pending_emails(now=now) == 0  # its own task may still be on the way
    assert send_pending_emails(now=now + dt.timedelta(days=3)) == 0  # too late
    assert send_pending_emails(now=now + dt.timedelta(minutes=6)) == 1
    assert send_pending_emails(now=now + dt.timedelta(minutes=7)) == 0
    assert [message.to for message in mail.outbox] == [["a@example.cn"]]
