"""Who hears of a challenge's delivery: an accepted milestone and a recorded payout
reach the winning team and the issuer's other members, never the one who recorded it,
never another applicant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Notification, NotificationKind
from market.models import ApplicationStatus
from market.services.delivery import (
    MeasurementData,
    accept_milestone,
    record_payout,
)
from tests.factories import (
    ChallengeApplicationFactory,
    MembershipFactory,
    UserFactory,
    challenge_in_delivery,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 1, 31, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def scene():
    challenge = challenge_in_delivery(now=NOW, milestones=(("小试验证", 1, "样品"),))
    recorder = MembershipFactory(organisation=challenge.issuer).user
    colleague = MembershipFactory(organisation=challenge.issuer).user
    team = MembershipFactory(
        organisation=challenge.awarded_application.lead_organisation
    ).user
    loser = ChallengeApplicationFactory(
        challenge=challenge, status=ApplicationStatus.SUBMITTED
    )
    other = MembershipFactory(organisation=loser.lead_organisation).user
    return {
        "challenge": challenge,
        "recorder": recorder,
        "colleague": colleague,
        "team": team,
        "other": other,
        "bystander": UserFactory(),
    }


def _expected(scene) -> set[int]:
    """Every active member of the issuer and of the winning lead, but the recorder."""
    from accounts.models import Membership

    challenge = scene["challenge"]
    organisations = [
        challenge.issuer_id,
        challenge.awarded_application.lead_organisation_id,
    ]
    members = set(
        Membership.objects.filter(organisation_id__in=organisations).values_list(
            "user_id", flat=True
        )
    )
    assert {scene["colleague"].pk, scene["team"].pk} <= members
    return members - {scene["recorder"].pk}


def _told(kind) -> set[int]:
    return set(
        Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True)
    )


def test_an_accepted_milestone_is_told_to_the_team_and_the_issuer(scene):
    challenge = scene["challenge"]
    milestone = challenge.delivery_milestones.get()
    accept_milestone(
        milestone.pk,
        by_user_id=scene["recorder"].pk,
        measurements=[
            MeasurementData(indicator.pk, str(indicator.target_value))
            for indicator in milestone.indicators.all()
        ],
        note="通过",
        now=NOW,
    )

    assert _told(NotificationKind.MILESTONE_ACCEPTED) == _expected(scene)
    note = Notification.objects.get(recipient=scene["team"])
    assert "小试验证" in note.subject
    assert note.url == reverse("workbench:delivery", args=[challenge.pk])


def test_a_recorded_payout_is_told_with_its_amount(scene):
    challenge = scene["challenge"]
    record_payout(
        challenge.pk,
        by_user_id=scene["recorder"].pk,
        amount_wan="30",
        paid_on=dt.date(2027, 1, 30),
        now=NOW,
    )

    assert _told(NotificationKind.PAYOUT_RECORDED) == _expected(scene)
    body = Notification.objects.get(recipient=scene["team"]).body
    assert "30" in body and "2027-01-30" in body
    assert not Notification.objects.filter(
        recipient__in=[scene["other"], scene["bystander"], scene["recorder"]]
    ).exists()
