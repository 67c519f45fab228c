"""The workbench for challenges: issuers draft, submit, recall, withdraw and start
the review (我的榜单); applicants apply, edit and submit (我的揭榜申请)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from market.models import (
    ApplicationStatus,
    Challenge,
    ChallengeApplication,
    ChallengeAttachment,
    ChallengeStatus,
    ChallengeTransition,
    ListingStatus,
    TechField,
)
from market.services.challenges import BEIJING
from tests.factories import (
    ChallengeApplicationFactory,
    ChallengeFactory,
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

S = ChallengeStatus
LIST = reverse("workbench:challenge_list")
CREATE = reverse("workbench:challenge_create")
PROMOTE = reverse("workbench:challenge_promote")
APPLICATIONS = reverse("workbench:application_list")
PDF = pdf()


@pytest.fixture(autouse=True)
def english(client, settings):
    """Assert on the English source strings, whatever locale/ translates them to."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def member(**org):
    user = UserFactory()
    organisation = OrganisationFactory(**org)
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name, pk):
    return reverse(f"workbench:{name}", args=[pk])


def deadline_text(days=30) -> str:
    moment = (timezone.now() + dt.timedelta(days=days)).astimezone(BEIJING)
    return moment.strftime("%Y-%m-%dT%H:%M")


def management(prefix, total, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def challenge_data(**overrides) -> dict:
    data = {
        "title": "高镍正极材料  循环寿命提升",
        "background": "<p>45 ℃ 循环衰减过快。</p><script>alert(1)</script>",
        "objectives": "1000 次循环容量保持率不低于 90 %。",
        "deliverables": "工艺包、样品 50 kg。",
        "field": str(TechField.objects.get(code="0401").pk),
        "region_0": "320000",
        "region_1": "320500",
        "region_2": "320506",
        "bounty_wan": "500",
        "payment_terms": "milestones",
        "payment_terms_note": "",
        "duration_months": "18",
        "application_deadline": deadline_text(),
        "eligibility": "",
        "contact_name": "李工",
        "contact_phone": "0512-87654321",
        "contact_email": "",
        "confidentiality": "public",
        "objection_days": "7",
        "max_consortium_members": "4",
        **management("ind", 2),
        "ind-0-name": "容量保持率",
        "ind-0-direction": "at_least",
        "ind-0-target_value": "90",
        "ind-0-unit": "%",
        "ind-0-measurement": "GB/T 31484，第三方检测",
        "ind-1-direction": "at_least",
        **management("crit", 3),
        "crit-0-name": "技术方案",
        "crit-0-weight": "60",
        "crit-1-name": "团队能力",
        "crit-1-weight": "40",
    }
    data.update(overrides)
    return data


# -- issuer -----------------------------------------------------------------------


def test_challenge_create_saves_a_draft_with_indicators_and_criteria(client):
    user, org = member()
    client.force_login(user)

    response = client.post(CREATE, challenge_data())

    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("challenge_edit", challenge.pk)
    assert challenge.issuer == org
    assert challenge.status == S.DRAFT
    assert challenge.title == "高镍正极材料 循环寿命提升"
    assert "<script" not in challenge.background
    assert challenge.region.code == "320506"
    assert [(i.name, i.target_value) for i in challenge.indicators.all()] == [
        ("容量保持率", Decimal("90"))
    ]
    assert [(c.name, c.weight) for c in challenge.review_criteria.all()] == [
        ("技术方案", 60),
        ("团队能力", 40),
    ]
    # The deadline typed in Beijing time is stored as that moment.
    typed = dt.datetime.strptime(deadline_text(), "%Y-%m-%dT%H:%M")
    assert challenge.application_deadline == typed.replace(tzinfo=BEIJING)


def test_challenge_create_weights_not_100_are_field_errors_and_nothing_saved(client):
    user, _org = member()
    client.force_login(user)

    response = client.post(CREATE, challenge_data(**{"crit-1-weight": "30"}))

    assert response.status_code == 200
    assert not Challenge.objects.exists()
    criteria = response.context["criteria"]
    message = "The weights add up to 90; they must add up to 100."
    assert criteria.forms[0].errors["weight"] == [message]
    assert criteria.forms[1].errors["weight"] == [message]
    # Nothing typed is lost.
    assert response.context["form"]["title"].value() == "高镍正极材料  循环寿命提升"
    assert "Nothing was saved" in response.content.decode()


def test_challenge_create_half_filled_indicator_is_refused(client):
    user, _org = member()
    client.force_login(user)

    response = client.post(
        CREATE, challenge_data(**{"ind-1-name": "比容量", "ind-1-target_value": "x"})
    )

    assert response.status_code == 200
    assert not Challenge.objects.exists()
    row = response.context["indicators"].forms[1]
    assert "target_value" in row.errors
    assert row.errors["measurement"] == ["Fill this in."]


def test_challenge_create_checks_attachments_like_listing_uploads(client):
    user, _org = member()
    client.force_login(user)
    fake = SimpleUploadedFile("spec.pdf", b"not a pdf", "application/pdf")

    response = client.post(CREATE, challenge_data(attachment_uploads=[fake]))

    assert response.status_code == 200
    assert not Challenge.objects.exists()
    assert response.context["form"].errors["attachment_uploads"]

    good = SimpleUploadedFile("技术规格书.pdf", PDF, "application/pdf")
    response = client.post(CREATE, challenge_data(attachment_uploads=[good]))
    assert response.status_code == 302
    attachment = ChallengeAttachment.objects.get()
    assert attachment.document.title == "技术规格书"


def test_challenge_create_keeps_a_checked_pdf_when_another_field_fails(client):
    user, _org = member()
    client.force_login(user)
    good = SimpleUploadedFile("规格.pdf", PDF, "application/pdf")

    response = client.post(
        CREATE, challenge_data(bounty_wan="-1", attachment_uploads=[good])
    )
    assert response.status_code == 200
    token = response.context["kept_token"]
    assert token and response.context["kept_names"] == ["规格.pdf"]

    response = client.post(CREATE, challenge_data(kept_uploads=token))
    assert response.status_code == 302
    assert ChallengeAttachment.objects.get().challenge == Challenge.objects.get()


def test_challenge_create_without_organisation_is_refused(client):
    client.force_login(UserFactory())
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, challenge_data()).status_code == 403
    assert not Challenge.objects.exists()


