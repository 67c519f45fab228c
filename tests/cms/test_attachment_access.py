"""Attachments are served like their listing: public once published, private before."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from market.models import OutcomeAttachment
from tests.factories import MembershipFactory, OutcomeFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attach(outcome):
    document = get_document_model().objects.create(
        title="检测报告", file=ContentFile(PDF, name="report.pdf")
    )
    OutcomeAttachment.objects.create(outcome=outcome, document=document)
    return document


def test_attachment_of_a_draft_is_404_for_visitors_and_served_to_its_owner(client):
    outcome = OutcomeFactory()
    document = attach(outcome)

    assert client.get(document.url).status_code == 404

    owner = UserFactory()
    MembershipFactory(user=owner, organisation=outcome.organisation)
    client.force_login(owner)
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_attachment_of_a_published_outcome_is_public(client):
    document = attach(OutcomeFactory(published=True))

    assert client.get(document.url).status_code == 200


def test_a_document_that_belongs_to_no_listing_is_served_as_usual(client):
    document = get_document_model().objects.create(
        title="政策原文", file=ContentFile(PDF, name="policy.pdf")
    )

    assert client.get(document.url).status_code == 200


def test_production_serves_image_renditions_but_not_uploaded_originals(
    client, settings, tmp_path
):
    import importlib

    from django.urls import clear_url_caches

    import config.urls

    assert settings.DEBUG is False  # as in production
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "cover.fill-320x200.png").write_bytes(b"rendition")
    (tmp_path / "original_images").mkdir()
    (tmp_path / "original_images" / "cover.png").write_bytes(b"original with EXIF")
    importlib.reload(config.urls)  # the route binds MEDIA_ROOT when the URLs load
    clear_url_caches()
    try:
        assert client.get("/media/images/cover.fill-320x200.png").status_code == 200
        assert client.get("/media/original_images/cover.png").status_code == 404
    finally:
        importlib.reload(config.urls)
        clear_url_caches()
