"""An application's proposal PDF is as confidential as the application: its document URL
answers 404 to anyone the application is hidden from, and in blind review the expert
downloads it under a neutral name, never its uploaded file name."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from market.models import ApplicationStatus
from market.uploads import store_document
from tests.factories import MembershipFactory, UserFactory
from tests.factories.files import pdf
from tests.factories.review import review_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(role_groups):
    scene = review_scene(blind=True)
    # Uploaded while the challenge took applications (as attach_proposal_document does).
    scene.first.proposal_document = store_document(
        SimpleUploadedFile("江南理工大学技术方案.pdf", pdf(), "application/pdf"),
        title="江南理工大学技术方案",
        uploaded_by_user_id=scene.first_user.pk,
    )
    scene.first.save(update_fields=["proposal_document"])
    return scene


def test_the_proposal_document_url_is_404_to_whoever_cannot_see_the_application(
    client, scene
):
    url = scene.first.proposal_document.url
    assert client.get(url).status_code == 404  # anonymous
    for stranger in (UserFactory(), scene.second_user, scene.experts[0]):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
    for allowed in (scene.first_user, scene.member_user, scene.moderator):
        client.force_login(allowed)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_blind_reviewer_gets_the_proposal_under_a_neutral_name(client, scene):
    expert = scene.experts[0]
    scene.check_all()
    scene.seat(expert)
    client.force_login(expert)
    page = client.get(
        reverse("review:application", args=[scene.challenge.pk, scene.first.pk])
    ).content.decode()
    assert "江南理工大学" not in page
    assert scene.first.proposal_document.url not in page
    download = reverse("review:proposal", args=[scene.challenge.pk, scene.first.pk])
    assert download in page

    response = client.get(download)

    assert response.status_code == 200
    assert "江南理工大学" not in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Not to an expert off the panel, nor for a draft.
    client.force_login(scene.experts[1])
    assert client.get(download).status_code == 404
    scene.first.status = ApplicationStatus.DRAFT
    scene.first.save(update_fields=["status"])
    client.force_login(expert)
    assert client.get(download).status_code == 404


def test_the_issuer_sees_the_proposal_of_a_submitted_application(client, scene):
    issuer_member = MembershipFactory(organisation=scene.challenge.issuer).user
    client.force_login(issuer_member)
    response = client.get(
        reverse("review:proposal", args=[scene.challenge.pk, scene.first.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_draft_challenges_attachment_is_404_until_it_is_published(client):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from market.models import ChallengeAttachment, ChallengeStatus
    from tests.factories import ChallengeFactory

    challenge = ChallengeFactory(status=ChallengeStatus.SUBMITTED)
    document = get_document_model().objects.create(
        title="技术规格书", file=ContentFile(pdf(), name="spec.pdf")
    )
    ChallengeAttachment.objects.create(challenge=challenge, document=document)
    assert client.get(document.url).status_code == 404
    issuer_member = MembershipFactory(organisation=challenge.issuer).user
    client.force_login(issuer_member)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")

    client.logout()
    challenge.status = ChallengeStatus.PUBLISHED
    challenge.save(update_fields=["status"])
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