def test_challenge_create_past_deadline_is_a_field_error(client):
    user, _org = member()
    client.force_login(user)
    past = (timezone.now() - dt.timedelta(hours=1)).astimezone(BEIJING)

    response = client.post(
        CREATE,
        challenge_data(application_deadline=past.strftime("%Y-%m-%dT%H:%M")),
    )

    assert response.context["form"].errors["application_deadline"] == [
        "The application deadline must be in the future."
    ]
    assert not Challenge.objects.exists()


def test_challenge_promote_starts_a_draft_from_a_published_demand(client):
    user, org = member()
    demand = DemandFactory(organisation=org, status=ListingStatus.PUBLISHED)
    client.force_login(user)

    assert client.get(PROMOTE, {"demand": str(demand.pk)}).status_code == 200
    response = client.post(
        PROMOTE,
        {
            "demand": str(demand.pk),
            "bounty_wan": "300",
            "duration_months": "12",
            "application_deadline": deadline_text(),
        },
    )

    challenge = Challenge.objects.get()
    assert response["Location"] == url("challenge_edit", challenge.pk)
    assert challenge.source_demand == demand
    assert challenge.title == demand.title
    assert challenge.status == S.DRAFT


def test_challenge_promote_refuses_another_organisations_demand(client):
    user, _org = member()
    foreign = DemandFactory(status=ListingStatus.PUBLISHED)
    client.force_login(user)

    response = client.post(
        PROMOTE,
        {
            "demand": str(foreign.pk),
            "bounty_wan": "300",
            "duration_months": "12",
            "application_deadline": deadline_text(),
        },
    )

    assert response.status_code == 200
    assert "demand" in response.context["form"].errors
    assert not Challenge.objects.exists()


