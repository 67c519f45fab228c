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
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from market.uploads import (
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    MAX_PDF_OBJECTS,
    MAX_PDF_PAGES,
    UPLOAD_COLLECTION_NAME,
    check_image,
    check_pdf,
    store_document,
    store_image,
)
from tests.factories import UserFactory
from tests.factories.files import pdf

PDF = pdf()


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
    content = PDF + b"0" * (MAX_PDF_BYTES + 1) + b"\n%%EOF\n"

    assert refusal(check_pdf, upload("huge.pdf", content)).code == "pdf_too_big"


def test_check_pdf_refuses_a_truncated_pdf():
    assert refusal(check_pdf, upload("cut.pdf", PDF[:30])).code == "broken_pdf"


def test_check_pdf_refuses_a_pdf_with_javascript():
    active = pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")

    assert refusal(check_pdf, upload("macro.pdf", active)).code == "active_pdf"


def test_check_pdf_accepts_compressed_object_streams_links_and_page_actions():
    plain = [
        pdf(compressed=True),
        pdf(b"/OpenAction [3 0 R /Fit]"),
        pdf(page=b"/Annots [4 0 R]", objects=[LINK % b"(https://example.cn/a.pdf)"]),
        pdf(b"/OpenAction << /S /URI /URI (mailto:tt@example.cn) >>"),
        pdf(b"/AcroForm << /Fields [] >>"),
    ]

    for number, content in enumerate(plain):
        check_pdf(upload(f"plain-{number}.pdf", content, "application/pdf"))


LINK = b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A << /S /URI /URI %s >> >>"
FILE_SPEC = b"<< /Type /Filespec /F (setup.exe) /EF << /F 5 0 R >> >>"
EMBEDDED = b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"


# Each of these the old byte scan for /JavaScript, /JS and /Launch let through.
@pytest.mark.parametrize(
    ("content", "what"),
    [
        # Names with #xx escapes: a viewer reads /JavaScript and /JS.
        (pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), "scripts"),
        # The same action inside a compressed object stream.
        (
            pdf(
                b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", compressed=True
            ),
            "scripts",
        ),
        (
            pdf(page=b"/AA << /O << /S /L#61unch /F (cmd.exe) >> >>", compressed=True),
            "start other programs",
        ),
        (
            pdf(
                b"/Names << /EmbeddedFiles << /Names [(setup.exe) 4 0 R] >> >>",
                objects=[FILE_SPEC, EMBEDDED],
            ),
            "embedded files",
        ),
        (
            pdf(
                page=b"/Annots [4 0 R]",
                objects=[
                    b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] "
                    b"/FS << /Type /Filespec /F (a.txt) >> >>"
                ],
            ),
            "embedded files",
        ),
        (
            pdf(page=b"/Annots [<< /Subtype /RichMedia /Rect [0 0 9 9] >>]"),
            "embedded files",
        ),
        (
            pdf(
                b"/AcroForm << /Fields [] /XFA 4 0 R >>",
                objects=[b"<< /Length 7 >>\nstream\n<xdp/>\nendstream"],
            ),
            "XFA forms",
        ),
        (
            pdf(b"/OpenAction << /S /SubmitForm /F (https://evil.example/) >>"),
            "send or load data",
        ),
        (pdf(b"/OpenAction << /S /ImportData /F (data.fdf) >>"), "send or load data"),
        (
            pdf(
                b"/OpenAction << /S /GoToR /F (\\\\\\\\evil\\\\share\\\\a.pdf) /D [0 /Fit] >>"
            ),
            "open local files",
        ),
        (
            pdf(page=b"/Annots [4 0 R]", objects=[LINK % b"(javascript:alert(1))"]),
            "open local files or run scripts",
        ),
        (
            pdf(
                page=b"/Annots [4 0 R]",
                objects=[LINK % b"(file:///C:/Windows/calc.exe)"],
            ),
            "open local files or run scripts",
        ),
    ],
)
def test_check_pdf_refuses_active_content_however_it_is_written(content, what):
    error = refusal(check_pdf, upload("brochure.pdf", content, "application/pdf"))

    assert error.code == "active_pdf"
    assert what in error.messages[0]
    assert "Export or print it again as a plain PDF" in error.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        # Not even a web page: a header, then nothing a PDF reader understands.
        b"%PDF-1.4\n" + b"hello " * 200 + b"\n%%EOF\n",
        # A cross-reference that points at nothing.
        b"%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 >>\n"
        b"startxref\n9\n%%EOF\n",
        # Arrays nested deeper than any PDF writer produces.
        pdf(b"/Deep " + b"[" * 3000 + b"]" * 3000),
    ],
)
def test_check_pdf_refuses_what_does_not_parse_as_a_pdf(content):
    error = refusal(check_pdf, upload("report.pdf", content, "application/pdf"))

    assert error.code == "broken_pdf"
    assert "cannot be read as a PDF" in error.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        # A web page behind a PDF header: the old check saw the header and %%EOF.
        b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"
        b"%%EOF\n",
        # A real PDF that a PDF reader accepts, whose first bytes are HTML for a
        # browser that sniffs content (a polyglot).
        pdf().replace(
            b"%PDF-1.7\n", b"%PDF-1.7\n%<html><script>alert(1)</script></html>\n", 1
        ),
    ],
)
def test_check_pdf_refuses_a_web_page_behind_a_pdf_header(content):
    error = refusal(check_pdf, upload("report.pdf", content, "application/pdf"))

    assert error.code == "not_pdf"
    assert "web page" in error.messages[0]


def test_check_pdf_checks_pdfs_protected_without_a_password_and_refuses_passwords():
    def protected(user_password: str, *, script: bool = False) -> bytes:
        writer = PdfWriter()
        writer.add_blank_page(200, 200)
        if script:
            writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert(1)"),
                }
            )
        writer.encrypt(user_password, "owner-secret", algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    check_pdf(upload("print-only.pdf", protected("")))
    password = refusal(check_pdf, upload("secret.pdf", protected("open-me")))
    script = refusal(check_pdf, upload("p.pdf", protected("", script=True)))

    assert password.code == "encrypted_pdf"
    assert "password-protected" in password.messages[0]
    assert script.code == "active_pdf"


def test_check_pdf_bounds_its_work_by_pages_and_objects():
    many_pages = pdf(pages=MAX_PDF_PAGES + 1)
    many_objects = pdf(objects=[b"null"] * MAX_PDF_OBJECTS)

    for content in (many_pages, many_objects):
        error = refusal(check_pdf, upload("long.pdf", content, "application/pdf"))
        assert error.code == "pdf_too_complex"
        assert f"at most {MAX_PDF_PAGES} pages" in error.messages[0]


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
def test_store_document_refuses_a_scripted_pdf_before_anything_is_written():
    scripted = pdf(
        b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", compressed=True
    )

    with pytest.raises(ValidationError):
        store_document(upload("a.pdf", scripted), title="a", uploaded_by_user_id=None)

    assert not get_document_model().objects.exists()


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
