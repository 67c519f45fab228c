"""Applications (揭榜申请): one per lead, shares, indicators, the deadline, visibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeStatus,
)
from market.permissions import can_view_application, visible_applications
from market.selectors import applications_visible_to
from market.services.applications import (
    ApplicationData,
    ApplicationError,
    MemberData,
    MilestoneData,
    ResponseData,
    attach_proposal_document,
    create_application,
    submit_application,
    update_application,
)
from market.services.challenges import close_due_challenges
from tests.factories import (
    ChallengeFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

S = ChallengeStatus
DEADLINE = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)  # 18:00 in Beijing
BEFORE = DEADLINE - dt.timedelta(days=1)


@pytest.fixture
def challenge():
    return ChallengeFactory(status=S.PUBLISHED, application_deadline=DEADLINE)


@pytest.fixture
def lead():
    return OrganisationFactory(name="江南理工大学")


@pytest.fixture
def applicant(lead):
    return MembershipFactory(organisation=lead).user


def _data(challenge: Challenge, **overrides) -> ApplicationData:
    indicator = challenge.indicators.get()
    values = {
        "team_lead_name": "王博士",
        "proposal": "<p>单晶化与包覆</p><img src=x onerror=alert(1)>",
        "responses": [ResponseData(indicator_id=indicator.pk, promised_value="92.5")],
        "milestones": [
            MilestoneData(
                title="小试", month=6, deliverable="样品 5 kg", budget_wan="150"
            )
        ],
        "declarations_confirmed": True,
    }
    values.update(overrides)
    return ApplicationData(**values)


def test_create_application_keeps_consortium_responses_milestones_and_outcomes(
    challenge, lead, applicant
):
    partner = OrganisationFactory()
    outcome = OutcomeFactory(published=True)
    application = create_application(
        challenge.pk,
        lead_organisation_id=lead.pk,
        by_user_id=applicant.pk,
        data=_data(
            challenge,
            lead_share="70",
            members=[MemberData(organisation_id=partner.pk, role="中试", share="30")],
            linked_outcome_ids=[outcome.pk],
        ),
        now=BEFORE,
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    assert "onerror" not in application.proposal and "单晶化" in application.proposal
    assert [
        (m.organisation_id, m.role, m.share) for m in application.members.all()
    ] == [(partner.pk, "中试", Decimal("30.00"))]
    assert application.lead_share == Decimal("70")
    assert [r.promised_value for r in application.responses.all()] == [Decimal("92.5")]
    assert [m.budget_wan for m in application.milestones.all()] == [Decimal("150.00")]
    assert list(application.linked_outcomes.all()) == [outcome]

    submit_application(application.pk, by_user_id=applicant.pk, now=BEFORE)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_at == BEFORE


def test_a_second_application_by_the_same_lead_is_refused(challenge, lead, applicant):
    create_application(
        challenge.pk,
        lead_organisation_id=lead.pk,
        by_user_id=applicant.pk,
        data=_data(challenge),
        now=BEFORE,
    )
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=applicant.pk,
            data=_data(challenge, team_lead_name="李博士"),
            now=BEFORE,
        )
    assert error.value.code == "duplicate"
    assert "already applied" in str(error.value.message) or "已" in str(
        error.value.message
    )
    assert ChallengeApplication.objects.get().team_lead_name == "王博士"


def test_the_database_holds_one_application_per_lead_and_challenge(challenge, lead):
    ChallengeApplication.objects.create(
        challenge=challenge, lead_organisation=lead, team_lead_name="甲"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ChallengeApplication.objects.create(
            challenge=challenge, lead_organisation=lead, team_lead_name="乙"
        )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lead_share": "60"}, "lead_share"),  # no members: 60 ≠ 100
        ({"lead_share": "abc"}, "lead_share"),
        ({"lead_share": "120"}, "lead_share"),
        ({"team_lead_name": "  "}, "team_lead_name"),
        (
            {"milestones": [MilestoneData("中试", 30, "样品", "10")]},  # 18 months
            "milestones",
        ),
        ({"milestones": [MilestoneData("中试", 3, "样品", "-1")]}, "milestones"),
        ({"linked_outcome_ids": [0]}, "linked_outcomes"),
    ],
)
def test_bad_values_are_refused_with_the_field_named_and_nothing_written(
    overrides, field, challenge, lead, applicant
):
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=applicant.pk,
            data=_data(challenge, **overrides),
            now=BEFORE,
        )
    assert field in error.value.errors
    assert not ChallengeApplication.objects.exists()


def test_shares_must_add_up_to_100_including_the_lead(challenge, lead, applicant):
    partner = OrganisationFactory()
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=applicant.pk,
            data=_data(
                challenge,
                lead_share="60",
                members=[MemberData(partner.pk, "检测", "30")],
            ),
            now=BEFORE,
        )
    assert "90" in error.value.errors["lead_share"][0]
    assert not ChallengeApplication.objects.exists()


def test_consortium_size_lead_as_member_and_duplicates_are_refused(
    challenge, lead, applicant
):
    others = OrganisationFactory.create_batch(5)
    too_many = [MemberData(o.pk, "协作", "10") for o in others]
    cases = [
        too_many,  # five members, the challenge allows four
        [MemberData(lead.pk, "自己", "50")],
        [MemberData(others[0].pk, "甲", "25"), MemberData(others[0].pk, "乙", "25")],
        [MemberData(others[0].pk, "", "50")],
        [MemberData(others[0].pk, "甲", "0")],
    ]
    for members in cases:
        with pytest.raises(ApplicationError) as error:
            create_application(
                challenge.pk,
                lead_organisation_id=lead.pk,
                by_user_id=applicant.pk,
                data=_data(challenge, lead_share="50", members=members),
                now=BEFORE,
            )
        assert "members" in error.value.errors
    assert not ChallengeApplication.objects.exists()


def test_the_member_limit_follows_the_setting(settings, lead, applicant):
    settings.CHALLENGE_MAX_CONSORTIUM_MEMBERS = 1
    challenge = ChallengeFactory(status=S.PUBLISHED, application_deadline=DEADLINE)
    assert challenge.max_consortium_members == 1
    two = [MemberData(OrganisationFactory().pk, "协作", "25") for _ in range(2)]
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=applicant.pk,
            data=_data(challenge, lead_share="50", members=two),
            now=BEFORE,
        )
    assert "1" in error.value.errors["members"][0]


def test_a_response_to_another_challenges_indicator_is_refused(
    challenge, lead, applicant
):
    other = ChallengeFactory().indicators.get()
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=applicant.pk,
            data=_data(challenge, responses=[ResponseData(other.pk, "90")]),
            now=BEFORE,
        )
    assert "responses" in error.value.errors


def test_submission_needs_every_indicator_and_the_declarations(
    challenge, lead, applicant
):
    application = create_application(
        challenge.pk,
        lead_organisation_id=lead.pk,
        by_user_id=applicant.pk,
        data=_data(challenge, responses=[], declarations_confirmed=False),
        now=BEFORE,
    )
    with pytest.raises(ApplicationError) as error:
        submit_application(application.pk, by_user_id=applicant.pk, now=BEFORE)
    assert set(error.value.errors) == {"responses", "declarations_confirmed"}
    assert "容量保持率" in error.value.errors["responses"][0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_only_members_of_the_lead_apply_and_the_issuer_cannot(challenge, lead):
    stranger = UserFactory()
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=stranger.pk,
            data=_data(challenge),
            now=BEFORE,
        )
    assert error.value.code == "not_member"
    issuer_member = MembershipFactory(organisation=challenge.issuer).user
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=challenge.issuer_id,
            by_user_id=issuer_member.pk,
            data=_data(challenge),
            now=BEFORE,
        )
    assert error.value.code == "own_challenge"


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.WITHDRAWN])
def test_no_application_before_publication(status, lead, applicant):
    challenge = ChallengeFactory(status=status, application_deadline=DEADLINE)
    with pytest.raises(ApplicationError) as error:
        create_application(
            challenge.pk,
            lead_organisation_id=lead.pk,
            by_user_id=applicant.pk,
            data=_data(challenge),
            now=BEFORE,
        )
    assert error.value.code == "not_open"


def test_a_late_edit_is_refused_showing_the_deadline_in_beijing_time(
    challenge, lead, applicant
):
    application = create_application(
        challenge.pk,
        lead_organisation_id=lead.pk,
        by_user_id=applicant.pk,
        data=_data(challenge),
        now=BEFORE,
    )
    for when in (DEADLINE, DEADLINE + dt.timedelta(minutes=1)):
        with pytest.raises(ApplicationError) as error:
            update_application(
                application.pk,
                by_user_id=applicant.pk,
                data=_data(challenge, team_lead_name="迟到的修改"),
                now=when,
            )
        assert error.value.code == "deadline_passed"
        assert "2027-03-01 18:00 (北京时间)" in str(error.value.message)
    # Closed at the deadline (the beat), still frozen with the same message.
    assert close_due_challenges(DEADLINE) == 1
    with pytest.raises(ApplicationError) as error:
        submit_application(application.pk, by_user_id=applicant.pk, now=DEADLINE)
    assert "2027-03-01 18:00 (北京时间)" in str(error.value.message)
    application.refresh_from_db()
    assert application.team_lead_name == "王博士"
    assert application.status == ApplicationStatus.DRAFT


def test_an_edit_before_the_deadline_replaces_the_rows(challenge, lead, applicant):
    application = create_application(
        challenge.pk,
        lead_organisation_id=lead.pk,
        by_user_id=applicant.pk,
        data=_data(challenge),
        now=BEFORE,
    )
    update_application(
        application.pk,
        by_user_id=applicant.pk,
        data=_data(challenge, team_lead_name="赵工", milestones=[]),
        now=DEADLINE - dt.timedelta(seconds=1),
    )
    application.refresh_from_db()
    assert application.team_lead_name == "赵工"
    assert not application.milestones.exists()
    assert application.responses.count() == 1


def test_the_proposal_pdf_is_checked_like_listing_uploads(challenge, lead, applicant):
    application = create_application(
        challenge.pk,
        lead_organisation_id=lead.pk,
        by_user_id=applicant.pk,
        data=_data(challenge),
        now=timezone.now(),
    )
    hostile = SimpleUploadedFile(
        "方案.pdf", pdf(catalog=b"/OpenAction << /S /JavaScript /JS (x) >>")
    )
    with pytest.raises(ApplicationError) as error:
        attach_proposal_document(application.pk, hostile, by_user_id=applicant.pk)
    assert error.value.code == "bad_file"
    application.refresh_from_db()
    assert application.proposal_document_id is None

    good = SimpleUploadedFile("方案.pdf", pdf())
    attach_proposal_document(application.pk, good, by_user_id=applicant.pk)
    application.refresh_from_db()
    assert application.proposal_document.file.name.endswith(".pdf")


# -- Visibility -----------------------------------------------------------------------


@pytest.fixture
def people(role_groups, challenge, lead):
    partner = OrganisationFactory()
    application = ChallengeApplication.objects.create(
        challenge=challenge, lead_organisation=lead, team_lead_name="王博士"
    )
    application.members.create(organisation=partner, role="检测", share=30)
    return {
        "application": application,
        "lead member": MembershipFactory(organisation=lead).user,
        "consortium member": MembershipFactory(organisation=partner).user,
        "issuer member": MembershipFactory(organisation=challenge.issuer).user,
        "moderator": UserFactory(roles=[Role.MODERATOR]),
        "expert": UserFactory(roles=[Role.EXPERT]),
        "agent": UserFactory(roles=[Role.AGENT]),
        "stranger": UserFactory(),
    }


# who → (sees the draft, sees it once submitted)
VISIBILITY = {
    "lead member": (True, True),
    "consortium member": (True, True),
    "issuer member": (False, True),
    "moderator": (False, True),
    "expert": (False, False),  # until assigned to a panel (review part)
    "agent": (False, False),
    "stranger": (False, False),
}


@pytest.mark.parametrize("who", list(VISIBILITY))
def test_application_visibility_for_every_role_and_stage(who, people):
    application = people["application"]
    user = people[who]
    draft_visible, submitted_visible = VISIBILITY[who]
    queryset = ChallengeApplication.objects.all()

    assert can_view_application(user, application) is draft_visible
    assert visible_applications(queryset, user).exists() is draft_visible

    ChallengeApplication.objects.filter(pk=application.pk).update(
        status=ApplicationStatus.SUBMITTED
    )
    application.refresh_from_db()
    for key in ("_market_org_ids",):
        user.__dict__.pop(key, None)
    assert can_view_application(user, application) is submitted_visible
    assert list(applications_visible_to(user, application.challenge_id)) == (
        [application] if submitted_visible else []
    )


def test_anonymous_visitors_see_no_application(people):
    from django.contrib.auth.models import AnonymousUser

    ChallengeApplication.objects.update(status=ApplicationStatus.SUBMITTED)
    application = ChallengeApplication.objects.get()
    assert not can_view_application(AnonymousUser(), application)
    assert not visible_applications(
        ChallengeApplication.objects.all(), AnonymousUser()
    ).exists()
