"""The challenge life cycle: every legal step, every illegal one, what each records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeObjection,
    ChallengeStatus,
    ChallengeTransition,
    ObjectionOutcome,
    Payout,
)
from market.services.challenges import (
    TRANSITIONS,
    ChallengeError,
    CriterionData,
    IllegalChallengeTransition,
    IndicatorData,
    accept_challenge,
    award_challenge,
    beijing_time,
    close_challenge,
    close_due_challenges,
    fail_challenge,
    pay_out_challenge,
    publish_challenge,
    raise_objection,
    recall_challenge,
    reject_challenge,
    resolve_objection,
    save_challenge,
    start_delivery,
    start_review,
    submit_challenge,
    terminate_challenge,
    withdraw_challenge,
)
from market.services.delivery import MeasurementData, record_payout
from market.signals import challenge_status_changed
from market.tasks import close_due_challenges as close_due_task
from tests.factories import (
    ChallengeApplicationFactory,
    ChallengeFactory,
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = ChallengeStatus
ALL = list(S.values)
NOW = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def user():
    return UserFactory()


def _in(status: str) -> Challenge:
    """A complete challenge in ``status``; a submitted application is there to award,
    and an award's objection period is over."""
    challenge = ChallengeFactory(status=status)
    application = ChallengeApplicationFactory(
        challenge=challenge, status=ApplicationStatus.SUBMITTED
    )
    if status in (S.AWARDED, S.IN_PROGRESS, S.ACCEPTED, S.PAID_OUT):
        Challenge.objects.filter(pk=challenge.pk).update(
            awarded_application=application,
            awarded_at=timezone.now() - dt.timedelta(days=10),
            objection_period_ends_at=timezone.now() - dt.timedelta(days=3),
        )
    challenge.refresh_from_db()
    challenge._application = application  # type: ignore[attr-defined]
    return challenge


def _run(action: str, challenge: Challenge, user_id: int) -> Challenge:
    pk = challenge.pk
    if action == "submit":
        return submit_challenge(pk, by_user_id=user_id)
    if action == "recall":
        return recall_challenge(pk, by_user_id=user_id)
    if action == "publish":
        return publish_challenge(pk, by_user_id=user_id)
    if action == "reject":
        return reject_challenge(pk, by_user_id=user_id, reason="指标不可测")
    if action == "close":
        return close_challenge(
            pk, now=challenge.application_deadline + dt.timedelta(minutes=1)
        )
    if action == "start_review":
        return start_review(pk, by_user_id=user_id)
    if action == "award":
        return award_challenge(
            pk, application_id=challenge._application.pk, by_user_id=user_id
        )
    if action == "revoke_award":
        objection = ChallengeObjection.objects.create(
            challenge=challenge, text="评审回避不当", raised_at=timezone.now()
        )
        resolve_objection(
            objection.pk, by_user_id=user_id, outcome="upheld", note="异议成立"
        )
        return Challenge.objects.get(pk=pk)
    if action == "start_delivery":
        MembershipFactory(user_id=user_id, organisation=challenge.issuer)
        return start_delivery(pk, by_user_id=user_id)
    if action == "accept":
        # The delivery's rules (market.services.delivery): a member of the issuer
        # records a value for every indicator.
        MembershipFactory(user_id=user_id, organisation=challenge.issuer)
        return accept_challenge(
            pk,
            by_user_id=user_id,
            measurements=[
                MeasurementData(i.pk, "95") for i in challenge.indicators.all()
            ],
        )
    if action == "pay_out":
        # ... and the payouts add up to the bounty.
        MembershipFactory(user_id=user_id, organisation=challenge.issuer)
        Payout.objects.create(
            challenge=challenge,
            amount_wan=challenge.bounty_wan,
            paid_on=timezone.localdate(),
            recorded_at=timezone.now(),
        )
        return pay_out_challenge(pk, by_user_id=user_id)
    if action == "withdraw":
        return withdraw_challenge(pk, by_user_id=user_id, reason="需求已内部解决")
    if action == "fail":
        return fail_challenge(pk, by_user_id=user_id, reason="无合格申请")
    if action == "terminate":
        return terminate_challenge(pk, by_user_id=user_id, reason="揭榜方违约")
    raise AssertionError(action)


