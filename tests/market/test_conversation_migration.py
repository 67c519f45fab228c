"""The data migration gives every existing request its conversation."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.roles import Role
from market.models import (
    AccessRequest,
    AccessRequestStatus,
    Conversation,
    ConversationState,
    InterestRequest,
    InterestStatus,
    Side,
)
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("market.migrations.0008_conversations")


def test_existing_requests_get_their_thread_with_the_owners_reply(role_groups):
    listing = OutcomeFactory(published=True)
    owner = UserFactory(roles=[Role.RESEARCHER])
    MembershipFactory(user=owner, organisation=listing.organisation)
    buyer = UserFactory(roles=[Role.ENTERPRISE])
    answered_at = timezone.now()
    # Rows as they were before conversations existed (made without the services).
    answered = InterestRequest.objects.create(
        listing=listing,
        sender=buyer,
        kind="interest",
        answers={"purpose": "电池托盘"},
        message="能参观吗",
        status=InterestStatus.ANSWERED,
        reply="欢迎",
        answered_at=answered_at,
        answered_by=owner,
    )
    declined = InterestRequest.objects.create(
        listing=listing,
        sender=buyer,
        kind="information",
        message="价格？",
        status=InterestStatus.DECLINED,
        decline_reason="not_a_fit",
        answered_at=answered_at,
        answered_by=owner,
    )
    access = AccessRequest.objects.create(
        listing=listing,
        requester=buyer,
        accepted_note_at=timezone.now(),
        status=AccessRequestStatus.GRANTED,
        decided_at=answered_at,
    )

    asked_at = answered_at - dt.timedelta(days=2)
    InterestRequest.objects.update(created_at=asked_at)
    AccessRequest.objects.update(created_at=asked_at)

    migration.open_conversations(apps, None)

    first = Conversation.objects.get(source="interest", source_id=answered.pk)
    assert [(m.side, m.author_id) for m in first.messages.all()] == [
        (Side.REQUESTER, buyer.pk),
        (Side.OWNER, owner.pk),
    ]
    assert "电池托盘" in first.messages.first().body
    assert first.messages.last().body == "欢迎"
    assert first.waiting_on == Side.REQUESTER
    assert first.owner_replied_at == answered_at
    assert first.created_at == asked_at

    second = Conversation.objects.get(source="interest", source_id=declined.pk)
    assert second.state == ConversationState.CLOSED
    assert second.close_reason == "not_interested"

    third = Conversation.objects.get(source="protected_details", source_id=access.pk)
    assert [m.side for m in third.messages.all()] == [Side.REQUESTER, Side.SYSTEM]
    assert third.owner_organisation_id == listing.organisation_id
