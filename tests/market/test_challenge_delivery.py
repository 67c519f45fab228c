"""The delivery of an awarded challenge: milestones agreed at the start, their
acceptance with measured values and evidence, the final acceptance, the payouts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from accounts.roles import Role
from market.models import (
    ChallengeStatus,
    DeliveryAction,
    DeliveryEvidence,
    DeliveryLogEntry,
    DeliveryMilestone,
    IndicatorDirection,
    IndicatorMeasurement,
    MilestoneStatus,
    Payout,
)
from market.selectors import honour_list, indicator_results
from market.services.challenges import (
    IllegalChallengeTransition,
    accept_challenge,
    pay_out_challenge,
)
from market.services.delivery import (
    DeliveryError,
    MeasurementData,
    MilestonePlan,
    accept_milestone,
    add_months,
    record_payout,
    save_milestones,
)
from market.signals import challenge_delivery
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    challenge_in_delivery,
)
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

S = ChallengeStatus
# 18:00 in Beijing on the last day of January.
NOW = dt.datetime(2027, 1, 31, 10, 0, tzinfo=dt.UTC)
TWO = [("容量保持率", "%", "90"), ("循环次数", "次", "1000")]


@pytest.fixture
def issuer_user():
    user = UserFactory()
    MembershipFactory(user=user, organisation=OrganisationFactory(name="星海电池"))
    return user


def _started(issuer_user, **kwargs):
    return challenge_in_delivery(
        issuer=issuer_user.memberships.get().organisation, now=NOW, **kwargs
    )


def _indicator(challenge, name):
    return challenge.indicators.get(name=name)


# -- Milestones agreed at the start ---------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 1, 15), 12) == dt.date(2028, 1, 15)
    assert add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)


def test_start_copies_the_winners_milestones_with_due_dates_from_the_start(
    issuer_user,
):
    challenge = _started(
        issuer_user,
        indicators=TWO,
        milestones=(("小试", 1, "小试样品"), ("验收", 12, "样机与报告")),
    )

    milestones = list(challenge.delivery_milestones.all())
    assert challenge.status == S.IN_PROGRESS
    assert [(m.title, m.due_on) for m in milestones] == [
        ("小试", dt.date(2027, 2, 28)),
        ("验收", dt.date(2028, 1, 31)),
    ]
    # The last milestone must show every indicator until the issuer decides.
    assert list(milestones[0].indicators.all()) == []
    assert {i.name for i in milestones[1].indicators.all()} == {
        "容量保持率",
        "循环次数",
    }
    entry = DeliveryLogEntry.objects.get(challenge=challenge)
    assert entry.action == DeliveryAction.MILESTONES_AGREED
    assert "小试 (2027-02-28)" in entry.summary


def test_issuer_changes_milestones_until_the_first_is_accepted(issuer_user):
    challenge = _started(issuer_user, indicators=TWO)
    first, second = challenge.delivery_milestones.all()
    retention = _indicator(challenge, "容量保持率")

    save_milestones(
        challenge.pk,
        by_user_id=issuer_user.pk,
        milestones=[
            MilestonePlan(
                "小试（调整）",
                "小试样品 5 kg",
                dt.date(2027, 4, 30),
                (retention.pk,),
                first.pk,
            ),
            MilestonePlan("中试", "中试样品", dt.date(2027, 9, 30)),
        ],
        now=NOW,
    )

    rows = list(challenge.delivery_milestones.all())
    assert [(m.title, m.due_on) for m in rows] == [
        ("小试（调整）", dt.date(2027, 4, 30)),
        ("中试", dt.date(2027, 9, 30)),
    ]
    assert rows[0].pk == first.pk and list(rows[0].indicators.all()) == [retention]
    assert not DeliveryMilestone.objects.filter(pk=second.pk).exists()

    accept_milestone(
        first.pk,
        by_user_id=issuer_user.pk,
        measurements=[MeasurementData(retention.pk, "88")],
        now=NOW,
    )
    with pytest.raises(DeliveryError) as error:
        save_milestones(
            challenge.pk,
            by_user_id=issuer_user.pk,
            milestones=[MilestonePlan("新的", "新交付物", dt.date(2027, 5, 1))],
        )
    assert error.value.code == "milestones_fixed"
    assert challenge.delivery_milestones.count() == 2


def test_milestones_need_title_deliverable_date_and_own_indicators(issuer_user):
    challenge = _started(issuer_user)
    foreign = challenge_in_delivery().indicators.get()
    before = list(challenge.delivery_milestones.values_list("title", "due_on"))

    with pytest.raises(DeliveryError) as error:
        save_milestones(
            challenge.pk,
            by_user_id=issuer_user.pk,
            milestones=[
                MilestonePlan("", "样品", dt.date(2027, 4, 30)),
                MilestonePlan("中试", "样机", None),
                MilestonePlan("验收", "报告", dt.date(2027, 9, 1), (foreign.pk,)),
            ],
        )

    # One message per faulty row, each naming its row.
    messages = error.value.errors["milestones"]
    assert [any(str(n) in m for m in messages) for n in (1, 2, 3)] == [True] * 3
    assert len(messages) == 3
    assert list(challenge.delivery_milestones.values_list("title", "due_on")) == before


# -- Milestone acceptance -------------------------------------------------------------


def test_accepting_a_milestone_needs_the_values_it_must_show_and_records_who(
    issuer_user,
):
    challenge = _started(issuer_user, indicators=TWO)
    last = challenge.delivery_milestones.last()
    retention = _indicator(challenge, "容量保持率")
    cycles = _indicator(challenge, "循环次数")

    with pytest.raises(DeliveryError) as error:
        accept_milestone(
            last.pk,
            by_user_id=issuer_user.pk,
            measurements=[MeasurementData(retention.pk, "91")],
            now=NOW,
        )
    assert error.value.code == "invalid_measurements"
    assert "循环次数" in str(error.value.errors[f"indicator_{cycles.pk}"])
    last.refresh_from_db()
    assert last.status == MilestoneStatus.PENDING
    assert not IndicatorMeasurement.objects.exists()

    accept_milestone(
        last.pk,
        by_user_id=issuer_user.pk,
        measurements=[
            MeasurementData(retention.pk, "91.2", dt.date(2027, 1, 20), "第三方检测"),
            MeasurementData(cycles.pk, "1100"),
        ],
        note="同意通过",
        evidence=[SimpleUploadedFile("检测报告.pdf", pdf())],
        now=NOW,
    )

    last.refresh_from_db()
    assert (last.status, last.accepted_by_id, last.accepted_at, last.note) == (
        MilestoneStatus.ACCEPTED,
        issuer_user.pk,
        NOW,
        "同意通过",
    )
    values = {
        m.indicator.name: (m.measured_value, m.measured_on, m.recorded_by_id)
        for m in last.measurements.all()
    }
    assert values == {
        "容量保持率": (Decimal("91.2"), dt.date(2027, 1, 20), issuer_user.pk),
        # Without a date the measurement is of the day (in Beijing).
        "循环次数": (Decimal("1100"), dt.date(2027, 1, 31), issuer_user.pk),
    }
    evidence = DeliveryEvidence.objects.get(milestone=last)
    assert evidence.uploaded_by_id == issuer_user.pk
    assert evidence.document.file.name.endswith(".pdf")
    assert DeliveryLogEntry.objects.filter(
        challenge=challenge, action=DeliveryAction.MILESTONE_ACCEPTED
    ).exists()

    with pytest.raises(DeliveryError) as again:
        accept_milestone(last.pk, by_user_id=issuer_user.pk, measurements=[])
    assert again.value.code == "already_accepted"


def test_evidence_is_checked_like_challenge_attachments_and_refusal_keeps_nothing(
    issuer_user,
):
    challenge = _started(issuer_user)
    last = challenge.delivery_milestones.last()
    indicator = challenge.indicators.get()

    with pytest.raises(DeliveryError) as error:
        accept_milestone(
            last.pk,
            by_user_id=issuer_user.pk,
            measurements=[MeasurementData(indicator.pk, "95")],
            evidence=[SimpleUploadedFile("报告.pdf", b"<html><script>x</script>")],
            now=NOW,
        )

    assert error.value.code == "bad_file"
    assert "evidence_uploads" in error.value.errors
    last.refresh_from_db()
    assert last.status == MilestoneStatus.PENDING
    assert not IndicatorMeasurement.objects.exists()
    assert not DeliveryEvidence.objects.exists()


def test_values_must_be_numbers_and_not_measured_in_the_future(issuer_user):
    challenge = _started(issuer_user)
    last = challenge.delivery_milestones.last()
    indicator = challenge.indicators.get()

    for value, day in (("九十", None), ("95", dt.date(2027, 2, 1))):
        with pytest.raises(DeliveryError) as error:
            accept_milestone(
                last.pk,
                by_user_id=issuer_user.pk,
                measurements=[MeasurementData(indicator.pk, value, day)],
                now=NOW,
            )
        assert f"indicator_{indicator.pk}" in error.value.errors
    assert not IndicatorMeasurement.objects.exists()


def test_nothing_is_accepted_before_the_work_starts(issuer_user):
    challenge = _started(issuer_user)
    awarded = challenge_in_delivery(issuer=challenge.issuer, start=False)
    assert awarded.status == S.AWARDED

    with pytest.raises(IllegalChallengeTransition):
        accept_challenge(
            awarded.pk,
            by_user_id=issuer_user.pk,
            measurements=[MeasurementData(awarded.indicators.get().pk, "95")],
        )
    with pytest.raises(DeliveryError) as error:
        save_milestones(
            awarded.pk,
            by_user_id=issuer_user.pk,
            milestones=[MilestonePlan("小试", "样品", dt.date(2027, 3, 1))],
        )
    assert error.value.code == "not_in_progress"
    with pytest.raises(DeliveryError) as error:
        record_payout(
            awarded.pk, by_user_id=issuer_user.pk, amount_wan="10", paid_on=NOW.date()
        )
    assert error.value.code == "no_payouts"
    # Paying out comes after the acceptance, never before.
    with pytest.raises(IllegalChallengeTransition):
        pay_out_challenge(challenge.pk, by_user_id=issuer_user.pk)
    assert not awarded.delivery_milestones.exists()
    assert not Payout.objects.exists()


# -- The final acceptance -------------------------------------------------------------


def test_final_acceptance_names_the_indicators_without_a_measured_value(issuer_user):
    challenge = _started(issuer_user, indicators=TWO)
    first, last = challenge.delivery_milestones.all()
    retention = _indicator(challenge, "容量保持率")
    cycles = _indicator(challenge, "循环次数")
    save_milestones(
        challenge.pk,
        by_user_id=issuer_user.pk,
        milestones=[
            MilestonePlan(first.title, "样品", first.due_on, (retention.pk,), first.pk),
            MilestonePlan(last.title, "样机", last.due_on, (), last.pk),
        ],
    )
    accept_milestone(
        first.pk,
        by_user_id=issuer_user.pk,
        measurements=[MeasurementData(retention.pk, "91")],
        now=NOW,
    )

    with pytest.raises(DeliveryError) as error:
        accept_challenge(challenge.pk, by_user_id=issuer_user.pk, now=NOW)

    assert error.value.code == "missing_measurements"
    assert "循环次数" in str(error.value.message)
    assert "容量保持率" not in str(error.value.message)
    assert set(error.value.errors) == {f"indicator_{cycles.pk}"}
    challenge.refresh_from_db()
    assert challenge.status == S.IN_PROGRESS

    accept_challenge(
        challenge.pk,
        by_user_id=issuer_user.pk,
        measurements=[MeasurementData(cycles.pk, "1200")],
        reason="全部指标达标",
        evidence=[SimpleUploadedFile("验收报告.pdf", pdf())],
        now=NOW,
    )

    challenge.refresh_from_db()
    assert challenge.status == S.ACCEPTED
    step = challenge.transitions.last()
    assert (step.action, step.by_user_id, step.reason) == (
        "accept",
        issuer_user.pk,
        "全部指标达标",
    )
    final = IndicatorMeasurement.objects.get(challenge=challenge, milestone=None)
    assert (final.indicator_id, final.measured_value) == (cycles.pk, Decimal("1200"))
    assert (
        DeliveryEvidence.objects.filter(challenge=challenge, milestone=None).count()
        == 1
    )


def test_achieved_values_prefer_the_final_acceptance_and_met_follows_direction(
    issuer_user,
):
    challenge = _started(
        issuer_user, indicators=[("容量保持率", "%", "90"), ("内阻", "mΩ", "20")]
    )
    retention = _indicator(challenge, "容量保持率")
    resistance = _indicator(challenge, "内阻")
    resistance.direction = IndicatorDirection.AT_MOST
    resistance.save()
    last = challenge.delivery_milestones.last()
    accept_milestone(
        last.pk,
        by_user_id=issuer_user.pk,
        measurements=[
            MeasurementData(retention.pk, "85"),
            MeasurementData(resistance.pk, "18"),
        ],
        now=NOW,
    )
    accept_challenge(
        challenge.pk,
        by_user_id=issuer_user.pk,
        measurements=[MeasurementData(retention.pk, "92")],
        now=NOW,
    )

    results = {r.indicator.name: r for r in indicator_results(challenge)}
    assert (results["容量保持率"].achieved, results["容量保持率"].met) == (
        Decimal("92"),
        True,
    )
    assert results["容量保持率"].promised == Decimal("99")
    # At most 20 mΩ: 18 meets it.
    assert (results["内阻"].achieved, results["内阻"].met) == (Decimal("18"), True)
    entry = next(e for e in honour_list() if e.challenge.pk == challenge.pk)
    assert [r.achieved for r in entry.achievements] == [Decimal("92"), Decimal("18")]


@pytest.mark.parametrize(
    ("direction", "value", "met"),
    [
        (IndicatorDirection.AT_LEAST, "89.99", False),
        (IndicatorDirection.AT_LEAST, "90", True),
        (IndicatorDirection.AT_MOST, "90.01", False),
        (IndicatorDirection.AT_MOST, "90", True),
        (IndicatorDirection.EXACTLY, "90.000", True),
        (IndicatorDirection.EXACTLY, "91", False),
    ],
)
def test_an_indicator_is_met_in_its_direction(direction, value, met):
    from market.models import ChallengeIndicator

    indicator = ChallengeIndicator(target_value=Decimal("90"), direction=direction)
    assert indicator.is_met_by(Decimal(value)) is met
    assert indicator.is_met_by(None) is None


# -- Payouts --------------------------------------------------------------------------


def _accepted(issuer_user, bounty="100"):
    challenge = _started(issuer_user, bounty=bounty)
    accept_challenge(
        challenge.pk,
        by_user_id=issuer_user.pk,
        measurements=[MeasurementData(challenge.indicators.get().pk, "95")],
        now=NOW,
    )
    challenge.refresh_from_db()
    return challenge


def test_payouts_never_exceed_the_bounty(issuer_user):
    challenge = _started(issuer_user, bounty="100")
    record_payout(
        challenge.pk,
        by_user_id=issuer_user.pk,
        amount_wan="30",
        paid_on=dt.date(2027, 1, 30),
        reference="首期款",
        now=NOW,
    )

    with pytest.raises(DeliveryError) as error:
        record_payout(
            challenge.pk,
            by_user_id=issuer_user.pk,
            amount_wan="70.01",
            paid_on=dt.date(2027, 1, 31),
            now=NOW,
        )

    message = str(error.value.errors["amount_wan"][0])
    assert "100.01" in message and "70" in message  # the total, and what remains
    assert list(Payout.objects.values_list("amount_wan", flat=True)) == [
        Decimal("30.00")
    ]
    payout = record_payout(
        challenge.pk,
        by_user_id=issuer_user.pk,
        amount_wan="70",
        paid_on=dt.date(2027, 1, 31),
        now=NOW,
    )
    assert (payout.recorded_by_id, payout.recorded_at) == (issuer_user.pk, NOW)


@pytest.mark.parametrize(
    ("amount", "paid_on", "field"),
    [
        ("-5", dt.date(2027, 1, 30), "amount_wan"),
        ("0", dt.date(2027, 1, 30), "amount_wan"),
        ("1.005", dt.date(2027, 1, 30), "amount_wan"),
        ("abc", dt.date(2027, 1, 30), "amount_wan"),
        ("10", dt.date(2027, 2, 1), "paid_on"),
        ("10", None, "paid_on"),
    ],
)
def test_a_payout_needs_a_positive_amount_and_a_day_already_past(
    issuer_user, amount, paid_on, field
):
    challenge = _started(issuer_user)
    with pytest.raises(DeliveryError) as error:
        record_payout(
            challenge.pk,
            by_user_id=issuer_user.pk,
            amount_wan=amount,
            paid_on=paid_on,
            now=NOW,
        )
    assert field in error.value.errors
    assert not Payout.objects.exists()


def test_the_database_refuses_a_negative_payout(issuer_user):
    challenge = _started(issuer_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.create(
            challenge=challenge,
            amount_wan=Decimal("-1"),
            paid_on=dt.date(2027, 1, 1),
            recorded_at=NOW,
        )


def test_paying_out_needs_the_bounty_paid_or_a_reason_for_less(issuer_user):
    challenge = _accepted(issuer_user, bounty="100")

    with pytest.raises(DeliveryError) as error:
        pay_out_challenge(challenge.pk, by_user_id=issuer_user.pk)
    assert error.value.code == "no_payouts"

    record_payout(
        challenge.pk,
        by_user_id=issuer_user.pk,
        amount_wan="90",
        paid_on=dt.date(2027, 1, 31),
        now=NOW,
    )
    with pytest.raises(DeliveryError) as error:
        pay_out_challenge(challenge.pk, by_user_id=issuer_user.pk)
    assert error.value.code == "short_payout"
    assert "90" in str(error.value.message) and "100" in str(error.value.message)
    challenge.refresh_from_db()
    assert challenge.status == S.ACCEPTED

    pay_out_challenge(
        challenge.pk, by_user_id=issuer_user.pk, reason="按约定扣减 10 万元"
    )

    challenge.refresh_from_db()
    assert challenge.status == S.PAID_OUT
    assert challenge.transitions.last().reason == "按约定扣减 10 万元"


def test_full_payout_needs_no_reason(issuer_user):
    challenge = _accepted(issuer_user, bounty="50")
    record_payout(
        challenge.pk,
        by_user_id=issuer_user.pk,
        amount_wan="50",
        paid_on=dt.date(2027, 1, 31),
        now=NOW,
    )
    pay_out_challenge(challenge.pk, by_user_id=issuer_user.pk)
    challenge.refresh_from_db()
    assert challenge.status == S.PAID_OUT


# -- Who records ----------------------------------------------------------------------


def test_only_the_issuers_members_and_moderators_record_the_delivery(
    issuer_user, role_groups
):
    challenge = _started(issuer_user)
    last = challenge.delivery_milestones.last()
    indicator = challenge.indicators.get()
    stranger = UserFactory()
    MembershipFactory(user=stranger)
    team = UserFactory()
    MembershipFactory(
        user=team, organisation=challenge.awarded_application.lead_organisation
    )
    values = [MeasurementData(indicator.pk, "95")]

    for user in (stranger, team):
        for attempt in (
            lambda u: accept_milestone(last.pk, by_user_id=u.pk, measurements=values),
            lambda u: record_payout(
                challenge.pk, by_user_id=u.pk, amount_wan="1", paid_on=NOW.date()
            ),
            lambda u: save_milestones(
                challenge.pk,
                by_user_id=u.pk,
                milestones=[MilestonePlan("小试", "样品", dt.date(2027, 3, 1))],
            ),
            lambda u: accept_challenge(
                challenge.pk, by_user_id=u.pk, measurements=values
            ),
        ):
            with pytest.raises(DeliveryError) as error:
                attempt(user)
            assert error.value.code == "forbidden"
    assert not IndicatorMeasurement.objects.exists() and not Payout.objects.exists()

    moderator = UserFactory(roles=[Role.MODERATOR])
    accept_milestone(last.pk, by_user_id=moderator.pk, measurements=values, now=NOW)
    last.refresh_from_db()
    assert last.accepted_by_id == moderator.pk


def test_delivery_records_are_announced(issuer_user):
    challenge = _started(issuer_user)
    seen = []

    def receiver(sender, **kwargs):
        seen.append((kwargs["event"], kwargs["challenge_id"], kwargs["payout_id"]))

    challenge_delivery.connect(receiver, dispatch_uid="test_delivery_signal")
    try:
        payout = record_payout(
            challenge.pk,
            by_user_id=issuer_user.pk,
            amount_wan="10",
            paid_on=NOW.date(),
            now=NOW,
        )
    finally:
        challenge_delivery.disconnect(dispatch_uid="test_delivery_signal")
    assert seen == [(DeliveryAction.PAYOUT_RECORDED, challenge.pk, payout.pk)]