MATRIX = [(action, status) for action in TRANSITIONS for status in ALL]
EXPECTED = {
    "submit": {S.DRAFT: S.SUBMITTED, S.REJECTED: S.SUBMITTED},
    "recall": {S.SUBMITTED: S.DRAFT},
    "publish": {S.SUBMITTED: S.PUBLISHED},
    "reject": {S.SUBMITTED: S.REJECTED},
    "close": {S.PUBLISHED: S.CLOSED},
    "start_review": {S.CLOSED: S.UNDER_REVIEW},
    "award": {S.UNDER_REVIEW: S.AWARDED},
    "revoke_award": {S.AWARDED: S.UNDER_REVIEW},
    "start_delivery": {S.AWARDED: S.IN_PROGRESS},
    "accept": {S.IN_PROGRESS: S.ACCEPTED},
    "pay_out": {S.ACCEPTED: S.PAID_OUT},
    "withdraw": {
        S.DRAFT: S.WITHDRAWN,
        S.SUBMITTED: S.WITHDRAWN,
        S.REJECTED: S.WITHDRAWN,
        S.PUBLISHED: S.WITHDRAWN,
    },
    "fail": {S.CLOSED: S.FAILED, S.UNDER_REVIEW: S.FAILED},
    "terminate": {
        S.AWARDED: S.TERMINATED,
        S.IN_PROGRESS: S.TERMINATED,
        S.ACCEPTED: S.TERMINATED,
    },
}


def test_transition_table_is_the_documented_one():
    assert {
        action: {status: target for status in sources}
        for action, (sources, target) in TRANSITIONS.items()
    } == EXPECTED


@pytest.mark.parametrize(("action", "status"), MATRIX)
def test_challenge_transition_matrix_allows_exactly_the_legal_steps(
    action, status, user
):
    challenge = _in(status)
    expected = EXPECTED[action].get(status)

    if expected is None:
        with pytest.raises(IllegalChallengeTransition) as error:
            _run(action, challenge, user.pk)
        assert error.value.code == "illegal_transition"
        # The message names the status the challenge is in (in the site's language).
        assert str(S(status).label) in str(error.value.message)
        challenge.refresh_from_db()
        assert challenge.status == status
        assert not ChallengeTransition.objects.filter(challenge=challenge).exists()
    else:
        _run(action, challenge, user.pk)
        challenge.refresh_from_db()
        assert challenge.status == expected
        step = ChallengeTransition.objects.get(challenge=challenge)
        assert (step.action, step.from_status, step.to_status) == (
            action,
            status,
            expected,
        )
        assert step.by_user_id == (None if action == "close" else user.pk)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("reject", S.SUBMITTED),
        ("withdraw", S.PUBLISHED),
        ("fail", S.UNDER_REVIEW),
        ("terminate", S.IN_PROGRESS),
    ],
)
def test_ending_steps_need_a_reason_and_change_nothing_without_one(
    action, status, user
):
    challenge = _in(status)
    service = {
        "reject": reject_challenge,
        "withdraw": withdraw_challenge,
        "fail": fail_challenge,
        "terminate": terminate_challenge,
    }[action]
    with pytest.raises(ChallengeError) as error:
        service(challenge.pk, by_user_id=user.pk, reason="   ")
    assert error.value.code == "reason_required"
    challenge.refresh_from_db()
    assert challenge.status == status
    assert challenge.rejection_reason == "" and challenge.end_reason == ""
    assert not challenge.transitions.exists()


