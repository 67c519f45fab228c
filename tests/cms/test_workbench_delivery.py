"""The delivery pages: the issuer starts the work, agrees milestones, accepts them
with measured values and evidence, records the final acceptance and the payouts;
the winning team reads along; the public sees what was achieved, never the evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from market.models import (
    ChallengeStatus,
    DeliveryEvidence,
    IndicatorMeasurement,
    MilestoneStatus,
    Payout,
)
from market.services.delivery import MeasurementData, accept_challenge, record_payout
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    challenge_in_delivery,
)
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

S = ChallengeStatus


@pytest.fixture(autouse=True)
def english(client, settings):
    """Assert on the English source strings, whatever locale/ translates them to."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def url(name, *args):
    return reverse(f"workbench:{name}", args=args)


@pytest.fixture
def issuer():
    user = UserFactory()
    organisation = OrganisationFactory(name="星海电池")
    MembershipFactory(user=user, organisation=organisation)
    return user


def started(issuer_user, **kwargs):
    return challenge_in_delivery(
        issuer=issuer_user.memberships.get().organisation, **kwargs
    )


def _formset(prefix, rows):
    """POST data of a formset: management form and ``rows`` (dicts of fields)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


# -- Who sees the delivery page -------------------------------------------------------


def test_issuer_sees_milestones_and_the_steps(client, issuer):
    challenge = started(issuer)
    client.force_login(issuer)

    response = client.get(url("delivery", challenge.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "小试验证" in html and "中试与验收" in html
    assert url("payout_create", challenge.pk) in html
    assert url("final_acceptance", challenge.pk) in html
    assert url("delivery_milestones", challenge.pk) in html
    # The challenge's workbench page leads there.
    assert (
        url("delivery", challenge.pk)
        in client.get(url("challenge_detail", challenge.pk)).content.decode()
    )


def test_winning_team_reads_the_delivery_but_records_nothing(client, issuer):
    challenge = started(issuer)
    team = UserFactory()
    MembershipFactory(
        user=team, organisation=challenge.awarded_application.lead_organisation
    )
    client.force_login(team)

    page = client.get(url("delivery", challenge.pk))
    assert page.status_code == 200
    assert url("payout_create", challenge.pk) not in page.content.decode()
    response = client.post(
        url("payout_create", challenge.pk),
        {"amount_wan": "10", "paid_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert not Payout.objects.exists()


def test_other_organisations_get_404_and_visitors_the_login(client, issuer):
    challenge = started(issuer)
    stranger = UserFactory()
    MembershipFactory(user=stranger)

    for name, args in (
        ("delivery", ()),
        ("final_acceptance", ()),
        ("payout_create", ()),
        ("delivery_milestones", ()),
    ):
        address = url(name, challenge.pk, *args)
        anonymous = client.get(address)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    client.force_login(stranger)
    assert client.get(url("delivery", challenge.pk)).status_code == 404
    assert client.post(url("pay_out", challenge.pk)).status_code == 404
    assert (
        client.post(
            url("payout_create", challenge.pk),
            {"amount_wan": "10", "paid_on": timezone.localdate().isoformat()},
        ).status_code
        == 404
    )
    assert not Payout.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/workbench/challenges/99999999999999999999999/delivery/",
        "/workbench/challenges/99999999999999999999999/delivery/accept/",
        "/workbench/challenges/1/delivery/milestones/99999999999999999999999/accept/",
        "/workbench/challenges/abc/delivery/",
        "/workbench/challenges/{pk}/delivery/?page=%C2%B2&status=<x>",
        "/workbench/challenges/{pk}/delivery/milestones/0/accept/",
        "/workbench/challenges/{pk}/delivery/payouts/new/?milestone=abc",
    ],
)
def test_malformed_ids_and_parameters_answer_4xx_or_a_page(client, issuer, path):
    challenge = started(issuer)
    client.force_login(issuer)
    assert client.get(path.format(pk=challenge.pk)).status_code in (200, 404)


# -- Starting and milestones ----------------------------------------------------------


def test_issuer_starts_the_work_and_the_milestones_are_agreed(client, issuer):
    challenge = started(issuer, start=False)
    client.force_login(issuer)
    assert (
        "Start the work" in client.get(url("delivery", challenge.pk)).content.decode()
    )

    response = client.post(url("delivery_start", challenge.pk))

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == S.IN_PROGRESS
    assert challenge.delivery_milestones.count() == 2


def test_milestone_form_changes_the_rows_and_keeps_input_on_errors(client, issuer):
    challenge = started(issuer)
    first, second = challenge.delivery_milestones.all()
    indicator = challenge.indicators.get()
    client.force_login(issuer)
    rows = [
        {
            "milestone": first.pk,
            "title": "小试（调整）",
            "due_on": "2027-05-31",
            "deliverable": "小试样品 5 kg",
            "indicators": str(indicator.pk),
        },
        {
            "milestone": second.pk,
            "title": "中试",
            "due_on": "",
            "deliverable": "中试样机",
        },
    ]

    refused = client.post(
        url("delivery_milestones", challenge.pk), _formset("ms", rows)
    )

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Fill this in." in html
    assert "小试（调整）" in html and "小试样品 5 kg" in html
    first.refresh_from_db()
    assert first.title == "小试验证"

    rows[1]["due_on"] = "2027-12-31"
    saved = client.post(url("delivery_milestones", challenge.pk), _formset("ms", rows))

    assert saved.status_code == 302
    first.refresh_from_db()
    assert (first.title, first.due_on) == ("小试（调整）", dt.date(2027, 5, 31))
    assert list(first.indicators.all()) == [indicator]


# -- Acceptance -----------------------------------------------------------------------


def test_milestone_acceptance_shows_field_errors_and_keeps_the_evidence(client, issuer):
    challenge = started(issuer)
    last = challenge.delivery_milestones.last()
    indicator = challenge.indicators.get()
    client.force_login(issuer)
    data = {
        **_formset("m", [{"indicator": indicator.pk, "measured_value": ""}]),
        "note": "专家组现场验收",
        "evidence_uploads": SimpleUploadedFile(
            "检测报告.pdf", pdf(), content_type="application/pdf"
        ),
    }

    refused = client.post(url("milestone_accept", challenge.pk, last.pk), data)

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "record the measured value" in html
    assert "专家组现场验收" in html  # the note is still there
    assert "检测报告.pdf" in html  # the checked file is kept for the next try
    kept = refused.context["kept_token"]
    assert kept
    last.refresh_from_db()
    assert last.status == MilestoneStatus.PENDING

    again = {
        **_formset("m", [{"indicator": indicator.pk, "measured_value": "91.5"}]),
        "note": "专家组现场验收",
        "kept_uploads": kept,
    }
    accepted = client.post(url("milestone_accept", challenge.pk, last.pk), again)

    assert accepted.status_code == 302
    last.refresh_from_db()
    assert (last.status, last.accepted_by_id) == (MilestoneStatus.ACCEPTED, issuer.pk)
    assert last.measurements.get().measured_value == Decimal("91.5")
    assert DeliveryEvidence.objects.get(milestone=last).document.title == "检测报告"


def test_final_acceptance_names_what_is_missing_then_accepts(client, issuer):
    challenge = started(issuer, indicators=[("容量保持率", "%", "90")])
    indicator = challenge.indicators.get()
    client.force_login(issuer)

    refused = client.post(
        url("final_acceptance", challenge.pk),
        {**_formset("m", [{"indicator": indicator.pk}]), "note": "验收会"},
    )

    assert refused.status_code == 400
    assert "容量保持率”: record the measured value" in refused.content.decode()
    assert "验收会" in refused.content.decode()
    challenge.refresh_from_db()
    assert challenge.status == S.IN_PROGRESS

    response = client.post(
        url("final_acceptance", challenge.pk),
        {
            **_formset("m", [{"indicator": indicator.pk, "measured_value": "93"}]),
            "note": "全部指标达标",
        },
    )

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == S.ACCEPTED
    assert challenge.transitions.last().reason == "全部指标达标"
    assert IndicatorMeasurement.objects.get(milestone=None).measured_value == 93


def test_a_malformed_value_is_a_field_error(client, issuer):
    challenge = started(issuer)
    indicator = challenge.indicators.get()
    client.force_login(issuer)

    response = client.post(
        url("final_acceptance", challenge.pk),
        _formset("m", [{"indicator": indicator.pk, "measured_value": "九十"}]),
    )

    assert response.status_code == 400
    assert "九十" in response.content.decode()
    assert not IndicatorMeasurement.objects.exists()


# -- Payouts --------------------------------------------------------------------------


def test_payout_over_the_bounty_is_refused_on_the_field_and_keeps_the_input(
    client, issuer
):
    challenge = started(issuer, bounty="100")
    client.force_login(issuer)
    today = timezone.localdate().isoformat()

    refused = client.post(
        url("payout_create", challenge.pk),
        {"amount_wan": "120", "paid_on": today, "reference": "HX-2027-001"},
    )

    html = refused.content.decode()
    assert refused.status_code == 400
    assert "more than the bounty" in html
    assert "HX-2027-001" in html
    assert refused.context["form"].errors["amount_wan"]
    assert not Payout.objects.exists()

    negative = client.post(
        url("payout_create", challenge.pk), {"amount_wan": "-5", "paid_on": today}
    )
    assert negative.status_code == 400
    assert negative.context["form"].errors["amount_wan"]

    response = client.post(
        url("payout_create", challenge.pk),
        {"amount_wan": "30", "paid_on": today, "reference": "HX-2027-001"},
    )
    assert response.status_code == 302
    payout = Payout.objects.get()
    assert (payout.amount_wan, payout.recorded_by_id) == (Decimal("30"), issuer.pk)


def test_paying_out_short_needs_a_reason(client, issuer):
    challenge = started(issuer, bounty="100")
    accept_challenge(
        challenge.pk,
        by_user_id=issuer.pk,
        measurements=[MeasurementData(challenge.indicators.get().pk, "95")],
    )
    record_payout(
        challenge.pk,
        by_user_id=issuer.pk,
        amount_wan="90",
        paid_on=timezone.localdate(),
    )
    client.force_login(issuer)

    response = client.post(url("pay_out", challenge.pk), {"reason": ""})

    assert response.status_code == 302
    assert any("按约定扣减" in str(m) for m in get_messages(response.wsgi_request))
    challenge.refresh_from_db()
    assert challenge.status == S.ACCEPTED

    client.post(url("pay_out", challenge.pk), {"reason": "按约定扣减"})
    challenge.refresh_from_db()
    assert challenge.status == S.PAID_OUT


# -- The public side ------------------------------------------------------------------


def _completed(issuer):
    challenge = started(issuer, indicators=[("容量保持率", "%", "90")])
    accept_challenge(
        challenge.pk,
        by_user_id=issuer.pk,
        measurements=[MeasurementData(challenge.indicators.get().pk, "87.5")],
        evidence=[SimpleUploadedFile("内部检测报告.pdf", pdf())],
    )
    return challenge


def test_public_pages_show_achieved_values_but_never_the_evidence(client, issuer):
    challenge = _completed(issuer)
    evidence = DeliveryEvidence.objects.get()

    detail = client.get(f"/challenges/{challenge.pk}/").content.decode()
    honours = client.get("/challenges/honours/").content.decode()

    for html in (detail, honours):
        assert "87.5 %" in html  # achieved
        assert "99 %" in html  # promised
        assert "not met" in html  # 87.5 is below the target of at least 90
        assert "内部检测报告" not in html
        assert evidence.document.url not in html


def test_evidence_files_are_served_only_to_those_who_see_the_delivery(client, issuer):
    challenge = _completed(issuer)
    document_url = DeliveryEvidence.objects.get().document.url
    stranger = UserFactory()
    MembershipFactory(user=stranger)
    team = UserFactory()
    MembershipFactory(
        user=team, organisation=challenge.awarded_application.lead_organisation
    )

    assert client.get(document_url).status_code == 404
    client.force_login(stranger)
    assert client.get(document_url).status_code == 404
    client.force_login(team)
    assert client.get(document_url).status_code == 200
    client.force_login(issuer)
    assert client.get(document_url).status_code == 200


def test_delivery_pages_speak_chinese(client, issuer, settings):
    challenge = started(issuer)
    client.force_login(issuer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    with translation.override("zh-hans"):
        page = client.get(url("delivery", challenge.pk)).content.decode()
        payout = client.get(url("payout_create", challenge.pk)).content.decode()
        accept = client.get(url("final_acceptance", challenge.pk)).content.decode()

    assert "交付与验收" in page and "登记兑现" in page and "里程碑" in page
    assert "支付日期" in payout and "支付凭证号" in payout
    assert "最终验收" in accept and "实测值" in accept
