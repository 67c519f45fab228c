"""PDF documents: served as downloads, and checked by content in the Wagtail admin too."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import Collection

from tests.factories import UserFactory
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db

SCRIPTED = pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")


@pytest.fixture
def editor(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    with translation.override("en"):
        yield client


def test_a_pdf_is_served_as_a_download_the_browser_may_not_sniff(client):
    document = get_document_model().objects.create(
        title="政策原文", file=ContentFile(pdf(), name="policy.pdf")
    )

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_admin_document_upload_refuses_a_pdf_with_a_script(editor):
    response = editor.post(
        reverse("wagtaildocs:add"),
        {
            "title": "活动议程",
            "file": SimpleUploadedFile("agenda.pdf", SCRIPTED, "application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert "scripts (JavaScript)" in form.errors["file"][0]
    assert form["title"].value() == "活动议程"
    assert not get_document_model().objects.exists()


def test_admin_document_upload_accepts_a_plain_pdf(editor):
    response = editor.post(
        reverse("wagtaildocs:add"),
        {
            "title": "活动议程",
            "file": SimpleUploadedFile("agenda.pdf", pdf(), "application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )

    assert response.status_code == 302
    assert get_document_model().objects.get().title == "活动议程"


def test_admin_multiple_upload_refuses_a_pdf_with_a_script(editor):
    response = editor.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("agenda.pdf", SCRIPTED, "application/pdf")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    assert response.json()["success"] is False
    assert "scripts (JavaScript)" in response.json()["error_message"]
    assert not get_document_model().objects.exists()