def test_challenge_edit_changes_a_draft_and_refuses_other_statuses(client):
    user, org = member()
    challenge = ChallengeFactory(issuer=org)
    client.force_login(user)

    response = client.get(url("challenge_edit", challenge.pk))
    assert response.status_code == 200
    assert response.context["indicators"].forms[0]["name"].value() == "容量保持率"

    client.post(url("challenge_edit", challenge.pk), challenge_data(title="新标题"))
    challenge.refresh_from_db()
    assert challenge.title == "新标题"

    published = ChallengeFactory(issuer=org, status=S.PUBLISHED)
    response = client.post(
        url("challenge_edit", published.pk), challenge_data(title="改不了")
    )
    assert response["Location"] == url("challenge_detail", published.pk)
    published.refresh_from_db()
    assert published.title != "改不了"


def test_challenge_pages_refuse_other_organisations(client):
    user, _org = member()
    draft = ChallengeFactory()
    published = ChallengeFactory(status=S.PUBLISHED)
    client.force_login(user)

    assert client.get(url("challenge_detail", draft.pk)).status_code == 404
    assert client.get(url("challenge_edit", draft.pk)).status_code == 404
    assert client.get(url("challenge_edit", published.pk)).status_code == 404
    assert client.post(url("challenge_submit", draft.pk)).status_code == 404
    assert (
        client.post(url("challenge_withdraw", published.pk), {"reason": "x"})
    ).status_code == 404
    published.refresh_from_db()
    assert published.status == S.PUBLISHED
    # A published challenge is public: others see it, without the issuer's tools.
    response = client.get(url("challenge_detail", published.pk))
    assert response.status_code == 200
    assert "transitions" not in response.context


def test_challenge_list_shows_the_organisations_challenges(client):
    user, org = member()
    mine = ChallengeFactory(issuer=org, title="我的榜单一")
    ChallengeFactory(title="别人的榜单")
    ChallengeFactory(issuer=org, status=S.PUBLISHED, title="已发榜")
    client.force_login(user)

    response = client.get(LIST)
    body = response.content.decode()
    assert "我的榜单一" in body and "已发榜" in body and "别人的榜单" not in body

    response = client.get(LIST, {"status": "draft"})
    assert [c.pk for c in response.context["page"].object_list] == [mine.pk]


def test_challenge_submit_lists_what_is_missing(client):
    user, org = member()
    challenge = ChallengeFactory(issuer=org, deliverables="", criteria=[])
    client.force_login(user)

    response = client.post(url("challenge_submit", challenge.pk))

    assert response["Location"] == url("challenge_edit", challenge.pk) + "?missing=1"
    (message,) = messages_of(response)
    assert "Deliverables" in message and "Review criteria" in message
    challenge.refresh_from_db()
    assert challenge.status == S.DRAFT
    page = client.get(response["Location"])
    assert page.context["form"].errors["deliverables"]
    assert page.context["criteria"].non_form_errors()


def test_challenge_submit_recall_and_withdraw_are_recorded(client):
    user, org = member()
    challenge = ChallengeFactory(issuer=org)
    client.force_login(user)

    client.post(url("challenge_submit", challenge.pk))
    challenge.refresh_from_db()
    assert challenge.status == S.SUBMITTED

    client.post(url("challenge_recall", challenge.pk))
    challenge.refresh_from_db()
    assert challenge.status == S.DRAFT

    response = client.post(url("challenge_withdraw", challenge.pk), {"reason": " "})
    assert messages_of(response)[-1] == "Give a reason for this step."
    challenge.refresh_from_db()
    assert challenge.status == S.DRAFT

    client.post(url("challenge_withdraw", challenge.pk), {"reason": "需求已变更"})
    challenge.refresh_from_db()
    assert challenge.status == S.WITHDRAWN
    assert list(
        ChallengeTransition.objects.filter(challenge=challenge).values_list(
            "action", "reason"
        )
    ) == [("submit", ""), ("recall", ""), ("withdraw", "需求已变更")]

    response = client.get(url("challenge_detail", challenge.pk))
    assert "需求已变更" in response.content.decode()
    assert len(response.context["transitions"]) == 3