def test_withdrawal_keeps_its_reason_on_the_challenge_and_the_step(user):
    challenge = _in(S.PUBLISHED)
    withdraw_challenge(challenge.pk, by_user_id=user.pk, reason="需求已内部解决")
    challenge.refresh_from_db()
    assert challenge.end_reason == "需求已内部解决"
    assert challenge.transitions.get().reason == "需求已内部解决"


def test_every_step_is_announced_with_old_and_new_status_and_actor(user):
    challenge = _in(S.SUBMITTED)
    seen = []

    def receiver(sender, **kwargs):
        seen.append(kwargs)

    challenge_status_changed.connect(receiver, dispatch_uid="test_challenge_signal")
    try:
        reject_challenge(challenge.pk, by_user_id=user.pk, reason="指标不可测")
    finally:
        challenge_status_changed.disconnect(dispatch_uid="test_challenge_signal")
    assert len(seen) == 1
    assert seen[0] == {
        "signal": challenge_status_changed,
        "challenge_id": challenge.pk,
        "action": "reject",
        "old_status": S.SUBMITTED,
        "new_status": S.REJECTED,
        "by_user_id": user.pk,
        "reason": "指标不可测",
    }
    challenge.refresh_from_db()
    assert challenge.rejection_reason == "指标不可测"
    assert challenge.reviewed_by_id == user.pk


# -- Drafting and submission ----------------------------------------------------------


def _draft(issuer, **overrides) -> Challenge:
    values = {
        "issuer": issuer,
        "title": "高镍正极材料循环寿命提升",
        "background": "<p>背景</p><script>alert(1)</script>",
        "objectives": "循环寿命提升",
        "deliverables": "工艺包",
        "field": ChallengeFactory.build().field,
        "region": ChallengeFactory.build().region,
        "bounty_wan": Decimal("300"),
        "duration_months": 12,
        "application_deadline": timezone.now() + dt.timedelta(days=20),
        "contact_name": "李工",
    }
    values.update(overrides)
    return Challenge(**values)


INDICATORS = [
    IndicatorData(
        name="容量保持率", unit="%", target_value="90", measurement="第三方检测"
    )
]
CRITERIA = [
    CriterionData(name="方案", weight=70),
    CriterionData(name="团队", weight=30),
]


def test_save_challenge_creates_a_sanitised_draft_with_indicators_and_criteria(user):
    issuer = OrganisationFactory()
    challenge = save_challenge(
        _draft(issuer), by_user_id=user.pk, indicators=INDICATORS, criteria=CRITERIA
    )
    challenge.refresh_from_db()
    assert challenge.status == S.DRAFT
    assert "<script>" not in challenge.background and "背景" in challenge.background
    assert challenge.max_consortium_members == 4
    assert challenge.objection_days == 7
    assert [str(i) for i in challenge.indicators.all()] == ["容量保持率 不低于 90 %"]
    assert [c.weight for c in challenge.review_criteria.all()] == [70, 30]
    submit_challenge(challenge.pk, by_user_id=user.pk)
    assert Challenge.objects.get(pk=challenge.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    ("overrides", "indicators", "criteria", "code", "field"),
    [
        ({"bounty_wan": Decimal("0")}, INDICATORS, CRITERIA, "invalid", "bounty_wan"),
        ({"bounty_wan": Decimal("-5")}, INDICATORS, CRITERIA, "invalid", "bounty_wan"),
        ({"duration_months": 0}, INDICATORS, CRITERIA, "invalid", "duration_months"),
        (
            {},
            INDICATORS,
            [
                CriterionData(name="方案", weight=70),
                CriterionData(name="团队", weight=20),
            ],
            "weights_not_100",
            "criteria",
        ),
        (
            {},
            [IndicatorData(name="容量", target_value="九十", measurement="检测")],
            CRITERIA,
            "invalid_indicators",
            "indicators",
        ),
        (
            {},
            [IndicatorData(name="容量", target_value="NaN", measurement="检测")],
            CRITERIA,
            "invalid_indicators",
            "indicators",
        ),
        (
            {},
            [IndicatorData(name="容量", target_value="90", measurement="")],
            CRITERIA,
            "invalid_indicators",
            "indicators",
        ),
    ],
)
def test_save_challenge_refuses_bad_values_and_writes_nothing(
    overrides, indicators, criteria, code, field, user
):
    with pytest.raises(ChallengeError) as error:
        save_challenge(
            _draft(OrganisationFactory(), **overrides),
            by_user_id=user.pk,
            indicators=indicators,
            criteria=criteria,
        )
    assert error.value.code == code
    assert field in error.value.errors
    assert not Challenge.objects.exists()


