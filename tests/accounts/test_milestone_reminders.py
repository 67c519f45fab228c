"""Reminders of delivery milestones: the winning team and the issuer hear of a pending
milestone 7 days and 1 day before it is due, each once; nobody else, and nothing for an
accepted milestone or a challenge whose work is not in progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import MilestoneReminder, Notification, NotificationKind
from accounts.services.challenge_reminders import send_milestone_reminders
from market.models import ChallengeStatus, ConsortiumMember, DeliveryMilestone
from market.services.delivery import beijing_date
from tests.factories import (
    ChallengeApplicationFactory,
    ChallengeFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _told(kind=NotificationKind.MILESTONE_DUE) -> set[int]:
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
    )


@pytest.fixture
def delivery():
    now = timezone.now()
    challenge = ChallengeFactory(status=ChallengeStatus.IN_PROGRESS)
    application = ChallengeApplicationFactory(challenge=challenge)
    partner = OrganisationFactory()
    ConsortiumMember.objects.create(
        application=application, organisation=partner, role="检测", share=Decimal("30")
    )
    challenge.awarded_application = application
    challenge.save(update_fields=["awarded_application"])
    today = beijing_date(now)
    milestone = DeliveryMilestone.objects.create(
        challenge=challenge,
        title="小试验证",
        deliverable="小试样品与检测报告",
        due_on=today + dt.timedelta(days=5),
    )
    return {
        "now": now,
        "challenge": challenge,
        "milestone": milestone,
        "issuer_user": MembershipFactory(organisation=challenge.issuer).user,
        "lead_user": MembershipFactory(organisation=application.lead_organisation).user,
        "partner_user": MembershipFactory(organisation=partner).user,
        "bystander": UserFactory(),
    }


def test_a_milestone_due_within_a_week_reminds_the_team_and_the_issuer_once(delivery):
    expected = {
        delivery[key].pk for key in ("issuer_user", "lead_user", "partner_user")
    }

    assert send_milestone_reminders(delivery["now"]) == 3
    assert send_milestone_reminders(delivery["now"]) == 0

    assert _told() == expected
    note = Notification.objects.filter(recipient=delivery["lead_user"]).get()
    assert "小试验证" in note.subject
    assert note.url == reverse("workbench:delivery", args=[delivery["challenge"].pk])


def test_the_day_before_it_is_due_everyone_hears_once_more(delivery):
    send_milestone_reminders(delivery["now"])
    later = delivery["now"] + dt.timedelta(days=4)

    assert send_milestone_reminders(later) == 3
    assert send_milestone_reminders(later) == 0
    assert MilestoneReminder.objects.filter(user=delivery["lead_user"]).count() == 2


def test_no_reminder_far_ahead_after_acceptance_or_outside_the_work(delivery):
    milestone, challenge = delivery["milestone"], delivery["challenge"]
    milestone.due_on = beijing_date(delivery["now"]) + dt.timedelta(days=20)
    milestone.save(update_fields=["due_on"])
    assert send_milestone_reminders(delivery["now"]) == 0

    milestone.due_on = beijing_date(delivery["now"]) + dt.timedelta(days=2)
    milestone.status = "accepted"
    milestone.save(update_fields=["due_on", "status"])
    assert send_milestone_reminders(delivery["now"]) == 0

    milestone.status = "pending"
    milestone.save(update_fields=["status"])
    challenge.status = ChallengeStatus.TERMINATED
    challenge.save(update_fields=["status"])
    assert send_milestone_reminders(delivery["now"]) == 0
    assert not Notification.objects.exists()
