"""Engagement steps reach the right people, in the site and by email."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from market.models import DeclineReason, InterestKind
from market.services.engagement import (
    decide_access_request,
    decline_interest_request,
    request_protected_details,
    send_interest_request,
)
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory


@pytest.fixture
def people(db, role_groups):
    owner = UserFactory(roles=[Role.RESEARCHER], email="owner@example.cn")
    colleague = UserFactory(roles=[Role.RESEARCHER], email="colleague@example.cn")
    listing = OutcomeFactory(published=True, protected_details="工艺参数")
    MembershipFactory(user=owner, organisation=listing.organisation)
    MembershipFactory(user=colleague, organisation=listing.organisation)
    return {
        "listing": listing,
        "owner": owner,
        "colleague": colleague,
        "agent": UserFactory(roles=[Role.AGENT], email="agent@example.cn"),
        "moderator": UserFactory(roles=[Role.MODERATOR], email="mod@example.cn"),
        "sender": UserFactory(
            roles=[Role.ENTERPRISE], email="buyer@example.cn", display_name="李经理"
        ),
    }


def _kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).values_list("kind", flat=True)
    )


def test_interest_request_reaches_owner_members_and_agents_in_site_and_by_email(
    people, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_interest_request(
            people["listing"].pk,
            sender_id=people["sender"].pk,
            kind=InterestKind.INTEREST,
            answers={"purpose": "新能源汽车电池托盘"},
            message="希望三月份到实验室参观",
        )

    for name in ("owner", "colleague", "agent"):
        assert _kinds(people[name]) == [NotificationKind.INTEREST_RECEIVED], name
    assert _kinds(people["sender"]) == []
    assert _kinds(people["moderator"]) == []

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {
        "owner@example.cn",
        "colleague@example.cn",
        "agent@example.cn",
    }
    body = by_address["agent@example.cn"].body
    assert "李经理" in body
    assert "新能源汽车电池托盘" in body
    assert "希望三月份到实验室参观" in body
    assert people["listing"].title in by_address["owner@example.cn"].subject
    notification = Notification.objects.get(recipient=people["owner"])
    assert notification.emailed_at is not None
    assert notification.url in body


def test_declined_interest_request_tells_the_sender_the_reason(
    people, eager_celery, django_capture_on_commit_callbacks
):
    request = send_interest_request(
        people["listing"].pk,
        sender_id=people["sender"].pk,
        kind=InterestKind.INFORMATION,
        answers={},
        message="价格可谈吗？",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decline_interest_request(
            request.pk,
            by_user_id=people["owner"].pk,
            reason_code=DeclineReason.IN_NEGOTIATION,
            note="目前已在与另一家企业洽谈",
        )

    notification = Notification.objects.get(recipient=people["sender"])
    assert notification.kind == NotificationKind.INTEREST_DECLINED
    reason = str(DeclineReason.IN_NEGOTIATION.label)
    assert reason in notification.body
    assert "目前已在与另一家企业洽谈" in notification.body
    to_sender = [m for m in mail.outbox if m.to == ["buyer@example.cn"]]
    assert len(to_sender) == 1
    assert reason in to_sender[0].body
    # The owner's colleagues and the agent follow the thread: they hear of it too.
    assert {m.to[0] for m in mail.outbox} - {"buyer@example.cn"} == {
        "colleague@example.cn",
        "agent@example.cn",
    }


def test_access_request_notifies_owner_members_and_decision_notifies_requester(
    people, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request, _ = request_protected_details(
            people["listing"].pk,
            requester_id=people["sender"].pk,
            accepted_note=True,
            message="用于评估合作",
        )
    assert _kinds(people["owner"]) == [NotificationKind.ACCESS_REQUESTED]
    assert _kinds(people["colleague"]) == [NotificationKind.ACCESS_REQUESTED]
    assert _kinds(people["agent"]) == []

    with django_capture_on_commit_callbacks(execute=True):
        decide_access_request(request.pk, by_user_id=people["owner"].pk, grant=True)
    granted = Notification.objects.get(recipient=people["sender"])
    assert granted.kind == NotificationKind.ACCESS_GRANTED
    assert granted.url.endswith(f"/engage/listings/{people['listing'].pk}/details/")
    assert "buyer@example.cn" in [message.to[0] for message in mail.outbox]