def test_weights_message_says_what_they_add_up_to(user):
    with pytest.raises(ChallengeError) as error:
        save_challenge(
            _draft(OrganisationFactory()),
            by_user_id=user.pk,
            indicators=INDICATORS,
            criteria=[CriterionData(name="方案", weight=50)],
        )
    assert "50" in str(error.value.message) and "100" in str(error.value.message)


def test_edit_of_a_bad_value_leaves_the_stored_draft_unchanged(user):
    challenge = ChallengeFactory()
    challenge.bounty_wan = Decimal("0")
    challenge.title = "改过的标题"
    with pytest.raises(ChallengeError):
        save_challenge(challenge, by_user_id=user.pk, indicators=[])
    stored = Challenge.objects.get(pk=challenge.pk)
    assert stored.bounty_wan == Decimal("500") and stored.title != "改过的标题"
    assert stored.indicators.count() == 1


def test_a_published_challenge_cannot_be_edited(user):
    challenge = ChallengeFactory(status=S.PUBLISHED)
    challenge.title = "发榜后改标题"
    with pytest.raises(ChallengeError) as error:
        save_challenge(challenge, by_user_id=user.pk)
    assert error.value.code == "not_editable"
    assert Challenge.objects.get(pk=challenge.pk).title != "发榜后改标题"


def test_a_challenge_is_promoted_only_from_its_issuers_own_demand(user):
    issuer = OrganisationFactory()
    own = DemandFactory(organisation=issuer)
    foreign = DemandFactory()
    with pytest.raises(ChallengeError) as error:
        save_challenge(_draft(issuer, source_demand=foreign), by_user_id=user.pk)
    assert error.value.code == "foreign_demand"
    challenge = save_challenge(_draft(issuer, source_demand=own), by_user_id=user.pk)
    assert challenge.source_demand_id == own.pk
    assert list(own.challenges.all()) == [challenge]


def test_submission_lists_what_is_missing_and_changes_nothing(user):
    challenge = ChallengeFactory(indicators=[], criteria=[("方案", 80)])
    Challenge.objects.filter(pk=challenge.pk).update(
        application_deadline=timezone.now() - dt.timedelta(hours=1), contact_name=""
    )
    with pytest.raises(ChallengeError) as error:
        submit_challenge(challenge.pk, by_user_id=user.pk)
    assert error.value.code == "incomplete"
    assert set(error.value.errors) == {
        "indicators",
        "criteria",
        "application_deadline",
        "contact_name",
    }
    assert Challenge.objects.get(pk=challenge.pk).status == S.DRAFT


def test_publication_after_the_deadline_is_refused_with_the_deadline_in_beijing_time(
    user,
):
    challenge = ChallengeFactory(status=S.SUBMITTED)
    deadline = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)
    Challenge.objects.filter(pk=challenge.pk).update(application_deadline=deadline)
    with pytest.raises(ChallengeError) as error:
        publish_challenge(challenge.pk, by_user_id=user.pk, now=NOW)
    assert "2027-03-01 18:00 (北京时间)" in str(error.value.message)
    assert Challenge.objects.get(pk=challenge.pk).status == S.SUBMITTED


