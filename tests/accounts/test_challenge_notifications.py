"""Notifications of challenge events (揭榜挂帅): who hears of each step and objection,
what they read, and that nobody else hears anything or learns what is not theirs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, NotificationKind
from accounts.roles import Role
from market.models import ApplicationStatus, ChallengeStatus, ObjectionOutcome
from market.services.challenges import (
    accept_challenge,
    award_challenge,
    beijing_time,
    close_challenge,
    fail_challenge,
    pay_out_challenge,
    publish_challenge,
    raise_objection,
    recall_challenge,
    reject_challenge,
    resolve_objection,
    start_review,
    submit_challenge,
    terminate_challenge,
    withdraw_challenge,
)
from market.services.review import assign_expert
from tests.factories import (
    ChallengeApplicationFactory,
    ChallengeFactory,
    MembershipFactory,
    UserFactory,
)
from tests.factories.review import ReviewScene, review_scene

pytestmark = pytest.mark.django_db

S = ChallengeStatus
K = NotificationKind


def _of(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


def _kinds(user) -> list[str]:
    return [n.kind for n in _of(user)]


def _received() -> set[int]:
    return set(Notification.objects.values_list("recipient_id", flat=True))


@pytest.fixture
def scene(role_groups) -> ReviewScene:
    """A challenge under review: issuer (a member and a colleague), two submitted
    applications (the first with a consortium member), one draft with its own team,
    a moderator, two experts (one seated), and a stranger."""
    scene = review_scene()
    scene.colleague = MembershipFactory(organisation=scene.challenge.issuer).user
    scene.draft_user = MembershipFactory(
        organisation=scene.draft.lead_organisation
    ).user
    scene.stranger = UserFactory()
    assign_expert(
        scene.challenge.pk,
        expert_id=scene.experts[0].pk,
        by_user_id=scene.moderator.pk,
    )
    return scene


def _award(scene: ReviewScene, now=None):
    return award_challenge(
        scene.challenge.pk,
        application_id=scene.first.pk,
        by_user_id=scene.issuer_user.pk,
        now=now,
    )


# --- the issuer's side -------------------------------------------------------------


def test_submitted_challenge_notifies_every_moderator_only(role_groups):
    issuer_user = MembershipFactory().user
    challenge = ChallengeFactory(issuer=issuer_user.memberships.get().organisation)
    moderators = [UserFactory(roles=[Role.MODERATOR]) for _ in range(2)]
    expert = UserFactory(roles=[Role.EXPERT])

    submit_challenge(challenge.pk, by_user_id=issuer_user.pk)

    for moderator in moderators:
        (notification,) = _of(moderator)
        assert notification.kind == K.CHALLENGE_SUBMITTED
        assert challenge.title in notification.subject
        assert challenge.issuer.name in notification.body
        assert notification.url == reverse("market_review:challenges")
    assert _received() == {m.pk for m in moderators}
    assert _of(expert) == []


def test_published_challenge_tells_the_issuers_members_the_deadline(role_groups):
    issuer_user = MembershipFactory().user
    organisation = issuer_user.memberships.get().organisation
    colleague = MembershipFactory(organisation=organisation).user
    challenge = ChallengeFactory(issuer=organisation, status=S.SUBMITTED)
    moderator = UserFactory(roles=[Role.MODERATOR])
    outsider = MembershipFactory().user

    publish_challenge(challenge.pk, by_user_id=moderator.pk)

    for user in (issuer_user, colleague):
        (notification,) = _of(user)
        assert notification.kind == K.CHALLENGE_PUBLISHED
        assert challenge.title in notification.subject
        assert notification.url == reverse(
            "workbench:challenge_detail", args=[challenge.pk]
        )
        # The deadline in Beijing time, as the site shows it.
        local = challenge.application_deadline.astimezone(ZoneInfo("Asia/Shanghai"))
        assert local.strftime("%Y-%m-%d %H:%M") in notification.body
        assert "北京时间" in notification.body
    assert _received() == {issuer_user.pk, colleague.pk}
    assert _of(outsider) == [] and _of(moderator) == []


def test_rejected_challenge_tells_the_issuer_the_moderators_reason(role_groups):
    issuer_user = MembershipFactory().user
    challenge = ChallengeFactory(
        issuer=issuer_user.memberships.get().organisation, status=S.SUBMITTED
    )
    moderator = UserFactory(roles=[Role.MODERATOR])

    reject_challenge(challenge.pk, by_user_id=moderator.pk, reason="请补充验收标准")

    (notification,) = _of(issuer_user)
    assert notification.kind == K.CHALLENGE_REJECTED
    assert "请补充验收标准" in notification.body
    assert _of(moderator) == []


def test_recall_and_start_of_the_review_tell_nobody(scene):
    challenge = ChallengeFactory(issuer=scene.challenge.issuer, status=S.SUBMITTED)
    recall_challenge(challenge.pk, by_user_id=scene.issuer_user.pk)
    closed = ChallengeFactory(issuer=scene.challenge.issuer, status=S.CLOSED)
    start_review(closed.pk, by_user_id=scene.issuer_user.pk)
    assert Notification.objects.count() == 0


def test_closing_tells_the_issuer_how_many_applications_were_submitted(role_groups):
    issuer_user = MembershipFactory().user
    now = timezone.now()
    challenge = ChallengeFactory(
        issuer=issuer_user.memberships.get().organisation,
        status=S.PUBLISHED,
        application_deadline=now - dt.timedelta(minutes=1),
    )
    applicants = []
    for status in (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.DRAFT,
    ):
        application = ChallengeApplicationFactory(challenge=challenge, status=status)
        applicants.append(
            MembershipFactory(organisation=application.lead_organisation).user
        )

    close_challenge(challenge.pk, now=now)

    (notification,) = _of(issuer_user)
    assert notification.kind == K.CHALLENGE_CLOSED
    assert " 3 " in notification.body
    assert " 4 " not in notification.body
    # Closing is the issuer's business; the applicants hear of the outcome later.
    assert _received() == {issuer_user.pk}


# --- the award ---------------------------------------------------------------------


def test_award_tells_the_winner_the_others_the_result_and_the_issuer(
    scene, eager_celery, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        _award(scene, now=now)

    ends = beijing_time(now + dt.timedelta(days=scene.challenge.objection_days))
    assert "北京时间" in ends
    announcement = reverse("challenges:announcement", args=[scene.challenge.pk])

    # The issuer's other member; the one who confirmed the winner needs no message.
    (issuer_note,) = _of(scene.colleague)
    assert issuer_note.kind == K.CHALLENGE_AWARDED
    assert scene.first.lead_organisation.name in issuer_note.body
    assert _of(scene.issuer_user) == []

    # The winning lead and its consortium member.
    for user in (scene.first_user, scene.member_user):
        (won,) = _of(user)
        assert won.kind == K.CHALLENGE_WON
        assert ends in won.body
        assert won.url == announcement

    # The other applicant learns the result and the objection period, not who else
    # applied or who won.
    (result,) = _of(scene.second_user)
    assert result.kind == K.CHALLENGE_RESULT
    assert ends in result.body
    assert result.url == announcement
    for name in (
        scene.first.lead_organisation.name,
        scene.challenge.issuer.name,
        scene.first.team_lead_name,
        "太湖精密检测中心",
    ):
        assert name not in result.subject + result.body

    # Nobody else: not the draft's team, the expert, the moderator, a stranger.
    assert _received() == {
        scene.colleague.pk,
        scene.first_user.pk,
        scene.member_user.pk,
        scene.second_user.pk,
    }
    # Every notification went out by email too, to these people only.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email
        for u in (
            scene.colleague,
            scene.first_user,
            scene.member_user,
            scene.second_user,
        )
    )
    # No message names an expert.
    expert = scene.experts[0]
    for notification in Notification.objects.all():
        assert expert.display_name not in notification.body
        assert expert.email not in notification.body


def test_a_member_of_the_winner_and_of_a_loser_hears_once_that_they_won(scene):
    both = scene.second_user
    MembershipFactory(user=both, organisation=scene.first.lead_organisation)
    _award(scene)
    assert _kinds(both) == [K.CHALLENGE_WON]


def test_an_inactive_membership_or_user_hears_nothing(scene):
    scene.second_user.memberships.update(is_active=False)
    scene.member_user.is_active = False
    scene.member_user.save()
    _award(scene)
    assert _of(scene.second_user) == []
    assert _of(scene.member_user) == []
    assert _kinds(scene.first_user) == [K.CHALLENGE_WON]


# --- endings -----------------------------------------------------------------------


def test_failed_challenge_tells_issuer_and_every_submitted_applicant_why(scene):
    fail_challenge(
        scene.challenge.pk, by_user_id=scene.issuer_user.pk, reason="指标均未达到要求"
    )
    recipients = (
        scene.colleague,
        scene.first_user,
        scene.member_user,
        scene.second_user,
    )
    for user in recipients:
        (notification,) = _of(user)
        assert notification.kind == K.CHALLENGE_FAILED
        assert "指标均未达到要求" in notification.body
    assert _received() == {u.pk for u in recipients}
    # Applicants are sent to their own application.
    (first,) = _of(scene.first_user)
    assert first.url == reverse("workbench:application_detail", args=[scene.first.pk])
    (second,) = _of(scene.second_user)
    assert second.url == reverse("workbench:application_detail", args=[scene.second.pk])


def test_withdrawn_challenge_tells_the_teams_of_drafts_too(role_groups):
    issuer_user = MembershipFactory().user
    challenge = ChallengeFactory(
        issuer=issuer_user.memberships.get().organisation, status=S.PUBLISHED
    )
    colleague = MembershipFactory(organisation=challenge.issuer).user
    draft = ChallengeApplicationFactory(challenge=challenge)
    submitted = ChallengeApplicationFactory(
        challenge=challenge, status=ApplicationStatus.SUBMITTED
    )
    drafting = MembershipFactory(organisation=draft.lead_organisation).user
    applied = MembershipFactory(organisation=submitted.lead_organisation).user
    UserFactory()

    withdraw_challenge(challenge.pk, by_user_id=issuer_user.pk, reason="需求已变更")

    for user in (drafting, applied):
        (notification,) = _of(user)
        assert notification.kind == K.CHALLENGE_WITHDRAWN
        assert "需求已变更" in notification.body
        assert challenge.issuer.name not in notification.body
    assert _of(colleague) == [] and _of(issuer_user) == []
    assert _received() == {drafting.pk, applied.pk}


def test_terminated_challenge_tells_issuer_and_all_applicants(scene):
    _award(scene)
    Notification.objects.all().delete()

    terminate_challenge(
        scene.challenge.pk, by_user_id=scene.moderator.pk, reason="揭榜方主动放弃"
    )

    recipients = (
        scene.issuer_user,
        scene.colleague,
        scene.first_user,
        scene.member_user,
        scene.second_user,
    )
    for user in recipients:
        assert _kinds(user) == [K.CHALLENGE_TERMINATED]
        assert "揭榜方主动放弃" in _of(user)[0].body
    assert _received() == {u.pk for u in recipients}


def test_acceptance_and_payout_tell_the_issuer_and_the_winning_team_only(scene):
    _award(scene, now=timezone.now() - dt.timedelta(days=30))
    from market.services.challenges import start_delivery

    start_delivery(scene.challenge.pk, by_user_id=scene.issuer_user.pk)
    Notification.objects.all().delete()

    from market.services.delivery import MeasurementData, record_payout

    accept_challenge(
        scene.challenge.pk,
        by_user_id=scene.issuer_user.pk,
        measurements=[
            MeasurementData(indicator.pk, str(indicator.target_value))
            for indicator in scene.challenge.indicators.all()
        ],
    )
    record_payout(
        scene.challenge.pk,
        by_user_id=scene.issuer_user.pk,
        amount_wan=scene.challenge.bounty_wan,
        paid_on=timezone.localdate(),
    )
    pay_out_challenge(
        scene.challenge.pk, by_user_id=scene.issuer_user.pk, reason="尾款已支付"
    )

    for user in (scene.colleague, scene.first_user, scene.member_user):
        assert _kinds(user) == [
            K.CHALLENGE_ACCEPTED,
            K.PAYOUT_RECORDED,
            K.CHALLENGE_PAID_OUT,
        ]
    assert "尾款已支付" in _of(scene.first_user)[2].body
    assert _of(scene.second_user) == []
    assert _of(scene.issuer_user) == []
    assert _received() == {
        scene.colleague.pk,
        scene.first_user.pk,
        scene.member_user.pk,
    }


# --- objections --------------------------------------------------------------------


def test_objection_goes_to_the_moderators_and_its_decision_to_the_objector(scene):
    _award(scene)
    Notification.objects.all().delete()
    other_moderator = UserFactory(roles=[Role.MODERATOR])
    objector = scene.second_user

    objection = raise_objection(
        scene.challenge.pk,
        by_user_id=objector.pk,
        text="获奖方案的检测报告非第三方出具",
    )

    for moderator in (scene.moderator, other_moderator):
        (notification,) = _of(moderator)
        assert notification.kind == K.OBJECTION_RAISED
        assert "获奖方案的检测报告非第三方出具" in notification.body
        assert notification.url == reverse(
            "market_review:objection", args=[objection.pk]
        )
        # The moderators are not told who objected.
        assert objector.display_name not in notification.body
    assert _received() == {scene.moderator.pk, other_moderator.pk}

    Notification.objects.all().delete()
    resolve_objection(
        objection.pk,
        by_user_id=scene.moderator.pk,
        outcome=ObjectionOutcome.DISMISSED,
        note="检测机构具备 CMA 资质",
    )
    (decided,) = _of(objector)
    assert decided.kind == K.OBJECTION_DECIDED
    assert "检测机构具备 CMA 资质" in decided.body
    assert decided.url == reverse("challenges:announcement", args=[scene.challenge.pk])
    assert _received() == {objector.pk}


def test_an_upheld_objection_tells_the_objector_the_issuer_and_the_applicants(scene):
    _award(scene)
    objection = raise_objection(
        scene.challenge.pk,
        by_user_id=scene.stranger.pk,
        text="评审专家与获奖方存在利益关系",
    )
    Notification.objects.all().delete()

    resolve_objection(
        objection.pk,
        by_user_id=scene.moderator.pk,
        outcome=ObjectionOutcome.UPHELD,
        note="异议成立，重新确定揭榜方",
    )

    assert _kinds(scene.stranger) == [K.OBJECTION_DECIDED]
    assert "异议成立，重新确定揭榜方" in _of(scene.stranger)[0].body
    for user in (scene.issuer_user, scene.colleague):
        (revoked,) = _of(user)
        assert revoked.kind == K.CHALLENGE_AWARD_REVOKED
        assert "异议成立，重新确定揭榜方" in revoked.body
    # The applicants learn that the result no longer stands, not the moderator's note.
    for user in (scene.first_user, scene.member_user, scene.second_user):
        (revoked,) = _of(user)
        assert revoked.kind == K.CHALLENGE_AWARD_REVOKED
        assert "异议成立，重新确定揭榜方" not in revoked.body
    assert _received() == {
        scene.stranger.pk,
        scene.issuer_user.pk,
        scene.colleague.pk,
        scene.first_user.pk,
        scene.member_user.pk,
        scene.second_user.pk,
    }
