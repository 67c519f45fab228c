"""Checking uploaded pictures and PDFs by their content, and storing them in Wagtail.

A file's name and the browser's content type say nothing reliable about what it is,
so images are opened and verified with Pillow (known formats only, bounded size and
pixel count, decompression bombs refused) and PDFs are read for their signature, their
end marker and active content. Accepted files become Wagtail images and documents in
one collection, named after the format that was detected.
"""

from __future__ import annotations

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
# Names that make a PDF run code or other programs when opened (a name ends at a
# delimiter; compressed object streams can still hide them, so this is a first net).
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|JS|Launch)(?=[\s()<>\[\]/%])")
# A data value, not user interface text: the collection editors see in the admin.
UPLOAD_COLLECTION_NAME = "Listing uploads"
_CHUNK = 1024 * 1024


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
    """Accept a complete PDF of at most 20 MB without scripts or launch actions."""
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
    head = file.read(len(PDF_SIGNATURE))
    if head != PDF_SIGNATURE:
        raise ValidationError(
            _("This file is not a PDF document. Upload a PDF."), code="not_pdf"
        )
    file.seek(max(0, size - 2048))
    if PDF_END_MARKER not in file.read():
        raise ValidationError(
            _("This PDF is incomplete or damaged; export it again and re-upload."),
            code="broken_pdf",
        )
    if _contains(file, PDF_ACTIVE_CONTENT):
        raise ValidationError(
            _(
                "This PDF contains scripts or launch actions, which are not accepted. "
                "Export it again as a plain PDF."
            ),
            code="active_pdf",
        )
    file.seek(0)


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


def _contains(file: Any, pattern: re.Pattern[bytes]) -> bool:
    # Chunks overlap so a name split across two reads is still found.
    overlap = 64
    file.seek(0)
    tail = b""
    while chunk := file.read(_CHUNK):
        window = tail + chunk
        if pattern.search(window):
            return True
        tail = window[-overlap:]
    return False
