"""The researcher does not lose work: title-only drafts, uploads kept when another
field fails, live completeness from the server's rules, a preview of the public page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from market.models import Demand, Listing, ListingStatus, Outcome
from search.models import IndexOutbox
from tests.cms.test_workbench import (
    DEMAND_CREATE,
    OUTCOME_CREATE,
    SUMMARY,
    edit_url,
    ip_management,
    member,
    outcome_data,
    png,
)
from tests.factories import OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def test_a_draft_is_saved_with_its_title_only_and_submit_lists_the_rest(client):
    user, _ = member()
    client.force_login(user)

    for url, model in ((OUTCOME_CREATE, Outcome), (DEMAND_CREATE, Demand)):
        data = {"title": "只写了标题", "confidentiality": "public", **ip_management()}
        response = client.post(url, data)
        assert response.status_code == 302, response.context["form"].errors
        listing = model.objects.get(title="只写了标题")
        assert listing.status == ListingStatus.DRAFT and listing.summary == ""

    outcome = Outcome.objects.get(title="只写了标题")
    submitted = client.post(reverse("workbench:submit", args=[outcome.pk]), follow=True)
    outcome.refresh_from_db()
    assert outcome.status == ListingStatus.DRAFT
    html = submitted.content.decode()
    assert "Required before submitting" in html
    assert 'href="#id_summary"' in html


def test_a_valid_upload_is_kept_when_another_field_fails(client):
    user, _ = member()
    client.force_login(user)

    refused = client.post(
        OUTCOME_CREATE,
        outcome_data(
            price_wan="-5",
            cover_image=SimpleUploadedFile("封面.png", png(), "image/png"),
            attachment_uploads=[
                SimpleUploadedFile("notes.pdf", b"not a pdf", "application/pdf")
            ],
        ),
    )
    assert refused.status_code == 200
    assert not Outcome.objects.exists()
    token = refused.context["kept_token"]
    assert refused.context["kept_names"] == ["封面.png"]  # the bad PDF is not kept
    assert "data-kept-uploads" in refused.content.decode()

    # Corrected, without choosing the file again.
    saved = client.post(OUTCOME_CREATE, outcome_data(kept_uploads=token))

    assert saved.status_code == 302
    outcome = Outcome.objects.get()
    assert outcome.cover_image is not None
    assert outcome.cover_image.file.read() == png()


def test_kept_uploads_of_another_user_are_not_restored(client):
    owner, _ = member()
    client.force_login(owner)
    refused = client.post(
        OUTCOME_CREATE,
        outcome_data(
            price_wan="-5",
            cover_image=SimpleUploadedFile("私人.png", png(), "image/png"),
        ),
    )
    token = refused.context["kept_token"]

    other, _ = member()
    client.force_login(other)
    client.post(OUTCOME_CREATE, outcome_data(kept_uploads=token))

    outcome = Outcome.objects.get()
    assert outcome.organisation.memberships.filter(user=other).exists()
    assert outcome.cover_image is None


def test_file_inputs_carry_the_limits_the_browser_checks(client):
    user, _ = member()
    client.force_login(user)

    html = client.get(OUTCOME_CREATE).content.decode()

    assert 'name="cover_image"' in html
    assert 'data-max-bytes="10485760"' in html  # images
    assert 'data-max-bytes="20971520"' in html  # PDFs
    assert "data-too-big=" in html and "data-wrong-type=" in html


def test_completeness_check_scores_the_unsaved_form_with_the_servers_rules(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation, title="成果", summary="")
    client.force_login(user)
    url = reverse("workbench:completeness", args=["outcome"]) + f"?pk={outcome.pk}"

    bare = client.post(url, {"title": "成果", "summary": ""}).json()
    fuller = client.post(
        url, {"title": "成果", "summary": SUMMARY, "keywords": "铝合金 压铸 减重"}
    ).json()

    assert fuller["score"] > bare["score"]
    assert "summary" in bare["missing"] and "summary" not in fuller["missing"]
    assert "completeness-panel" in fuller["html"]
    outcome.refresh_from_db()
    assert outcome.summary == ""  # nothing saved


def test_completeness_check_refuses_others_listings_and_bad_requests(client):
    user, _ = member()
    theirs = OutcomeFactory()
    client.force_login(user)

    url = reverse("workbench:completeness", args=["outcome"])
    assert client.post(url + f"?pk={theirs.pk}", {"title": "x"}).status_code == 404
    assert client.post(url + "?pk=abc", {"title": "x"}).status_code == 200
    assert client.get(url).status_code == 405
    bad_kind = reverse("workbench:completeness", args=["page"])
    assert client.post(bad_kind, {"title": "x"}).status_code == 404
    client.logout()
    assert client.post(url, {"title": "x"}).status_code == 302


def test_preview_shows_the_unsaved_data_as_the_public_page_only_to_the_owner(
    client,
):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation, published=True, title="线上")
    outbox = IndexOutbox.objects.count()
    client.force_login(user)
    url = reverse("workbench:preview", args=["outcome", outcome.pk])

    response = client.post(url, outcome_data(title="预览中的新标题"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "预览中的新标题" in html and "data-preview" in html
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert Listing.objects.get(pk=outcome.pk).title == "线上"
    assert IndexOutbox.objects.count() == outbox

    stranger, _ = member()
    client.force_login(stranger)
    assert client.post(url, outcome_data(title="偷看")).status_code == 404


def test_edit_page_offers_a_preview_button(client):
    user, organisation = member()
    outcome = OutcomeFactory(organisation=organisation)
    client.force_login(user)

    html = client.get(edit_url(outcome)).content.decode()

    assert reverse("workbench:preview", args=["outcome", outcome.pk]) in html
