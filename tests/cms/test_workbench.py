"""The workbench: owners create, edit, submit, withdraw, renew and archive listings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage

from market.models import (
    CooperationMode,
    Demand,
    IPRight,
    ListingStatus,
    OrganisationKind,
    Outcome,
    TechField,
)
from market.uploads import UPLOAD_COLLECTION_NAME
from tests.factories import (
    DemandFactory,
    MembershipFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

HOME = reverse("workbench:home")
OUTCOME_CREATE = reverse("workbench:outcome_create")
DEMAND_CREATE = reverse("workbench:demand_create")
SUMMARY = (
    "面向新能源汽车车身的高强韧铝合金及其一体化压铸工艺：屈服强度 320 MPa，"
    "延伸率 10 %，单件减重 30 % 以上，已在两条压铸线上完成中试验证。"
)


@pytest.fixture(autouse=True)
def english(client, settings):
    """Assert on the English source strings, whatever locale/ translates them to."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def png(size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size, "white" if mode == "RGB" else 1).save(buffer, "PNG")
    return buffer.getvalue()


PDF = pdf()


def member(kind=OrganisationKind.UNIVERSITY, **org):
    user = UserFactory()
    organisation = OrganisationFactory(kind=kind, **org)
    MembershipFactory(user=user, organisation=organisation)
    return user, organisation


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def edit_url(listing) -> str:
    name = (
        "workbench:outcome_edit"
        if listing.kind == "outcome"
        else "workbench:demand_edit"
    )
    return reverse(name, args=[listing.pk])


def common_data(**overrides) -> dict:
    data = {
        "title": "高强韧铝合金一体化压铸技术",
        "summary": SUMMARY,
        "keywords": "铝合金，一体化压铸、轻量化；新能源汽车 铝合金",
        "field": str(TechField.objects.get(code="0401").pk),
        "region_0": "320000",
        "region_1": "320500",
        "region_2": "320506",
        "modes": [str(CooperationMode.objects.get(code="license").pk)],
        "confidentiality": "public",
        "contact_name": "张工",
        "contact_phone": "0512-12345678",
        "contact_email": "contact@example.cn",
        "protected_details": "",
    }
    data.update(overrides)
    return data


def ip_management(total=0, initial=0) -> dict:
    return {
        "ip-TOTAL_FORMS": str(total),
        "ip-INITIAL_FORMS": str(initial),
        "ip-MIN_NUM_FORMS": "0",
        "ip-MAX_NUM_FORMS": "20",
    }


def outcome_data(**overrides) -> dict:
    data = common_data(
        description="<p>稀土微合金化与热处理协同调控。</p><script>alert(1)</script>",
        advantages="屈服强度提高25%，成本降低18%。",
        comparison="",
        applications="汽车车身、电池壳体",
        maturity="6",
        maturity_evidence="",
        price_wan="300",
        team="",
        **ip_management(),
    )
    data.update(overrides)
    return data


def demand_data(**overrides) -> dict:
    data = common_data(
        title="寻求工业废水中重金属深度去除技术",
        problem="<p>现有化学沉淀法出水镍浓度不稳定。</p>",
        objectives="- 出水镍 ≤ 0.1 mg/L\n\n2. 吨水处理成本 ≤ 3 元\n",
        expected_maturity="6",
        budget_min_wan="50",
        budget_max_wan="200",
        deadline=(timezone.localdate() + dt.timedelta(days=60)).isoformat(),
    )
    data.update(overrides)
    return data


