"""Email subjects built from user data: one clean line, never extra headers, shown as
typed (not HTML-escaped); the mail still goes out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.notifications import notify
from accounts.roles import Role
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db

INJECTED = (
    "铝合金\r\nBcc: evil@example.com\nX-Evil: 1\u2028Cc: evil2@example.com\x07\x1b[31m"
)


@pytest.fixture
def cast(role_groups):
    listing = OutcomeFactory(published=True, title=INJECTED)
    seller = UserFactory(roles=[Role.RESEARCHER], email="seller@example.cn")
    MembershipFactory(user=seller, organisation=listing.organisation)
    buyer = UserFactory(roles=[Role.ENTERPRISE], email="buyer@example.cn")
    MembershipFactory(user=buyer)
    return {"listing": listing, "seller": seller, "buyer": buyer}


def assert_one_clean_line(subject: str) -> None:
    assert all(ch.isprintable() for ch in subject), repr(subject)
    assert "  " not in subject


def test_title_with_newlines_sends_the_mail_with_a_one_line_subject(
    client, cast, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    assert client.login(username="buyer@example.cn", password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("engage:interest", args=[cast["listing"].pk]),
            {"kind": "interest", "purpose": "用于电池托盘", "message": ""},
        )

    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["seller@example.cn"]
    assert message.bcc == [] and message.cc == []
    assert_one_clean_line(message.subject)
    assert (
        "铝合金 Bcc: evil@example.com X-Evil: 1 Cc: evil2@example.com"
        in message.subject
    )
    raw = message.message().as_string()
    headers = raw.split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and "\nX-Evil:" not in headers
    assert "\nCc:" not in headers
    stored = Notification.objects.get(recipient=cast["seller"])
    assert_one_clean_line(stored.subject)


def test_subject_shows_the_title_as_typed_not_html_escaped(
    cast, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    cast["listing"].title = 'AT&T “5G” <模组> "Pro"'
    cast["listing"].save(update_fields=["title"])
    from market.services.engagement import send_interest_request

    with django_capture_on_commit_callbacks(execute=True):
        send_interest_request(
            cast["listing"].pk,
            sender_id=cast["buyer"].pk,
            kind="interest",
            answers={"purpose": "试用"},
        )

    (message,) = mailoutbox
    assert 'AT&T “5G” <模组> "Pro"' in message.subject
    assert "&amp;" not in message.subject and "&quot;" not in message.subject


def test_notify_cleans_any_subject_it_is_given(
    cast, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [cast["seller"].pk],
            kind="listing_published",
            subject="第一行\n第二行\rBcc: x@example.com\t\x07",
            body="正文",
        )

    (message,) = mailoutbox
    assert message.subject == "第一行 第二行 Bcc: x@example.com"