def test_beijing_time_converts_from_utc():
    assert beijing_time(dt.datetime(2027, 2, 28, 16, 30, tzinfo=dt.UTC)) == (
        "2027-03-01 00:30 (北京时间)"
    )


# -- Automatic close ------------------------------------------------------------------


def test_close_due_challenges_closes_exactly_those_past_their_deadline():
    due = ChallengeFactory(status=S.PUBLISHED, application_deadline=NOW)
    later = ChallengeFactory(
        status=S.PUBLISHED, application_deadline=NOW + dt.timedelta(minutes=1)
    )
    draft = ChallengeFactory(application_deadline=NOW - dt.timedelta(days=1))

    assert close_due_challenges(NOW - dt.timedelta(seconds=1)) == 0
    assert close_due_challenges(NOW) == 1
    assert close_due_challenges(NOW) == 0  # safe to run twice

    due.refresh_from_db()
    assert due.status == S.CLOSED and due.closed_at == NOW
    step = due.transitions.get()
    assert (step.by_user_id, step.at, step.reason) == (None, NOW, "deadline")
    assert Challenge.objects.get(pk=later.pk).status == S.PUBLISHED
    assert Challenge.objects.get(pk=draft.pk).status == S.DRAFT

    assert close_due_challenges(NOW + dt.timedelta(minutes=1)) == 1
    assert Challenge.objects.get(pk=later.pk).status == S.CLOSED


def test_closing_before_the_deadline_is_refused(user):
    challenge = ChallengeFactory(status=S.PUBLISHED, application_deadline=NOW)
    with pytest.raises(ChallengeError) as error:
        close_challenge(challenge.pk, now=NOW - dt.timedelta(minutes=1))
    assert error.value.code == "deadline_not_reached"
    assert "2027-03-01 18:00" in str(error.value.message)
    assert Challenge.objects.get(pk=challenge.pk).status == S.PUBLISHED


def test_close_task_closes_due_challenges_and_is_on_the_beat_every_minute(settings):
    challenge = ChallengeFactory(
        status=S.PUBLISHED,
        application_deadline=timezone.now() - dt.timedelta(seconds=5),
    )
    assert close_due_task() == 1
    assert Challenge.objects.get(pk=challenge.pk).status == S.CLOSED
    from config.celery import app as celery_app

    celery_app.loader.import_default_modules()
    assert "market.tasks.close_due_challenges" in celery_app.tasks
    entry = settings.CELERY_BEAT_SCHEDULE["close-due-challenges"]
    assert entry["task"] == "market.tasks.close_due_challenges"
    assert entry["schedule"] == 60
    assert entry["options"]["expires"] < 60


# -- Award, objections, delivery ------------------------------------------------------


def _awarded(user, now=NOW) -> Challenge:
    challenge = _in(S.UNDER_REVIEW)
    award_challenge(
        challenge.pk,
        application_id=challenge._application.pk,
        by_user_id=user.pk,
        announcement="拟由某大学团队挂帅",
        now=now,
    )
    challenge.refresh_from_db()
    return challenge


def test_award_opens_the_objection_period_of_the_challenges_days(user):
    challenge = _awarded(user)
    assert challenge.status == S.AWARDED
    assert challenge.awarded_at == NOW
    assert challenge.objection_period_ends_at == NOW + dt.timedelta(days=7)
    assert challenge.awarded_application_id is not None


def test_award_refuses_a_draft_or_foreign_application(user):
    challenge = _in(S.UNDER_REVIEW)
    draft = ChallengeApplicationFactory(challenge=challenge)
    foreign = ChallengeApplicationFactory(status=ApplicationStatus.SUBMITTED)
    for application in (draft, foreign):
        with pytest.raises(ChallengeError) as error:
            award_challenge(
                challenge.pk, application_id=application.pk, by_user_id=user.pk
            )
        assert error.value.code == "bad_application"
    assert Challenge.objects.get(pk=challenge.pk).status == S.UNDER_REVIEW