def test_challenge_start_review_only_after_close(client):
    user, org = member()
    published = ChallengeFactory(issuer=org, status=S.PUBLISHED)
    closed = ChallengeFactory(issuer=org, status=S.CLOSED)
    client.force_login(user)

    response = client.post(url("challenge_start_review", published.pk))
    assert "cannot be put under review" in messages_of(response)[0]
    published.refresh_from_db()
    assert published.status == S.PUBLISHED

    client.post(url("challenge_start_review", closed.pk))
    closed.refresh_from_db()
    assert closed.status == S.UNDER_REVIEW


def test_challenge_detail_shows_the_issuer_submitted_applications_only(client):
    user, org = member()
    challenge = ChallengeFactory(issuer=org, status=S.PUBLISHED)
    submitted = ChallengeApplicationFactory(
        challenge=challenge, status=ApplicationStatus.SUBMITTED
    )
    ChallengeApplicationFactory(challenge=challenge)  # a draft stays private
    client.force_login(user)

    response = client.get(url("challenge_detail", challenge.pk))

    assert list(response.context["applications"]) == [submitted]
    assert client.get(url("application_detail", submitted.pk)).status_code == 200


# -- applicant --------------------------------------------------------------------


def application_data(challenge, **overrides) -> dict:
    indicator = challenge.indicators.get()
    data = {
        "team_lead_name": "王博士",
        "lead_share": "70",
        "proposal": "<p>单晶化与表面包覆。</p><script>x()</script>",
        **management("mem", 2),
        "mem-0-role": "",
        **management("resp", 1, 1),
        "resp-0-indicator": str(indicator.pk),
        "resp-0-promised_value": "92",
        "resp-0-approach": "包覆改性",
        **management("ms", 2),
        "ms-0-title": "小试",
        "ms-0-month": "6",
        "ms-0-deliverable": "小试样品",
        "ms-0-budget_wan": "100",
    }
    data.update(overrides)
    return data


@pytest.fixture
def open_challenge():
    return ChallengeFactory(status=S.PUBLISHED, max_consortium_members=2)


@pytest.fixture
def applicant():
    return member(name="江南理工大学")


def test_apply_creates_a_draft_with_members_responses_and_milestones(
    client, open_challenge, applicant
):
    user, org = applicant
    partner = OrganisationFactory(name="苏州材料研究所")
    outcome = OutcomeFactory(organisation=org, status=ListingStatus.PUBLISHED)
    client.force_login(user)
    apply_url = url("application_create", open_challenge.pk)

    assert client.get(apply_url).status_code == 200
    response = client.post(
        apply_url,
        application_data(
            open_challenge,
            lead_organisation=str(org.pk),
            linked_outcomes=[str(outcome.pk)],
            **{
                "mem-0-organisation": str(partner.pk),
                "mem-0-role": "中试放大",
                "mem-0-share": "30",
            },
        ),
    )

    application = ChallengeApplication.objects.get()
    assert response["Location"] == url("application_edit", application.pk)
    assert application.status == ApplicationStatus.DRAFT
    assert application.lead_organisation == org
    assert "<script" not in application.proposal
    assert [(m.organisation, m.share) for m in application.members.all()] == [
        (partner, Decimal("30"))
    ]
    assert application.responses.get().promised_value == Decimal("92")
    assert application.milestones.get().budget_wan == Decimal("100")
    assert list(application.linked_outcomes.all()) == [outcome]


def test_apply_shares_not_100_are_refused_and_nothing_typed_is_lost(
    client, open_challenge, applicant
):
    user, org = applicant
    client.force_login(user)

    response = client.post(
        url("application_create", open_challenge.pk),
        application_data(open_challenge, lead_organisation=str(org.pk)),
    )

    assert response.status_code == 200
    assert not ChallengeApplication.objects.exists()
    assert response.context["form"].errors["lead_share"] == [
        "The shares of the lead and the members add up to 70 %; they must add up "
        "to 100 %."
    ]
    assert response.context["form"]["team_lead_name"].value() == "王博士"
    assert response.context["milestones"].forms[0]["title"].value() == "小试"