# --- access ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [HOME, OUTCOME_CREATE, DEMAND_CREATE, "/workbench/outcomes/1/edit/"],
)
def test_workbench_redirects_anonymous_visitors_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_workbench_action_redirects_anonymous_visitors_to_login(client):
    outcome = OutcomeFactory()

    response = client.post(reverse("workbench:submit", args=[outcome.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.DRAFT


def test_workbench_explains_that_a_user_without_organisation_cannot_publish(client):
    client.force_login(UserFactory())

    home = client.get(HOME)
    create = client.get(OUTCOME_CREATE)

    assert home.status_code == 200
    assert "You do not belong to an organisation yet." in home.content.decode()
    assert create.status_code == 403
    assert "administrator to add you" in create.content.decode()


def test_workbench_hides_other_organisations_listings_with_404(client):
    outcome = OutcomeFactory()
    demand = DemandFactory(submitted=True)
    intruder, _ = member()
    client.force_login(intruder)

    responses = [
        client.get(edit_url(outcome)),
        client.post(edit_url(outcome), outcome_data(title="偷改")),
        client.post(reverse("workbench:submit", args=[outcome.pk])),
        client.get(edit_url(demand)),
        client.post(reverse("workbench:withdraw", args=[demand.pk])),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert Outcome.objects.get(pk=outcome.pk).title == outcome.title
    assert Demand.objects.get(pk=demand.pk).status == ListingStatus.SUBMITTED
    assert outcome.title not in client.get(HOME).content.decode()


def test_workbench_edit_url_of_the_other_kind_is_404(client):
    user, organisation = member()
    demand = DemandFactory(organisation=organisation)
    client.force_login(user)

    response = client.get(reverse("workbench:outcome_edit", args=[demand.pk]))

    assert response.status_code == 404


# --- creating and editing ---------------------------------------------------------


def test_outcome_create_saves_a_draft_with_revision_owner_files_and_ip_rights(client):
    user, organisation = member()
    client.force_login(user)
    data = outcome_data(
        **ip_management(total=2),
        **{
            "ip-0-kind": "invention",
            "ip-0-number": "ＺＬ 202310123456.7",
            "ip-0-title": "一种高强韧铝合金",
            "ip-0-legal_status": "granted",
            "ip-1-kind": "",
            "ip-1-number": "",
            "ip-1-title": "",
            "ip-1-legal_status": "granted",
        },
        cover_image=SimpleUploadedFile("封面.png", png(), "image/png"),
        gallery_uploads=[
            SimpleUploadedFile("a.jpg", png((60, 40)), "image/jpeg"),
            SimpleUploadedFile("b.png", png((30, 30)), "image/png"),
        ],
        attachment_uploads=[SimpleUploadedFile("检测报告.pdf", PDF, "application/pdf")],
    )

    response = client.post(OUTCOME_CREATE, data)

    outcome = Outcome.objects.get()
    assert response.status_code == 302
    assert response.url == edit_url(outcome)
    assert outcome.status == ListingStatus.DRAFT
    assert outcome.organisation == organisation
    assert outcome.created_by == user
    assert outcome.revisions.count() == 1
    assert outcome.keywords == ["铝合金", "一体化压铸", "轻量化", "新能源汽车"]
    assert outcome.region.code == "320506"
    assert outcome.field.code == "0401"
    assert [m.code for m in outcome.modes.all()] == ["license"]
    assert outcome.price_wan == Decimal("300")
    assert "<script>" not in outcome.description
    assert "稀土微合金化" in outcome.description
    assert [(r.kind, r.number) for r in outcome.ip_rights.all()] == [
        ("invention", "ZL202310123456.7")
    ]
    cover = outcome.cover_image
    assert cover.uploaded_by_user == user
    assert cover.collection.name == UPLOAD_COLLECTION_NAME
    assert (cover.width, cover.height) == (40, 30)
    assert cover.file.name.endswith(".png")
    gallery = [row.image for row in outcome.gallery.all()]
    # The stored name follows the content: a PNG sent as a.jpg is kept as .png.
    assert [img.file.name.rsplit(".", 1)[1] for img in gallery] == ["png", "png"]
    (attachment,) = outcome.attachments.all()
    assert attachment.document.uploaded_by_user == user
    assert attachment.document.file.name.endswith(".pdf")
    assert "Saved as a draft" in " ".join(messages_of(response))


def test_outcome_edit_page_shows_thumbnails_and_completeness(client):
    user, _organisation = member()
    client.force_login(user)
    client.post(
        OUTCOME_CREATE,
        outcome_data(cover_image=SimpleUploadedFile("c.png", png(), "image/png")),
    )
    outcome = Outcome.objects.get()

    response = client.get(edit_url(outcome))

    html = response.content.decode()
    assert response.status_code == 200
    assert "/media/images/" in html  # a Wagtail rendition of the cover
    assert 'id="completeness-heading"' in html
    completeness = response.context["completeness"]
    assert {c.name for c in completeness.missing} >= {"comparison", "attachments"}
    assert "Compare it with the technologies buyers use today" in html
    assert 'aria-describedby="id_summary_helptext"' in html


def test_outcome_edit_submit_and_withdraw_through_the_workbench(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation, created_by=user)
    client.force_login(user)

    edited = client.post(
        edit_url(outcome), outcome_data(title="改进后的铝合金压铸技术")
    )
    submitted = client.post(reverse("workbench:submit", args=[outcome.pk]))
    after_submit = Outcome.objects.get(pk=outcome.pk).status
    withdrawn = client.post(reverse("workbench:withdraw", args=[outcome.pk]))

    outcome.refresh_from_db()
    assert edited.status_code == 302
    assert outcome.title == "改进后的铝合金压铸技术"
    assert "Your changes were saved." in messages_of(edited)
    assert submitted.url == HOME
    assert after_submit == ListingStatus.SUBMITTED
    assert "was sent to the moderators for review" in " ".join(messages_of(submitted))
    assert outcome.status == ListingStatus.DRAFT
    assert "is a draft again" in " ".join(messages_of(withdrawn))
    assert outcome.revisions.count() == 3  # edit, submit, withdraw


def test_outcome_save_and_submit_button_submits_a_complete_outcome(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation)
    client.force_login(user)

    response = client.post(edit_url(outcome), outcome_data(then_submit="1"))

    assert response.url == HOME
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.SUBMITTED


def test_outcome_incomplete_submit_names_the_missing_fields(client):
    user, _organisation = member()
    client.force_login(user)
    client.post(
        OUTCOME_CREATE,
        outcome_data(
            description="",
            maturity="",
            modes=[],
            region_0="",
            region_1="",
            region_2="",
            price_wan="",
            price_negotiable="on",
        ),
    )
    outcome = Outcome.objects.get()

    response = client.post(reverse("workbench:submit", args=[outcome.pk]), follow=True)

    html = response.content.decode()
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.DRAFT
    assert response.redirect_chain[-1][0] == edit_url(outcome) + "?missing=1"
    errors = response.context["form"].errors
    assert set(errors) == {"description", "maturity", "modes", "region"}
    assert "Choose at least one cooperation mode." in html
    assert "This field is required before submitting." in html
    assert "cannot be submitted yet" in html
    assert 'aria-invalid="true"' in html


def test_outcome_save_and_submit_of_incomplete_outcome_keeps_the_draft(client):
    user, _organisation = member()
    client.force_login(user)

    response = client.post(
        OUTCOME_CREATE, outcome_data(description="", then_submit="1"), follow=True
    )

    outcome = Outcome.objects.get()
    assert outcome.status == ListingStatus.DRAFT
    assert list(response.context["form"].errors) == ["description"]


def test_editing_a_submitted_outcome_shows_the_services_refusal(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation, submitted=True)
    client.force_login(user)

    page = client.get(edit_url(outcome))
    response = client.post(
        edit_url(outcome),
        outcome_data(
            title="审核中偷偷改",
            cover_image=SimpleUploadedFile("c.png", png(), "image/png"),
        ),
    )

    outcome.refresh_from_db()
    assert "Withdraw it from review to edit it" in page.content.decode()
    assert response.status_code == 200
    assert "Withdraw the listing from review before editing it." in messages_of(
        response
    )
    assert outcome.title != "审核中偷偷改"
    assert outcome.status == ListingStatus.SUBMITTED
    assert outcome.cover_image_id is None


def test_editing_a_published_outcome_keeps_it_live_and_says_so(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation, published=True, title="旧版")
    client.force_login(user)

    response = client.post(
        edit_url(outcome), outcome_data(title="新版标题"), follow=True
    )

    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.PUBLISHED
    assert outcome.title == "旧版"
    assert any("keeps seeing the published version" in m for m in messages_of(response))
    page = response.content.decode()
    # The owner sees both versions: the form holds the change, the diff the old one.
    assert 'value="新版标题"' in page
    assert "data-pending-changes" in page and "旧版" in page


def test_outcome_form_refuses_a_negative_price_and_submit_asks_for_a_missing_one(
    client,
):
    user, _ = member()
    client.force_login(user)

    negative = client.post(OUTCOME_CREATE, outcome_data(price_wan="-5"))

    assert negative.status_code == 200
    assert negative.context["form"].errors["price_wan"] == [
        "An amount cannot be negative."
    ]
    assert "Nothing was saved" in negative.content.decode()
    assert not Outcome.objects.exists()

    # Without a price the draft is saved; submitting it names what is missing.
    missing = client.post(
        OUTCOME_CREATE, outcome_data(price_wan="", then_submit="1"), follow=True
    )
    outcome = Outcome.objects.get()
    assert outcome.status == ListingStatus.DRAFT
    assert any(
        "Give a price or mark it as negotiable." in m for m in messages_of(missing)
    )


def test_outcome_form_refuses_a_text_file_named_png_on_its_field(client):
    user, _ = member()
    client.force_login(user)

    response = client.post(
        OUTCOME_CREATE,
        outcome_data(
            cover_image=SimpleUploadedFile("photo.png", b"not a picture", "image/png"),
            attachment_uploads=[
                SimpleUploadedFile("report.pdf", b"<html>hi</html>", "application/pdf")
            ],
        ),
    )

    errors = response.context["form"].errors
    assert "not a picture we accept" in errors["cover_image"][0]
    assert errors["attachment_uploads"][0].startswith("report.pdf: ")
    assert not Outcome.objects.exists()


def test_outcome_form_refuses_a_pdf_with_a_hidden_script_and_keeps_the_rest(client):
    # "/J#61vaScript" is /JavaScript to a PDF viewer; the old byte scan missed it.
    user, _ = member()
    client.force_login(user)
    scripted = pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")

    response = client.post(
        OUTCOME_CREATE,
        outcome_data(
            attachment_uploads=[
                SimpleUploadedFile("检测报告.pdf", scripted, "application/pdf")
            ],
        ),
    )

    form = response.context["form"]
    assert form.errors["attachment_uploads"] == [
        "检测报告.pdf: This PDF contains scripts (JavaScript), which is not accepted. "
        "Export or print it again as a plain PDF."
    ]
    assert list(form.errors) == ["attachment_uploads"]
    assert form["title"].value() == "高强韧铝合金一体化压铸技术"
    assert form["price_wan"].value() == "300"
    assert not Outcome.objects.exists()


def test_outcome_form_validates_ip_numbers_per_type(client):
    user, _ = member()
    client.force_login(user)
    rows = {
        "ip-0-kind": "invention",
        "ip-0-number": "12345",
        "ip-0-legal_status": "granted",
        "ip-1-kind": "software",
        "ip-1-number": "2023SR1234567",
        "ip-1-legal_status": "granted",
        "ip-2-kind": "secret",
        "ip-2-number": "",
        "ip-2-legal_status": "n/a",
    }

    response = client.post(
        OUTCOME_CREATE, outcome_data(**ip_management(total=3), **rows)
    )

    formset = response.context["formset"]
    assert "Chinese patent number" in formset.forms[0].errors["number"][0]
    assert formset.forms[1].errors == {}
    assert formset.forms[2].errors == {}
    assert not Outcome.objects.exists()


def test_outcome_edit_removes_gallery_images_and_attachments(client):
    user, _organisation = member()
    client.force_login(user)
    client.post(
        OUTCOME_CREATE,
        outcome_data(
            gallery_uploads=[
                SimpleUploadedFile("a.png", png(), "image/png"),
                SimpleUploadedFile("b.png", png(), "image/png"),
            ],
            attachment_uploads=[SimpleUploadedFile("r.pdf", PDF, "application/pdf")],
        ),
    )
    outcome = Outcome.objects.get()
    first = outcome.gallery.first()

    client.post(
        edit_url(outcome),
        outcome_data(
            remove_gallery=[str(first.pk)],
            remove_attachments=[str(outcome.attachments.get().pk)],
        ),
    )

    assert [row.image.title for row in outcome.gallery.all()] == ["b"]
    assert not outcome.attachments.exists()
    from wagtail.images import get_image_model

    assert not get_image_model().objects.filter(pk=first.image_id).exists()


def test_outcome_edit_updates_and_deletes_ip_rights(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation)
    keep = IPRight.objects.create(
        outcome=outcome, kind="invention", number="ZL202310123456.7"
    )
    drop = IPRight.objects.create(
        outcome=outcome, kind="software", number="2023SR1234567"
    )
    client.force_login(user)
    data = outcome_data(
        **ip_management(total=2, initial=2),
        **{
            "ip-0-id": str(keep.pk),
            "ip-0-kind": "utility",
            "ip-0-number": "CN212345678U",
            "ip-0-legal_status": "granted",
            "ip-1-id": str(drop.pk),
            "ip-1-kind": "software",
            "ip-1-number": "2023SR1234567",
            "ip-1-legal_status": "granted",
            "ip-1-DELETE": "on",
        },
    )

    client.post(edit_url(outcome), data)

    assert [(r.pk, r.kind, r.number) for r in outcome.ip_rights.all()] == [
        (keep.pk, "utility", "CN212345678U")
    ]


def test_user_of_several_organisations_chooses_the_owner_when_creating(client):
    user, _first = member()
    second = OrganisationFactory(kind=OrganisationKind.INSTITUTE)
    MembershipFactory(user=user, organisation=second)
    stranger = OrganisationFactory()
    client.force_login(user)

    page = client.get(DEMAND_CREATE)
    refused = client.post(DEMAND_CREATE, demand_data(organisation=str(stranger.pk)))
    created = client.post(DEMAND_CREATE, demand_data(organisation=str(second.pk)))

    assert 'name="organisation"' in page.content.decode()
    assert "organisation" in refused.context["form"].errors
    assert created.status_code == 302
    assert Demand.objects.get().organisation == second


def test_demand_create_stores_objectives_budget_and_deadline(client):
    user, organisation = member(kind=OrganisationKind.ENTERPRISE)
    client.force_login(user)

    response = client.post(DEMAND_CREATE, demand_data())

    demand = Demand.objects.get()
    assert response.url == edit_url(demand)
    assert demand.organisation == organisation
    assert demand.status == ListingStatus.DRAFT
    assert demand.objectives == ["出水镍 ≤ 0.1 mg/L", "吨水处理成本 ≤ 3 元"]
    assert (demand.budget_min_wan, demand.budget_max_wan) == (
        Decimal("50"),
        Decimal("200"),
    )
    assert demand.deadline == timezone.localdate() + dt.timedelta(days=60)
    assert demand.revisions.count() == 1


def test_demand_form_refuses_inverted_budget_and_past_deadline(client):
    user, _ = member(kind=OrganisationKind.ENTERPRISE)
    client.force_login(user)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()

    response = client.post(
        DEMAND_CREATE,
        demand_data(budget_min_wan="300", budget_max_wan="100", deadline=yesterday),
    )

    errors = response.context["form"].errors
    assert errors["budget_max_wan"] == [
        "The upper bound of the budget must not be below its lower bound."
    ]
    assert errors["deadline"] == ["The deadline cannot be in the past."]
    assert not Demand.objects.exists()


def test_demand_form_refuses_a_district_outside_the_chosen_city(client):
    user, _ = member(kind=OrganisationKind.ENTERPRISE)
    client.force_login(user)

    # 110101 is 东城区 in Beijing, not a district of 苏州市.
    response = client.post(DEMAND_CREATE, demand_data(region_2="110101"))

    assert response.context["form"].errors["region"] == [
        "The district you chose is not in the city you chose."
    ]


def test_demand_form_takes_the_most_specific_region_chosen(client):
    user, _ = member(kind=OrganisationKind.ENTERPRISE)
    client.force_login(user)

    client.post(DEMAND_CREATE, demand_data(region_1="", region_2=""))

    assert Demand.objects.get().region.code == "320000"


# --- the list and its actions -------------------------------------------------------


def test_workbench_lists_both_kinds_with_status_reason_validity_and_actions(client):
    user, organisation = member()
    draft = OutcomeFactory(organisation=organisation, title="草稿成果")
    rejected = DemandFactory(
        organisation=organisation,
        title="被退回的需求",
        status=ListingStatus.REJECTED,
        rejection_reason="请补充技术指标的测试方法。",
    )
    published = OutcomeFactory(organisation=organisation, published=True)
    OutcomeFactory(title="别人的成果")
    client.force_login(user)

    response = client.get(HOME)

    html = response.content.decode()
    assert response.status_code == 200
    assert "草稿成果" in html and "被退回的需求" in html and published.title in html
    assert "别人的成果" not in html
    assert "请补充技术指标的测试方法。" in html
    assert "valid until" in html and "days left" in html
    rows = {row.listing.pk: row for row in response.context["bench"].rows}
    assert rows[draft.pk].actions == ("submit",)
    assert rows[rejected.pk].actions == ("submit",)
    assert rows[published.pk].actions == ("renew", "archive")
    assert 0 < rows[draft.pk].completeness.score < 100
    assert reverse("workbench:archive", args=[published.pk]) in html
    assert reverse("workbench:submit", args=[rejected.pk]) in html


def test_workbench_list_shows_translated_status_labels(client):
    user, organisation = member()
    OutcomeFactory(organisation=organisation, submitted=True)
    client.force_login(user)

    html = client.get(HOME).content.decode()

    assert "Awaiting review" in html
    assert "Withdraw it from review to make changes" in html


def test_workbench_filters_by_status(client):
    user, organisation = member()
    OutcomeFactory(organisation=organisation, title="草稿甲")
    OutcomeFactory(organisation=organisation, title="已发布乙", published=True)
    client.force_login(user)

    response = client.get(HOME, {"status": "published"})

    titles = [row.listing.title for row in response.context["bench"].rows]
    assert titles == ["已发布乙"]
    assert response.context["bench"].status_counts == {"draft": 1, "published": 1}


def test_workbench_renew_and_archive_a_published_listing(client):
    user, organisation = member()
    outcome = OutcomeFactory(
        organisation=organisation,
        published=True,
        valid_until=timezone.localdate() + dt.timedelta(days=5),
    )
    client.force_login(user)

    renewed = client.post(reverse("workbench:renew", args=[outcome.pk]))
    valid_until = Outcome.objects.get(pk=outcome.pk).valid_until
    archived = client.post(reverse("workbench:archive", args=[outcome.pk]))

    assert valid_until > timezone.localdate() + dt.timedelta(days=300)
    assert "is now valid until" in " ".join(messages_of(renewed))
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.ARCHIVED
    assert "was archived" in " ".join(messages_of(archived))


def test_workbench_illegal_step_is_a_message_not_an_error(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation)
    client.force_login(user)

    response = client.post(reverse("workbench:archive", args=[outcome.pk]))

    assert response.status_code == 302
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.DRAFT
    assert any("cannot be" in m for m in messages_of(response))


def test_workbench_action_returns_to_a_safe_next_url_only(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation)
    client.force_login(user)

    inside = client.post(
        reverse("workbench:submit", args=[outcome.pk]), {"next": edit_url(outcome)}
    )
    outside = client.post(
        reverse("workbench:withdraw", args=[outcome.pk]),
        {"next": "https://evil.example/"},
    )

    assert inside.url == edit_url(outcome)
    assert outside.url == HOME


def test_workbench_action_refuses_get(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation)
    client.force_login(user)

    response = client.get(reverse("workbench:submit", args=[outcome.pk]))

    assert response.status_code == 405
    assert Outcome.objects.get(pk=outcome.pk).status == ListingStatus.DRAFT


def _list_queries(client) -> int:
    client.get(HOME)  # renditions are created on the first view; count a warm page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries)


def _items(organisation, count: int, start: int) -> None:
    from market.uploads import store_image

    for n in range(start, start + count):
        if n % 2:
            DemandFactory(organisation=organisation)
            continue
        outcome = OutcomeFactory(
            organisation=organisation,
            cover_image=store_image(
                SimpleUploadedFile(f"{n}.png", png(), "image/png"),
                title=f"封面{n}",
                uploaded_by_user_id=None,
            ),
        )
        IPRight.objects.create(
            outcome=outcome, kind="invention", number="ZL202310123456.7"
        )


def test_workbench_list_query_count_does_not_grow_with_items(client):
    user, organisation = member()
    client.force_login(user)
    _items(organisation, 3, 0)

    with_three = _list_queries(client)
    _items(organisation, 7, 3)
    with_ten = _list_queries(client)

    assert len(client.get(HOME).context["bench"].rows) == 10
    assert with_ten == with_three


def test_editing_a_listing_someone_saved_since_is_refused_and_keeps_both_versions(
    client,
):
    user, organisation = member()
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=organisation)
    outcome = OutcomeFactory(organisation=organisation, title="原来的标题")
    client.force_login(user)
    other = Client()
    other.force_login(colleague)

    mine = client.get(edit_url(outcome)).context["form"]["loaded_revision_id"].value()
    theirs = other.get(edit_url(outcome)).context["form"]["loaded_revision_id"].value()
    first = other.post(
        edit_url(outcome), outcome_data(title="同事的标题", loaded_revision_id=theirs)
    )
    second = client.post(
        edit_url(outcome), outcome_data(title="我的标题", loaded_revision_id=mine)
    )

    outcome.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert any("Someone else changed this listing" in m for m in messages_of(second))
    assert second.context["form"]["title"].value() == "我的标题"  # still in the form
    assert outcome.title == "同事的标题"
    assert outcome.revisions.count() == 1
    reloaded = client.get(edit_url(outcome)).context["form"]
    again = client.post(
        edit_url(outcome),
        outcome_data(
            title="我的标题", loaded_revision_id=reloaded["loaded_revision_id"].value()
        ),
    )
    outcome.refresh_from_db()
    assert again.status_code == 302
    assert outcome.title == "我的标题"
    assert outcome.revisions.count() == 2
