"""Checking uploaded pictures and PDFs by their content, and storing them in Wagtail.

A file's name and the browser's content type say nothing reliable about what it is,
so images are opened and verified with Pillow (known formats only, bounded size and
pixel count, decompression bombs refused) and PDFs are parsed with pypdf and every
object in them inspected for active content (scripts, launch actions, embedded files
…). Accepted files become Wagtail images and documents in one collection, named after
the format that was detected.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_SIDE = 6000
# Frames × width × height, so an animated GIF cannot hide a bomb behind small frames;
# the same bound as Wagtail's WAGTAILIMAGES_MAX_IMAGE_PIXELS default.
MAX_IMAGE_TOTAL_PIXELS = 128_000_000
MAX_PDF_BYTES = 20 * 1024 * 1024
# Pillow format → file extension of the stored original.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
PDF_SIGNATURE = b"%PDF-"
PDF_END_MARKER = b"%%EOF"
# Bounds on the work of checking one PDF (pypdf parses ~4,000 objects a second on a
# busy core): a 300-page brochure has a few thousand objects; the walk visits each
# object and each entry of its dictionaries and arrays.
MAX_PDF_PAGES = 1000
MAX_PDF_OBJECTS = 20_000
MAX_PDF_NODES = 1_000_000
_SCRIPTS = _("scripts (JavaScript)")
_LAUNCH = _("actions that start other programs")
_EMBEDDED = _("embedded files or media")
_FORMS = _("forms that send or load data")
_OTHER_FILES = _("links that open local files or run scripts")
# Names (as keys or values, after pypdf has decoded #xx escapes) of what runs code,
# starts programs, carries or opens other files, or sends data when a PDF is viewed.
# An /OpenAction or /AA is refused through its action type (/S /JavaScript, /Launch …).
PDF_REFUSED_NAMES = {
    "/JavaScript": _SCRIPTS,
    "/JS": _SCRIPTS,
    "/RichMediaExecute": _SCRIPTS,
    "/Launch": _LAUNCH,
    "/EmbeddedFile": _EMBEDDED,
    "/EmbeddedFiles": _EMBEDDED,
    "/FileAttachment": _EMBEDDED,
    "/RichMedia": _EMBEDDED,
    "/RichMediaContent": _EMBEDDED,
    "/GoToE": _EMBEDDED,
    # XFA forms carry their own scripts and are deprecated in PDF 2.0.
    "/XFA": _("XFA forms"),
    "/SubmitForm": _FORMS,
    "/ImportData": _FORMS,
    "/GoToR": _OTHER_FILES,
}
# HTML in the bytes a browser sniffs: a "%PDF-" header over a web page, meant to run
# as HTML wherever the content type is not enforced (downloads are served with nosniff).
_HTML_HEAD = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|img)\b",
    re.IGNORECASE,
)
# Link (URI action) schemes a PDF may point at; javascript:, file: and the like not.
PDF_LINK_SCHEMES = {"http", "https", "mailto"}
_URI_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.-]*):")
# A data value, not user interface text: the collection editors see in the admin.
UPLOAD_COLLECTION_NAME = "Listing uploads"


@dataclass(frozen=True)
class CheckedImage:
    """What Pillow found in an accepted image."""

    format: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return IMAGE_FORMATS[self.format]


def check_image(file: Any) -> CheckedImage:
    """Accept a JPEG, PNG, WebP or GIF of at most 10 MB and 6000 × 6000 pixels."""
    size = _size(file)
    if size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("This file is %(size)s; an image may be at most %(limit)s."),
            code="image_too_big",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(MAX_IMAGE_BYTES),
            },
        )
    not_an_image = ValidationError(
        _(
            "This file is not a picture we accept. Upload a JPEG, PNG, WebP or GIF "
            "image."
        ),
        code="invalid_image",
    )
    bomb = ValidationError(
        _(
            "This image declares more pixels than can be processed safely. Upload a "
            "picture of at most %(side)s × %(side)s pixels."
        ),
        code="decompression_bomb",
        params={"side": MAX_IMAGE_SIDE},
    )
    formats = list(IMAGE_FORMATS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            file.seek(0)
            with PILImage.open(file, formats=formats) as image:
                found = CheckedImage(image.format or "", *image.size)
                frames = int(getattr(image, "n_frames", 1) or 1)
                image.verify()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise bomb from None
        except Exception:  # Pillow raises many kinds for hostile or broken input.
            raise not_an_image from None
        if found.format not in IMAGE_FORMATS:
            raise not_an_image
        if found.width > MAX_IMAGE_SIDE or found.height > MAX_IMAGE_SIDE:
            raise ValidationError(
                _(
                    "This image is %(width)s × %(height)s pixels; an image may be at "
                    "most %(side)s × %(side)s pixels."
                ),
                code="image_too_large",
                params={
                    "width": found.width,
                    "height": found.height,
                    "side": MAX_IMAGE_SIDE,
                },
            )
        if found.width * found.height * frames > MAX_IMAGE_TOTAL_PIXELS:
            raise bomb
        # verify() reads the structure only; decoding the pixels (bounded above)
        # catches truncated or corrupt image data before Wagtail meets it.
        try:
            file.seek(0)
            with PILImage.open(file, formats=formats) as image:
                image.load()
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise bomb from None
        except Exception:
            raise ValidationError(
                _("This image is damaged or incomplete; save it again and re-upload."),
                code="broken_image",
            ) from None
    file.seek(0)
    return found


def check_pdf(file: Any) -> None:
    """Accept a complete, readable PDF of at most 20 MB without active content.

    The file is parsed with pypdf and every object it holds is inspected, so names
    written with ``#xx`` escapes or hidden in compressed object streams are seen as a
    viewer sees them. Refused: anything that does not parse as a PDF with pages,
    password-protected files, scripts, launch actions, form submission, embedded
    files and media, XFA forms, links to other files and non-web link schemes.
    """
    size = _size(file)
    if size > MAX_PDF_BYTES:
        raise ValidationError(
            _("This file is %(size)s; a PDF may be at most %(limit)s."),
            code="pdf_too_big",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(MAX_PDF_BYTES),
            },
        )
    file.seek(0)
    data = file.read()
    file.seek(0)
    if not data.startswith(PDF_SIGNATURE):
        raise ValidationError(
            _("This file is not a PDF document. Upload a PDF."), code="not_pdf"
        )
    if _HTML_HEAD.search(data[:1024]):
        raise ValidationError(
            _("This file is a web page with a PDF header, not a PDF. Upload a PDF."),
            code="not_pdf",
        )
    if PDF_END_MARKER not in data[-2048:]:
        raise ValidationError(
            _("This PDF is incomplete or damaged; export it again and re-upload."),
            code="broken_pdf",
        )
    _inspect_pdf(data)


def _inspect_pdf(data: bytes) -> None:
    """Parse the PDF and walk every object in it; raise on anything refused."""
    broken = ValidationError(
        _(
            "This file cannot be read as a PDF: it is damaged or only looks like one. "
            "Export or print it again as a PDF and re-upload."
        ),
        code="broken_pdf",
    )
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _open_protected(reader)
        objects = _object_count(reader)
        if objects > MAX_PDF_OBJECTS:
            raise _too_complex()
        found = _walk(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds for hostile or broken input.
        raise broken from None
    if found.active:
        raise ValidationError(
            _(
                "This PDF contains %(content)s, which is not accepted. Export or "
                "print it again as a plain PDF."
            ),
            code="active_pdf",
            params={"content": found.active},
        )
    if not found.catalog or not found.pages:
        raise broken


def _too_complex() -> ValidationError:
    return ValidationError(
        _(
            "This PDF is too complex to check (at most %(pages)s pages and "
            "%(objects)s objects). Upload a shorter document."
        ),
        code="pdf_too_complex",
        params={"pages": MAX_PDF_PAGES, "objects": MAX_PDF_OBJECTS},
    )


def _open_protected(reader: PdfReader) -> None:
    # A PDF protected only against printing or copying opens with an empty password
    # and is checked like any other; one that needs a password cannot be checked.
    try:
        opened = reader.decrypt("")
    except Exception:  # AES needs the optional cryptography package (not installed)
        opened = PasswordType.NOT_DECRYPTED
    if opened == PasswordType.NOT_DECRYPTED:
        raise ValidationError(
            _(
                "This PDF is password-protected, so its content cannot be checked. "
                "Remove the protection (or print it to a new PDF) and re-upload."
            ),
            code="encrypted_pdf",
        )


def _object_count(reader: PdfReader) -> int:
    return sum(len(numbers) for numbers in reader.xref.values()) + len(
        reader.xref_objStm
    )


@dataclass
class _Found:
    catalog: bool = False
    pages: int = 0
    active: str = ""


def _walk(reader: PdfReader) -> _Found:
    """Visit every object the cross-reference lists or the trailer reaches."""
    found = _Found()
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    for generation, numbers in reader.xref.items():
        stack.extend(IndirectObject(n, generation, reader) for n in numbers)
    stack.extend(IndirectObject(n, 0, reader) for n in reader.xref_objStm)
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_NODES:
            raise _too_complex()
        if isinstance(item, DictionaryObject):
            found.active = found.active or _active_in(item)
            if found.active:
                return found
            kind = _entry(item, "/Type")
            if kind == "/Catalog":
                found.catalog = True
            elif kind == "/Page":
                found.pages += 1
                if found.pages > MAX_PDF_PAGES:
                    raise _too_complex()
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in PDF_REFUSED_NAMES:
            found.active = str(PDF_REFUSED_NAMES[item])
            return found
    return found


def _entry(dictionary: DictionaryObject, key: str) -> Any:
    value = dict.get(dictionary, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _active_in(dictionary: DictionaryObject) -> str:
    """What a link action refused for its target holds, or ""."""
    if _entry(dictionary, "/S") != "/URI":
        return ""
    target = _entry(dictionary, "/URI")
    if isinstance(target, bytes):
        target = target.decode("latin-1")
    scheme = _URI_SCHEME.match(str(target or ""))
    if scheme and scheme.group(1).lower() not in PDF_LINK_SCHEMES:
        return str(_OTHER_FILES)
    return ""


def listing_collection() -> Collection:
    """The Wagtail collection that holds the files owners upload to listings."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=UPLOAD_COLLECTION_NAME).first()
    return existing or root.add_child(name=UPLOAD_COLLECTION_NAME)