def test_apply_refuses_more_members_than_the_challenge_allows(
    client, open_challenge, applicant
):
    user, org = applicant
    client.force_login(user)
    extra = {**management("mem", 3)}
    for n in range(3):
        extra |= {
            f"mem-{n}-organisation": str(OrganisationFactory().pk),
            f"mem-{n}-role": "参与",
            f"mem-{n}-share": "10",
        }

    response = client.post(
        url("application_create", open_challenge.pk),
        application_data(open_challenge, lead_organisation=str(org.pk), **extra),
    )

    assert response.status_code == 200
    assert response.context["members"].non_form_errors()
    assert not ChallengeApplication.objects.exists()


def test_apply_a_second_time_is_refused_with_a_link_to_the_first(
    client, open_challenge, applicant
):
    user, org = applicant
    first = ChallengeApplicationFactory(challenge=open_challenge, lead_organisation=org)
    client.force_login(user)

    response = client.get(url("application_create", open_challenge.pk))
    assert response.status_code == 409
    assert url("application_detail", first.pk) in response.content.decode()

    # With a second organisation the form shows, and choosing the first is refused.
    other = OrganisationFactory()
    MembershipFactory(user=user, organisation=other)
    response = client.post(
        url("application_create", open_challenge.pk),
        application_data(
            open_challenge, lead_organisation=str(org.pk), lead_share="100"
        ),
    )
    assert response.status_code == 200
    assert "lead_organisation" in response.context["form"].errors
    assert url("application_detail", first.pk) in response.content.decode()
    assert ChallengeApplication.objects.count() == 1


