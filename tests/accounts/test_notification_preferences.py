"""Notification preferences: one choke point (notify) obeys each user's channels per
kind; the daily digest; the preferences page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import (
    EmailChannel,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from accounts.notification_kinds import KINDS, get_kind, grouped
from accounts.notifications import notify, send_digests, unread_count
from accounts.services.notification_preferences import save_preferences
from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def _notify(
    users, kind=NotificationKind.INTEREST_RECEIVED, subject="有人对您的成果感兴趣"
):
    return notify(
        [user.pk for user in users],
        kind=kind,
        subject=subject,
        body="请在站内查看。",
        url="/engage/inbox/",
    )


def _raise(users, callbacks_fixture, **kwargs):
    with callbacks_fixture(execute=True):
        _notify(users, **kwargs)


def test_every_raised_kind_is_registered_in_a_group():
    assert {kind.value for kind in NotificationKind} <= set(KINDS)
    grouped_keys = [kind.key for _group, kinds in grouped() for kind in kinds]
    assert sorted(grouped_keys) == sorted(KINDS)


def test_defaults_keep_todays_behaviour(
    eager_celery, django_capture_on_commit_callbacks
):
    """Nobody loses mail by the upgrade: without a choice, in the site and email at once."""
    user = UserFactory()
    _raise([user], django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert unread_count(user.pk) == 1
    for kind in NotificationKind:
        if kind != NotificationKind.SAVED_SEARCH_MATCH:
            assert (get_kind(kind).in_site, get_kind(kind).email) == (True, "now")


def test_email_off_sends_no_mail_but_keeps_the_site(
    eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory()
    save_preferences(
        user.pk, {NotificationKind.INTEREST_RECEIVED: (True, EmailChannel.NONE)}
    )
    _raise([user], django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert unread_count(user.pk) == 1
    # Another kind keeps its default.
    _raise(
        [user],
        django_capture_on_commit_callbacks,
        kind=NotificationKind.ACCESS_REQUESTED,
    )
    assert len(mail.outbox) == 1


def test_site_off_emails_without_showing_it(
    client, eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory()
    save_preferences(
        user.pk, {NotificationKind.INTEREST_RECEIVED: (False, EmailChannel.NOW)}
    )
    _raise([user], django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    assert unread_count(user.pk) == 0
    client.login(username=user.email, password=PASSWORD)
    page = client.get(reverse("accounts:notifications")).content.decode()
    assert "有人对您的成果感兴趣" not in page


def test_both_off_stores_nothing(eager_celery, django_capture_on_commit_callbacks):
    user, other = UserFactory(), UserFactory()
    save_preferences(
        user.pk, {NotificationKind.INTEREST_RECEIVED: (False, EmailChannel.NONE)}
    )
    _raise([user, other], django_capture_on_commit_callbacks)
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [
        other.pk
    ]
    assert [m.to for m in mail.outbox] == [[other.email]]


def test_membership_mails_cannot_be_switched_off(
    eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory()
    save_preferences(
        user.pk, {NotificationKind.MEMBERSHIP_APPROVED: (False, EmailChannel.NONE)}
    )
    assert not NotificationPreference.objects.exists()
    _raise(
        [user],
        django_capture_on_commit_callbacks,
        kind=NotificationKind.MEMBERSHIP_APPROVED,
    )
    assert len(mail.outbox) == 1
    assert unread_count(user.pk) == 1


def test_digest_sends_one_mail_with_both_items_once(
    eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory(email="digest@example.cn")
    save_preferences(
        user.pk,
        {
            NotificationKind.INTEREST_RECEIVED: (True, EmailChannel.DIGEST),
            NotificationKind.ACCESS_REQUESTED: (True, EmailChannel.DIGEST),
        },
    )
    _raise([user], django_capture_on_commit_callbacks, subject="第一条：兴趣请求")
    _raise(
        [user],
        django_capture_on_commit_callbacks,
        kind=NotificationKind.ACCESS_REQUESTED,
        subject="第二条：保护信息申请",
    )
    assert mail.outbox == []  # nothing at once
    assert unread_count(user.pk) == 2  # the site shows them as usual

    assert send_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["digest@example.cn"]
    assert "第一条：兴趣请求" in digest.body
    assert "第二条：保护信息申请" in digest.body
    assert "/engage/inbox/" in digest.body

    # The next run has nothing left: no second mail.
    assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_a_choice_changed_before_the_email_went_out_is_followed(
    django_capture_on_commit_callbacks,
):
    from accounts.notifications import send_notification_email

    user = UserFactory()
    (notification,) = _notify([user])
    save_preferences(
        user.pk, {NotificationKind.INTEREST_RECEIVED: (True, EmailChannel.DIGEST)}
    )
    assert send_notification_email(notification.pk) is False
    assert mail.outbox == []
    assert send_digests() == 1
    assert len(mail.outbox) == 1


def test_digest_sends_nothing_when_empty():
    UserFactory()
    assert send_digests() == 0
    assert mail.outbox == []


def test_digest_task_runs_from_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-notification-digests"]
    assert entry["task"] == "accounts.tasks.send_notification_digests"
    from accounts.tasks import send_notification_digests

    assert send_notification_digests.name == entry["task"]


def test_conversation_flag_of_the_profile_is_the_default(
    eager_celery, django_capture_on_commit_callbacks
):
    user = UserFactory(email_conversation_messages=False)
    _raise(
        [user],
        django_capture_on_commit_callbacks,
        kind=NotificationKind.CONVERSATION_MESSAGE,
    )
    assert mail.outbox == []
    # Choosing the digest on the preferences page turns the profile's switch on.
    save_preferences(
        user.pk,
        {NotificationKind.CONVERSATION_MESSAGE: (True, EmailChannel.DIGEST)},
    )
    user.refresh_from_db()
    assert user.email_conversation_messages is True


# --- the page ------------------------------------------------------------------------


def _form_data(page: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]* checked', page):
        data[name] = "on"
    for name, value in re.findall(
        r'<select name="([^"]+)".*?<option value="([^"]+)" selected', page, re.S
    ):
        data[name] = value
    return data


def test_preferences_page_is_linked_from_the_profile_and_saves(client):
    user = UserFactory()
    client.login(username=user.email, password=PASSWORD)
    profile = client.get(reverse("accounts:profile")).content.decode()
    url = reverse("accounts:notification_preferences")
    assert url in profile
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "对话与引荐" in page or "Conversations and introductions" in page
    data = _form_data(page)
    assert data["interest_received__email"] == "now"
    assert data["saved_search_match__email"] == "digest"
    data["interest_received__email"] = "digest"
    del data["interest_received__site"]
    response = client.post(url, data)
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=user)
    assert (pref.kind, pref.in_site, pref.email_channel) == (
        "interest_received",
        False,
        "digest",
    )
    # Back to the defaults: no row is kept.
    data["interest_received__email"] = "now"
    data["interest_received__site"] = "on"
    client.post(url, data)
    assert not NotificationPreference.objects.exists()


def test_preferences_bad_post_shows_field_errors_and_saves_nothing(client):
    user = UserFactory()
    client.login(username=user.email, password=PASSWORD)
    url = reverse("accounts:notification_preferences")
    data = _form_data(client.get(url).content.decode())
    data["interest_received__email"] = "digest"
    data["access_requested__email"] = "hourly"  # not a channel
    del data["listing_published__email"]  # missing
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="errorlist') >= 2
    assert not NotificationPreference.objects.exists()


def test_preferences_page_needs_sign_in(client):
    url = reverse("accounts:notification_preferences")
    assert client.get(url).status_code == 302
    assert client.post(url, {}).status_code == 302
    assert not NotificationPreference.objects.exists()