def test_delivery_waits_for_the_objection_period_and_undecided_objections(user):
    challenge = _awarded(user)
    MembershipFactory(user=user, organisation=challenge.issuer)
    objector = UserFactory()
    objection = raise_objection(
        challenge.pk,
        by_user_id=objector.pk,
        text="挂帅团队与发榜方存在关联关系",
        now=NOW + dt.timedelta(days=2),
    )
    assert (objection.raised_by_id, objection.raised_at) == (
        objector.pk,
        NOW + dt.timedelta(days=2),
    )

    with pytest.raises(ChallengeError) as error:
        start_delivery(challenge.pk, by_user_id=user.pk, now=NOW + dt.timedelta(days=6))
    assert error.value.code == "objection_period"
    assert "2027-03-08 18:00 (北京时间)" in str(error.value.message)

    after = NOW + dt.timedelta(days=7)
    with pytest.raises(ChallengeError) as error:
        start_delivery(challenge.pk, by_user_id=user.pk, now=after)
    assert error.value.code == "objections_pending"
    assert Challenge.objects.get(pk=challenge.pk).status == S.AWARDED

    resolve_objection(
        objection.pk,
        by_user_id=user.pk,
        outcome=ObjectionOutcome.DISMISSED,
        note="经核查无关联",
        now=after,
    )
    objection.refresh_from_db()
    assert objection.outcome == ObjectionOutcome.DISMISSED
    assert (objection.resolved_by_id, objection.resolution_note) == (
        user.pk,
        "经核查无关联",
    )
    start_delivery(challenge.pk, by_user_id=user.pk, now=after)
    assert Challenge.objects.get(pk=challenge.pk).status == S.IN_PROGRESS


def test_objections_outside_the_period_or_without_text_are_refused(user):
    challenge = _awarded(user)
    with pytest.raises(ChallengeError) as error:
        raise_objection(
            challenge.pk,
            by_user_id=user.pk,
            text="异议",
            now=NOW + dt.timedelta(days=7),
        )
    assert error.value.code == "no_objection_period"
    with pytest.raises(ChallengeError) as error:
        raise_objection(challenge.pk, by_user_id=user.pk, text="  ", now=NOW)
    assert error.value.code == "text_required"
    published = _in(S.PUBLISHED)
    with pytest.raises(ChallengeError):
        raise_objection(published.pk, by_user_id=user.pk, text="异议", now=NOW)
    assert not ChallengeObjection.objects.exists()


def test_an_upheld_objection_revokes_the_award(user):
    challenge = _awarded(user)
    objection = raise_objection(
        challenge.pk, by_user_id=user.pk, text="评分有误", now=NOW
    )
    with pytest.raises(ChallengeError) as error:
        resolve_objection(objection.pk, by_user_id=user.pk, outcome="upheld", note="")
    assert error.value.code == "note_required"
    with pytest.raises(ChallengeError):
        resolve_objection(objection.pk, by_user_id=user.pk, outcome="maybe", note="x")
    assert Challenge.objects.get(pk=challenge.pk).status == S.AWARDED

    resolve_objection(
        objection.pk,
        by_user_id=user.pk,
        outcome="upheld",
        note="复核后评分有误",
        now=NOW + dt.timedelta(days=1),
    )
    challenge.refresh_from_db()
    assert challenge.status == S.UNDER_REVIEW
    assert challenge.awarded_application_id is None
    assert challenge.objection_period_ends_at is None
    assert challenge.transitions.last().reason == "复核后评分有误"
    with pytest.raises(ChallengeError) as error:
        resolve_objection(
            objection.pk, by_user_id=user.pk, outcome="dismissed", note="再议"
        )
    assert error.value.code == "already_resolved"


