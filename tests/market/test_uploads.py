"""Uploaded pictures and PDFs are judged by their content and stored in Wagtail."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from market.uploads import (
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    UPLOAD_COLLECTION_NAME,
    check_image,
    check_pdf,
    store_document,
    store_image,
)
from tests.factories import UserFactory

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english():
    """Assert on the English source strings, whatever locale/ translates them to."""
    with translation.override("en"):
        yield


def picture(size=(40, 30), fmt="PNG", mode="RGB") -> bytes:
    buffer = io.BytesIO()
    PILImage.new(mode, size).save(buffer, fmt)
    return buffer.getvalue()


def claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` (CRC kept valid)."""
    data = bytearray(picture((8, 8), mode="1"))
    # Signature (8 bytes), then the IHDR chunk: length, type, width, height, ...
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def upload(name: str, content: bytes, content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type)


def refusal(check, file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check(file)
    return caught.value


@pytest.mark.parametrize(
    ("fmt", "found"),
    [("PNG", "PNG"), ("JPEG", "JPEG"), ("WEBP", "WEBP"), ("GIF", "GIF")],
)
def test_check_image_accepts_real_pictures_of_the_allowed_formats(fmt, found):
    checked = check_image(upload("x.bin", picture(fmt=fmt), "application/octet-stream"))

    assert (checked.format, checked.width, checked.height) == (found, 40, 30)


def test_check_image_refuses_a_text_file_named_png():
    error = refusal(check_image, upload("photo.png", b"I am not a picture\n" * 20))

    assert error.code == "invalid_image"
    assert "not a picture we accept" in error.messages[0]


def test_check_image_refuses_a_format_outside_the_list_whatever_its_name():
    bmp = picture(fmt="BMP")

    assert refusal(check_image, upload("photo.png", bmp)).code == "invalid_image"


def test_check_image_refuses_a_file_over_ten_megabytes():
    content = picture() + b"\0" * (11 * 1024 * 1024)
    assert len(content) > MAX_IMAGE_BYTES

    error = refusal(check_image, upload("big.png", content))

    assert error.code == "image_too_big"
    assert "10.0" in error.messages[0]


def test_check_image_refuses_more_than_6000_pixels_a_side():
    error = refusal(check_image, upload("wide.png", picture((7000, 7000), mode="1")))

    assert error.code == "image_too_large"
    assert "7000 × 7000" in error.messages[0]


def test_check_image_refuses_a_decompression_bomb():
    # A header claiming 20000 × 20000 pixels in a file of a few hundred bytes: it
    # would decode to 400 million pixels, so Pillow's bomb check must stop it first.
    bomb = claiming(20000, 20000)
    assert len(bomb) < 1000

    error = refusal(check_image, upload("bomb.png", bomb))

    assert error.code == "decompression_bomb"


def test_check_image_treats_pillows_bomb_warning_as_a_refusal():
    # 10000 × 10000 is above Pillow's warning threshold, below its error threshold.
    error = refusal(check_image, upload("b.png", claiming(10000, 10000)))

    assert error.code == "decompression_bomb"


def test_check_image_refuses_a_truncated_picture():
    data = picture((200, 200), fmt="JPEG")

    error = refusal(
        check_image, upload("cut.jpg", data[: len(data) // 2], "image/jpeg")
    )

    assert error.code in {"broken_image", "invalid_image"}


def test_check_pdf_accepts_a_pdf():
    check_pdf(upload("report.pdf", PDF, "application/pdf"))


def test_check_pdf_refuses_a_non_pdf_named_pdf():
    error = refusal(
        check_pdf, upload("report.pdf", b"<html>not a pdf</html>", "application/pdf")
    )

    assert error.code == "not_pdf"


def test_check_pdf_refuses_an_oversize_pdf():
    content = PDF[:-6] + b"\n" + b"0" * (MAX_PDF_BYTES + 1) + b"\n%%EOF\n"

    assert refusal(check_pdf, upload("huge.pdf", content)).code == "pdf_too_big"


def test_check_pdf_refuses_a_truncated_pdf():
    assert refusal(check_pdf, upload("cut.pdf", PDF[:30])).code == "broken_pdf"


def test_check_pdf_refuses_a_pdf_with_javascript():
    active = PDF.replace(
        b"<< /Type /Catalog >>",
        b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
    )

    assert refusal(check_pdf, upload("macro.pdf", active)).code == "active_pdf"


@pytest.mark.django_db
def test_store_image_creates_a_wagtail_image_named_after_its_content():
    user = UserFactory()

    image = store_image(
        upload("照片.gif", picture((64, 48), fmt="PNG")),
        title="样机照片",
        uploaded_by_user_id=user.pk,
    )

    stored = get_image_model().objects.get(pk=image.pk)
    assert stored.title == "样机照片"
    assert (stored.width, stored.height) == (64, 48)
    assert stored.uploaded_by_user == user
    assert stored.collection.name == UPLOAD_COLLECTION_NAME
    assert stored.file.name.endswith(".png")
    assert stored.file_size > 0 and stored.file_hash
    assert stored.get_rendition("fill-32x32").width == 32


@pytest.mark.django_db
def test_store_image_refuses_before_anything_is_written():
    with pytest.raises(ValidationError):
        store_image(upload("x.png", b"nope"), title="x", uploaded_by_user_id=None)

    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_store_document_creates_a_wagtail_document_in_the_same_collection():
    user = UserFactory()

    document = store_document(
        upload("检测报告.PDF", PDF, "application/pdf"),
        title="检测报告",
        uploaded_by_user_id=user.pk,
    )
    image = store_image(upload("a.png", picture()), title="a", uploaded_by_user_id=None)

    stored = get_document_model().objects.get(pk=document.pk)
    assert stored.uploaded_by_user == user
    assert stored.file.name.endswith(".pdf")
    assert stored.file_size == len(PDF)
    assert stored.collection == image.collection