def test_apply_and_edit_after_the_deadline_are_refused_showing_beijing_time(
    client, applicant
):
    user, org = applicant
    deadline = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    challenge = ChallengeFactory(status=S.PUBLISHED, application_deadline=deadline)
    application = ChallengeApplicationFactory(
        challenge=challenge, lead_organisation=org, team_lead_name="旧名字"
    )
    client.force_login(user)
    shown = "2026-03-01 18:00 (Beijing time)"

    response = client.get(url("application_create", challenge.pk))
    assert response["Location"] == url("challenge_detail", challenge.pk)
    assert shown in messages_of(response)[0]

    response = client.post(
        url("application_edit", application.pk),
        application_data(challenge, team_lead_name="新名字", lead_share="100"),
    )
    assert response["Location"] == url("application_detail", application.pk)
    assert shown in messages_of(response)[0]
    application.refresh_from_db()
    assert application.team_lead_name == "旧名字"

    response = client.post(url("application_submit", application.pk))
    assert shown in messages_of(response)[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_application_edit_then_submit(client, open_challenge, applicant):
    user, org = applicant
    application = ChallengeApplicationFactory(
        challenge=open_challenge, lead_organisation=org, declarations_confirmed=False
    )
    client.force_login(user)

    response = client.post(url("application_submit", application.pk))
    assert response["Location"] == url("application_edit", application.pk)
    assert "Promise a value for every indicator" in messages_of(response)[0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT

    response = client.post(
        url("application_edit", application.pk),
        application_data(
            open_challenge,
            lead_share="100",
            declarations_confirmed="on",
            then_submit="1",
            proposal_document=SimpleUploadedFile("方案.pdf", PDF, "application/pdf"),
        ),
    )
    assert response["Location"] == url("application_detail", application.pk)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.proposal_document.title == "方案"


def test_application_bad_pdf_is_refused_and_changes_nothing(
    client, open_challenge, applicant
):
    user, org = applicant
    application = ChallengeApplicationFactory(
        challenge=open_challenge, lead_organisation=org
    )
    client.force_login(user)

    response = client.post(
        url("application_edit", application.pk),
        application_data(
            open_challenge,
            lead_share="100",
            team_lead_name="新名字",
            proposal_document=SimpleUploadedFile("a.pdf", b"nope", "application/pdf"),
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["proposal_document"]
    application.refresh_from_db()
    assert application.team_lead_name == "王博士"
    assert application.proposal_document is None


def test_application_pages_are_private_to_the_applicant(client, open_challenge):
    application = ChallengeApplicationFactory(challenge=open_challenge)
    outsider, _org = member()
    client.force_login(outsider)

    assert client.get(url("application_detail", application.pk)).status_code == 404
    assert client.get(url("application_edit", application.pk)).status_code == 404
    assert client.post(url("application_submit", application.pk)).status_code == 404
    # The issuer sees nothing of a draft either.
    issuer = UserFactory()
    MembershipFactory(user=issuer, organisation=open_challenge.issuer)
    client.force_login(issuer)
    assert client.get(url("application_detail", application.pk)).status_code == 404


def test_application_list_shows_the_organisations_applications(
    client, open_challenge, applicant
):
    user, org = applicant
    ChallengeApplicationFactory(challenge=open_challenge, lead_organisation=org)
    ChallengeApplicationFactory()
    client.force_login(user)

    response = client.get(APPLICATIONS)

    assert len(response.context["rows"]) == 1
    assert response.context["rows"][0]["editable"] is True
    assert open_challenge.title in response.content.decode()


def test_issuer_cannot_apply_to_its_own_challenge(client):
    user, org = member()
    challenge = ChallengeFactory(issuer=org, status=S.PUBLISHED)
    client.force_login(user)

    assert client.get(url("application_create", challenge.pk)).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/workbench/challenges/99999999999999999999999/",
        "/workbench/challenges/99999999999999999999999/edit/",
        "/workbench/challenges/99999999999999999999999/apply/",
        "/workbench/applications/99999999999999999999999/",
        "/workbench/applications/99999999999999999999999/edit/",
        "/workbench/challenges/0/",
        "/workbench/challenges/abc/",
        "/workbench/challenges/?page=abc&status=<x>",
        "/workbench/challenges/?page=99999999999999999999999999",
        "/workbench/applications/?page=%C2%B2",
        "/workbench/challenges/from-demand/?demand=%C2%B2",
        "/workbench/challenges/from-demand/?demand=99999999999999999999999",
    ],
)
def test_malformed_ids_and_parameters_answer_4xx_or_a_page(client, path):
    user, _org = member()
    client.force_login(user)
    assert client.get(path).status_code in (200, 404)


def test_pages_need_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_pages_speak_chinese_and_use_the_listing_form_layout(client, settings):
    user, org = member()
    challenge = ChallengeFactory(status=S.PUBLISHED)
    mine = ChallengeFactory(issuer=org)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    with translation.override("zh-hans"):
        pages = {
            "list": client.get(LIST).content.decode(),
            "form": client.get(url("challenge_edit", mine.pk)).content.decode(),
            "detail": client.get(
                url("challenge_detail", challenge.pk)
            ).content.decode(),
            "apply": client.get(
                url("application_create", challenge.pk)
            ).content.decode(),
        }

    assert "我的榜单" in pages["list"]
    assert "评审标准" in pages["form"] and "权重（%）" in pages["form"]
    assert "揭榜申报" in pages["detail"]
    assert "(北京时间)" in pages["detail"]
    assert "牵头单位与成员单位的份额合计为 100 %。" in pages["apply"]
    for name in ("form", "apply"):
        assert 'class="workbench-layout"' in pages[name]
        assert 'class="form-row"' in pages[name]


def test_consortium_members_see_but_do_not_change_the_application(
    client, open_challenge
):
    application = ChallengeApplicationFactory(challenge=open_challenge)
    user, partner = member()
    application.members.create(organisation=partner, role="检测", share=Decimal("10"))
    client.force_login(user)

    assert client.get(url("application_detail", application.pk)).status_code == 200
    assert client.get(url("application_edit", application.pk)).status_code == 403
    assert client.post(url("application_submit", application.pk)).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_apply_keeps_a_checked_proposal_pdf_when_another_field_fails(
    client, open_challenge, applicant
):
    user, org = applicant
    client.force_login(user)
    apply_url = url("application_create", open_challenge.pk)
    proposal = SimpleUploadedFile("技术方案.pdf", PDF, "application/pdf")

    response = client.post(
        apply_url,
        application_data(
            open_challenge, lead_organisation=str(org.pk), proposal_document=proposal
        ),
    )
    assert response.status_code == 200
    assert response.context["kept_names"] == ["技术方案.pdf"]

    response = client.post(
        apply_url,
        application_data(
            open_challenge,
            lead_organisation=str(org.pk),
            lead_share="100",
            kept_uploads=response.context["kept_token"],
        ),
    )
    assert response.status_code == 302
    assert ChallengeApplication.objects.get().proposal_document.title == "技术方案"