def test_the_whole_life_cycle_from_draft_to_payout(user):
    # Steps without an explicit time happen now: the others follow from now on.
    base = timezone.now()
    moderator = UserFactory()
    issuer = OrganisationFactory()
    challenge = save_challenge(
        _draft(issuer, application_deadline=base + dt.timedelta(days=30)),
        by_user_id=user.pk,
        indicators=INDICATORS,
        criteria=CRITERIA,
    )
    submit_challenge(challenge.pk, by_user_id=user.pk, now=base)
    publish_challenge(challenge.pk, by_user_id=moderator.pk, now=base)
    application = ChallengeApplicationFactory(
        challenge=challenge, status=ApplicationStatus.SUBMITTED
    )
    assert close_due_challenges(base + dt.timedelta(days=30)) == 1
    start_review(challenge.pk, by_user_id=user.pk)
    award_challenge(
        challenge.pk,
        application_id=application.pk,
        by_user_id=user.pk,
        now=base + dt.timedelta(days=40),
    )
    MembershipFactory(user=user, organisation=issuer)
    start_delivery(challenge.pk, by_user_id=user.pk, now=base + dt.timedelta(days=47))
    accept_challenge(
        challenge.pk,
        by_user_id=user.pk,
        measurements=[MeasurementData(i.pk, "95") for i in challenge.indicators.all()],
        reason="全部指标达标",
    )
    record_payout(
        challenge.pk,
        by_user_id=user.pk,
        amount_wan=challenge.bounty_wan,
        paid_on=timezone.localdate(),
    )
    pay_out_challenge(challenge.pk, by_user_id=user.pk)
    assert [(t.action, t.to_status) for t in challenge.transitions.all()] == [
        ("submit", S.SUBMITTED),
        ("publish", S.PUBLISHED),
        ("close", S.CLOSED),
        ("start_review", S.UNDER_REVIEW),
        ("award", S.AWARDED),
        ("start_delivery", S.IN_PROGRESS),
        ("accept", S.ACCEPTED),
        ("pay_out", S.PAID_OUT),
    ]


def test_attachments_are_checked_like_listing_uploads_and_only_on_drafts(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from market.services.challenges import add_challenge_attachment
    from tests.factories.files import pdf

    challenge = ChallengeFactory()
    with pytest.raises(ChallengeError) as error:
        add_challenge_attachment(
            challenge.pk,
            SimpleUploadedFile("任务书.pdf", b"<html><script>x</script></html>"),
            by_user_id=user.pk,
        )
    assert error.value.code == "bad_file"
    assert not challenge.attachments.exists()

    attachment = add_challenge_attachment(
        challenge.pk, SimpleUploadedFile("任务书.pdf", pdf()), by_user_id=user.pk
    )
    assert attachment.document.file.name.endswith(".pdf")
    assert list(challenge.attachments.all()) == [attachment]

    published = ChallengeFactory(status=S.PUBLISHED)
    with pytest.raises(ChallengeError) as error:
        add_challenge_attachment(
            published.pk, SimpleUploadedFile("任务书.pdf", pdf()), by_user_id=user.pk
        )
    assert error.value.code == "not_editable"
    assert not published.attachments.exists()


def test_the_winning_application_goes_only_with_its_challenge(user):
    from django.db.models import RestrictedError

    challenge = _awarded(user)
    winner = challenge.awarded_application
    with pytest.raises(RestrictedError):
        winner.delete()
    challenge.delete()
    assert not Challenge.objects.filter(pk=challenge.pk).exists()
    assert not type(winner).objects.filter(pk=winner.pk).exists()


def test_only_the_issuers_members_or_a_moderator_start_the_work(user):
    challenge = _in(S.AWARDED)
    with pytest.raises(ChallengeError) as error:
        start_delivery(challenge.pk, by_user_id=user.pk)
    assert error.value.code == "forbidden"
    assert Challenge.objects.get(pk=challenge.pk).status == S.AWARDED
    assert not challenge.transitions.exists()