@transaction.atomic
def store_image(
    file: Any, *, title: str, uploaded_by_user_id: int | None, description: str = ""
) -> Any:
    """Check ``file`` and save it as a Wagtail image in the uploads collection."""
    checked = check_image(file)
    file.name = _stored_name(file.name, checked.extension)
    image = get_image_model()(
        title=title[:255],
        description=description[:255],
        file=file,
        collection=listing_collection(),
        uploaded_by_user_id=uploaded_by_user_id,
    )
    image._set_image_file_metadata()
    image.save()
    return image


@transaction.atomic
def store_document(file: Any, *, title: str, uploaded_by_user_id: int | None) -> Any:
    """Check ``file`` and save it as a Wagtail document in the uploads collection."""
    check_pdf(file)
    file.name = _stored_name(file.name, "pdf")
    document = get_document_model()(
        title=title[:255],
        file=file,
        collection=listing_collection(),
        uploaded_by_user_id=uploaded_by_user_id,
    )
    document._set_document_file_metadata()
    document.save()
    return document


def title_from_filename(name: str) -> str:
    """A readable title from an uploaded file's name (its stem)."""
    stem = os.path.splitext(os.path.basename(name or ""))[0].strip()
    return stem[:255] or "upload"


def _stored_name(name: str, extension: str) -> str:
    # The extension follows the detected content, never the name the client sent.
    stem = os.path.splitext(os.path.basename(name or ""))[0].strip()[:80] or "upload"
    return f"{stem}.{extension}"


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    return int(size)
