"""Saving a listing with its files: all or nothing, and only the listing's own rows."""

from __future__ import annotations

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from market.models import OutcomeAttachment, OutcomeImage
from market.services.listings import ListingError
from market.services.media import MediaChanges, save_listing_with_media
from tests.factories import OutcomeFactory, UserFactory
from tests.factories.files import pdf

pytestmark = pytest.mark.django_db


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def pdf_upload(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf(), "application/pdf")


def test_save_with_media_stores_cover_gallery_and_attachments_in_order():
    user = UserFactory()
    outcome = OutcomeFactory()

    saved = save_listing_with_media(
        outcome,
        by_user_id=user.pk,
        modes=[],
        media=MediaChanges(
            cover_upload=png_upload("cover.png"),
            gallery_uploads=[png_upload("a.png"), png_upload("b.png")],
            attachment_uploads=[pdf_upload("检测报告.pdf")],
        ),
    )

    saved.refresh_from_db()
    assert saved.cover_image is not None
    assert [row.image.title for row in saved.gallery.order_by("sort_order")] == [
        "a",
        "b",
    ]
    assert [row.document.title for row in saved.attachments.all()] == ["检测报告"]


def test_refused_save_removes_the_files_it_stored_and_restores_the_cover(
    monkeypatch,
):
    user = UserFactory()
    outcome = OutcomeFactory(submitted=True)  # under review: the service refuses
    images_before = get_image_model().objects.count()
    documents_before = get_document_model().objects.count()
    stored_names: list[str] = []
    file_class = get_image_model().file.field.attr_class
    original_delete = file_class.delete

    def remember(self, save=True):
        stored_names.append(self.path)
        return original_delete(self, save=save)

    monkeypatch.setattr(file_class, "delete", remember)
    with pytest.raises(ListingError):
        save_listing_with_media(
            outcome,
            by_user_id=user.pk,
            modes=[],
            media=MediaChanges(
                cover_upload=png_upload("cover.png"),
                attachment_uploads=[pdf_upload()],
            ),
        )

    assert outcome.cover_image is None
    assert get_image_model().objects.count() == images_before
    assert get_document_model().objects.count() == documents_before
    assert stored_names and not any(os.path.exists(p) for p in stored_names)


def test_removing_rows_only_touches_the_listings_own_files():
    user = UserFactory()
    mine, theirs = OutcomeFactory(), OutcomeFactory()
    save_listing_with_media(
        theirs,
        by_user_id=user.pk,
        modes=[],
        media=MediaChanges(
            gallery_uploads=[png_upload()], attachment_uploads=[pdf_upload()]
        ),
    )
    their_image = OutcomeImage.objects.get(outcome=theirs)
    their_document = OutcomeAttachment.objects.get(outcome=theirs)

    save_listing_with_media(
        mine,
        by_user_id=user.pk,
        modes=[],
        media=MediaChanges(
            remove_gallery=[their_image.pk], remove_attachments=[their_document.pk]
        ),
    )

    assert OutcomeImage.objects.filter(pk=their_image.pk).exists()
    assert OutcomeAttachment.objects.filter(pk=their_document.pk).exists()
