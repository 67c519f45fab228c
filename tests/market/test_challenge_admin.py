"""Challenges in the moderators' admin: the review queue, objections, view sets."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from market.models import (
    Challenge,
    ChallengeObjection,
    ChallengeStatus,
    ObjectionOutcome,
)
from tests.factories import (
    CampaignFactory,
    ChallengeApplicationFactory,
    ChallengeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = ChallengeStatus
QUEUE = reverse("market_review:index")
CHALLENGE_QUEUE = reverse("market_review:challenges")


def messages_of(response) -> list[str]:
    return [str(m.message) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def moderator(role_groups):
    return UserFactory(roles=[Role.MODERATOR])


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def test_the_review_queue_leads_to_the_challenges_awaiting_review(moderator_client):
    now = timezone.now()
    older = ChallengeFactory(
        status=S.SUBMITTED, submitted_at=now - dt.timedelta(days=2), title="较早的榜单"
    )
    newer = ChallengeFactory(
        status=S.SUBMITTED, submitted_at=now - dt.timedelta(hours=1), title="较新的榜单"
    )
    ChallengeFactory(title="草稿榜单")

    queue = moderator_client.get(QUEUE).content.decode()
    assert 'data-challenges-awaiting="2"' in queue
    assert CHALLENGE_QUEUE in queue

    response = moderator_client.get(CHALLENGE_QUEUE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(older.title) < html.index(newer.title)
    assert "草稿榜单" not in html
    assert reverse("market_review:publish_challenge", args=[older.pk]) in html


def test_a_moderator_publishes_a_submitted_challenge_from_the_queue(
    moderator_client, moderator
):
    challenge = ChallengeFactory(status=S.SUBMITTED, submitted_at=timezone.now())
    response = moderator_client.post(
        reverse("market_review:publish_challenge", args=[challenge.pk])
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == S.PUBLISHED
    assert challenge.reviewed_by_id == moderator.pk
    assert challenge.transitions.get().by_user_id == moderator.pk
    assert any("(北京时间)" in m for m in messages_of(response))


def test_publishing_twice_shows_an_error_and_changes_nothing(moderator_client):
    challenge = ChallengeFactory(status=S.PUBLISHED)
    response = moderator_client.post(
        reverse("market_review:publish_challenge", args=[challenge.pk])
    )
    assert response.status_code == 302
    assert messages_of(response)
    assert not challenge.transitions.exists()
    assert Challenge.objects.get(pk=challenge.pk).status == S.PUBLISHED


def test_rejection_needs_a_reason_and_keeps_it(moderator_client):
    challenge = ChallengeFactory(status=S.SUBMITTED, submitted_at=timezone.now())
    url = reverse("market_review:reject_challenge", args=[challenge.pk])
    assert moderator_client.get(url).status_code == 200

    response = moderator_client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert Challenge.objects.get(pk=challenge.pk).status == S.SUBMITTED

    response = moderator_client.post(url, {"reason": "奖金支付方式不明确"})
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == S.REJECTED
    assert challenge.rejection_reason == "奖金支付方式不明确"


@pytest.mark.parametrize("role", [None, Role.AGENT, Role.EXPERT])
def test_only_moderators_use_the_challenge_queue(client, role_groups, role):
    user = UserFactory(roles=[role] if role else [])
    client.force_login(user)
    challenge = ChallengeFactory(status=S.SUBMITTED, submitted_at=timezone.now())
    for url in (
        CHALLENGE_QUEUE,
        reverse("market_review:reject_challenge", args=[challenge.pk]),
    ):
        assert client.get(url).status_code in (302, 403)
    client.post(reverse("market_review:publish_challenge", args=[challenge.pk]))
    assert Challenge.objects.get(pk=challenge.pk).status == S.SUBMITTED


def test_a_moderator_decides_an_objection_in_the_admin(moderator_client, moderator):
    challenge = ChallengeFactory(status=S.UNDER_REVIEW)
    application = ChallengeApplicationFactory(challenge=challenge, status="submitted")
    now = timezone.now()
    Challenge.objects.filter(pk=challenge.pk).update(
        status=S.AWARDED,
        awarded_application=application,
        awarded_at=now,
        objection_period_ends_at=now + dt.timedelta(days=7),
    )
    objection = ChallengeObjection.objects.create(
        challenge=challenge, text="挂帅团队资质存疑", raised_at=now
    )
    listing = moderator_client.get(reverse("market_review:objections"))
    assert "挂帅团队资质存疑" in listing.content.decode()

    url = reverse("market_review:objection", args=[objection.pk])
    response = moderator_client.post(url, {"outcome": "dismissed", "note": ""})
    assert response.status_code == 200
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.PENDING

    response = moderator_client.post(url, {"outcome": "dismissed", "note": "资质齐全"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.DISMISSED
    assert objection.resolved_by_id == moderator.pk


def test_moderators_list_inspect_and_correct_challenges_and_campaigns(
    moderator_client,
):
    campaign = CampaignFactory(title="第十届创新挑战赛")
    challenge = ChallengeFactory(status=S.SUBMITTED, campaign=campaign)
    index = moderator_client.get(reverse("market_challenges:index"))
    assert index.status_code == 200 and challenge.title in index.content.decode()

    inspect = moderator_client.get(
        reverse("market_challenges:inspect", args=[challenge.pk])
    )
    html = inspect.content.decode()
    assert inspect.status_code == 200
    assert "容量保持率" in html and "技术方案 (60 %)" in html
    assert reverse("market_review:publish_challenge", args=[challenge.pk]) in html

    campaigns = moderator_client.get(reverse("market_campaigns:index"))
    assert (
        campaigns.status_code == 200
        and "第十届创新挑战赛" in campaigns.content.decode()
    )


def test_the_admin_form_refuses_a_bounty_of_zero(moderator_client):
    challenge = ChallengeFactory()
    url = reverse("market_challenges:edit", args=[challenge.pk])
    form = moderator_client.get(url)
    assert form.status_code == 200
    data = {
        "title": challenge.title,
        "field": challenge.field_id,
        "region": challenge.region_id,
        # Draftail posts its content state, not HTML.
        "background": json.dumps(
            {
                "blocks": [
                    {
                        "key": "a1b2c",
                        "type": "unstyled",
                        "text": "现有材料循环衰减过快。",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [],
                    }
                ],
                "entityMap": {},
            }
        ),
        "objectives": challenge.objectives,
        "deliverables": challenge.deliverables,
        "bounty_wan": "0",
        "payment_terms": challenge.payment_terms,
        "duration_months": "12",
        "application_deadline": "2030-01-01 10:00",
        "confidentiality": "public",
        "objection_days": "7",
        "max_consortium_members": "4",
    }
    response = moderator_client.post(url, data)
    assert response.status_code == 200
    assert Challenge.objects.get(pk=challenge.pk).bounty_wan == 500

    response = moderator_client.post(url, {**data, "bounty_wan": "800"})
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.bounty_wan == 800
    assert "循环衰减" in challenge.background
    assert challenge.status == S.DRAFT


def test_moderators_see_the_delivery_in_the_inspect_view(moderator_client):
    from market.services.delivery import (
        MeasurementData,
        accept_milestone,
        record_payout,
    )
    from tests.factories import MembershipFactory, UserFactory, challenge_in_delivery

    issuer_user = UserFactory()
    challenge = challenge_in_delivery()
    MembershipFactory(user=issuer_user, organisation=challenge.issuer)
    last = challenge.delivery_milestones.last()
    accept_milestone(
        last.pk,
        by_user_id=issuer_user.pk,
        measurements=[MeasurementData(challenge.indicators.get().pk, "93.25")],
    )
    record_payout(
        challenge.pk,
        by_user_id=issuer_user.pk,
        amount_wan="12.5",
        paid_on=timezone.localdate() - dt.timedelta(days=1),
        reference="HX-001",
    )

    html = moderator_client.get(
        reverse("market_challenges:inspect", args=[challenge.pk])
    ).content.decode()

    assert "中试与验收" in html
    assert "93.25" in html
    assert "HX-001" in html and "12.50" in html
