"""Saving a listing together with its files: cover image, gallery and attachments.

``save_listing_with_media`` stores the uploads, saves the listing through the
life-cycle service and records the gallery and attachment rows in one transaction.
A published outcome stays live while its edit waits for review: its IP rights, new
files and removals then go into the pending revision (``publish_changes`` applies
them), and the live rows are left alone.
When anything refuses (a listing under review, a stale revision), nothing is kept:
the files already written for this save are removed again, and the listing's cover
is put back as it was so that the form can be shown again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from wagtail.images import get_image_model

from market.models import (
    Listing,
    ListingStatus,
    Outcome,
    OutcomeAttachment,
    OutcomeImage,
)
from market.services.listings import save_listing
from market.uploads import (
    UPLOAD_COLLECTION_NAME,
    store_document,
    store_image,
    title_from_filename,
)


@dataclass(frozen=True)
class MediaChanges:
    """What an owner asked to do with a listing's files (outcomes have files)."""

    cover_upload: Any = None  # a checked upload, or None to keep the cover
    remove_cover: bool = False
    gallery_uploads: Sequence[Any] = ()
    remove_gallery: Iterable[int] = ()  # OutcomeImage ids
    attachment_uploads: Sequence[Any] = ()
    remove_attachments: Iterable[int] = ()  # OutcomeAttachment ids


def save_listing_with_media(
    listing: Listing,
    *,
    by_user_id: int,
    modes: Iterable[Any],
    loaded_revision_id: int | None = None,
    media: MediaChanges | None = None,
    save_children: Callable[[Listing], None] | None = None,
    rights_for_review: Callable[[], list[dict[str, str]]] | None = None,
) -> Listing:
    """Save ``listing`` with its file changes, all or nothing.

    ``save_children`` runs inside the same transaction once the listing has its
    primary key (the workbench saves the IP rights formset there). For a published
    outcome, whose edit waits for review, ``rights_for_review`` gives the IP rights
    as they should be once approved instead, and nothing live is touched. Raises
    what ``save_listing`` raises, after removing the files this call stored.
    """
    media = media or MediaChanges()
    stored: list[Any] = []
    discarded: list[Any] = []
    is_outcome = isinstance(listing, Outcome)
    old_cover = listing.cover_image if is_outcome and listing.cover_image_id else None
    pending = (
        is_outcome
        and listing.pk is not None
        and Listing.objects.filter(
            pk=listing.pk, status=ListingStatus.PUBLISHED
        ).exists()
    )
    try:
        with transaction.atomic():
            if isinstance(listing, Outcome):
                if media.cover_upload:
                    listing.cover_image = store_image(
                        media.cover_upload,
                        title=listing.title,
                        description=listing.title,
                        uploaded_by_user_id=by_user_id,
                    )
                    stored.append(listing.cover_image)
                elif media.remove_cover:
                    listing.cover_image = None
                if old_cover and listing.cover_image_id != old_cover.pk:
                    discarded.append(old_cover)
            children = (
                _children_for_review(
                    listing.title, media, rights_for_review, by_user_id, stored
                )
                if pending
                else None
            )
            listing = save_listing(
                listing,
                by_user_id=by_user_id,
                modes=modes,
                loaded_revision_id=loaded_revision_id,
                children=children,
            )
            if pending:
                return listing
            if save_children is not None:
                save_children(listing)
            if isinstance(listing, Outcome):
                stored += _save_outcome_files(listing, media, by_user_id, discarded)
                _discard_uploads(discarded)
    except Exception:
        for item in stored:
            item.file.delete(save=False)
        if isinstance(listing, Outcome):
            listing.cover_image = old_cover  # the page is shown again as it was
        raise
    return listing


def _children_for_review(
    title: str,
    media: MediaChanges,
    rights_for_review: Callable[[], list[dict[str, str]]] | None,
    user_id: int,
    stored: list[Any],
) -> dict[str, Any]:
    """IP rights, new files and removals of a published outcome, for its pending
    revision: the files are stored now and shown only once the changes are approved."""
    gallery = []
    for upload in media.gallery_uploads:
        image = store_image(
            upload,
            title=title_from_filename(upload.name),
            description=title,
            uploaded_by_user_id=user_id,
        )
        stored.append(image)
        gallery.append(image.pk)
    attachments = []
    for upload in media.attachment_uploads:
        document = store_document(
            upload, title=title_from_filename(upload.name), uploaded_by_user_id=user_id
        )
        stored.append(document)
        attachments.append(document.pk)
    return {
        "_ip_rights": rights_for_review() if rights_for_review is not None else [],
        "_gallery_add": gallery,
        "_gallery_remove": list(media.remove_gallery),
        "_attachments_add": attachments,
        "_attachments_remove": list(media.remove_attachments),
    }


def _save_outcome_files(
    outcome: Outcome, media: MediaChanges, user_id: int, discarded: list[Any]
) -> list[Any]:
    stored: list[Any] = []
    # Only this outcome's own rows, whatever ids were asked for.
    for image_row in OutcomeImage.objects.filter(
        outcome=outcome, pk__in=list(media.remove_gallery)
    ).select_related("image"):
        discarded.append(image_row.image)
        image_row.delete()
    for attachment in OutcomeAttachment.objects.filter(
        outcome=outcome, pk__in=list(media.remove_attachments)
    ).select_related("document"):
        discarded.append(attachment.document)
        attachment.delete()
    order = len(outcome.gallery.all())
    for upload in media.gallery_uploads:
        image = store_image(
            upload,
            title=title_from_filename(upload.name),
            description=outcome.title,
            uploaded_by_user_id=user_id,
        )
        stored.append(image)
        order += 1
        OutcomeImage.objects.create(outcome=outcome, image=image, sort_order=order)
    order = len(outcome.attachments.all())
    for upload in media.attachment_uploads:
        document = store_document(
            upload, title=title_from_filename(upload.name), uploaded_by_user_id=user_id
        )
        stored.append(document)
        order += 1
        OutcomeAttachment.objects.create(
            outcome=outcome, document=document, sort_order=order
        )
    return stored


def _discard_uploads(items: list[Any]) -> None:
    """Delete replaced or removed files that owners uploaded and nothing else uses."""
    image_model = get_image_model()
    for item in items:
        if item.collection.name != UPLOAD_COLLECTION_NAME:
            continue  # chosen from the editors' library: not ours to delete
        if isinstance(item, image_model):
            in_use = (
                Outcome.objects.filter(cover_image=item).exists()
                or OutcomeImage.objects.filter(image=item).exists()
            )
        else:
            in_use = OutcomeAttachment.objects.filter(document=item).exists()
        if not in_use:
            item.delete()
