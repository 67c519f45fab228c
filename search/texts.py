"""Segmented text, computed when a listing is saved and kept in ``ListingText``.

Challenges keep theirs in the same table under a negative key
(``search.documents.search_key``); ``search.challenges`` says what their text is.

jieba is the slow part of indexing (about a millisecond per listing); doing it at save
time keeps reindexing a read-and-send job. Protected details are never segmented: what
is confidential must not be findable.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from market.kinds import registry
from market.models import Demand, Listing, Outcome
from search.analysis import normalise, segment, segment_many
from search.models import ListingText

_TAG = re.compile(r"<[^>]+>")
_SEGMENTED = (
    "title_words",
    "keywords_words",
    "summary_words",
    "body_words",
    "body_text",
    "organisation_words",
)


def plain_text(value: str) -> str:
    """Rich text as plain text (tags dropped, entities decoded)."""
    return html.unescape(_TAG.sub(" ", value or ""))


def body_parts(listing: Listing) -> list[str]:
    """The public long text of a listing, in reading order."""
    if isinstance(listing, Outcome):
        return [
            plain_text(listing.description),
            listing.advantages,
            listing.comparison,
            listing.applications,
            listing.maturity_evidence,
            *(right.title for right in listing.ip_rights.all()),
        ]
    if isinstance(listing, Demand):
        return [plain_text(listing.problem), *map(str, listing.objectives or [])]
    return []


def segmented_fields(listing: Listing) -> dict[str, str]:
    """The ``ListingText`` fields of a listing (its specific Outcome or Demand)."""
    organisation = listing.organisation
    body = [part for part in body_parts(listing) if part]
    return {
        "title_words": segment(listing.title),
        "keywords_words": segment_many(str(k) for k in listing.keywords or []),
        "summary_words": segment(listing.summary),
        "body_words": segment_many(body),
        "body_text": normalise(" ".join(body)),
        "organisation_words": segment_many(
            [organisation.name, organisation.short_name]
        ),
    }


def _specific(ids: list[int]) -> dict[int, Listing]:
    found: dict[int, Listing] = {}
    kinds = dict(Listing.objects.filter(pk__in=ids).values_list("pk", "kind"))
    for kind, model in ((spec.key, spec.model) for spec in registry):
        wanted = [pk for pk, k in kinds.items() if k == kind]
        if not wanted:
            continue
        queryset: Any = model.objects.filter(pk__in=wanted).select_related(
            "organisation"
        )
        if model is Outcome:
            queryset = queryset.prefetch_related("ip_rights")
        found.update({row.pk: row for row in queryset})
    return found


def _fields_of(keys: list[int]) -> dict[int, dict[str, str]]:
    """The ``ListingText`` fields of the items that exist, by search key.

    Listings by their primary key; challenges (negative keys, see
    ``search.documents.search_key``) through ``search.challenges``.
    """
    listing_ids = [pk for pk in keys if pk > 0]
    found = {
        pk: segmented_fields(listing)
        for pk, listing in (_specific(listing_ids) if listing_ids else {}).items()
    }
    challenge_keys = [pk for pk in keys if pk < 0]
    if challenge_keys:
        from search.challenges import segmented_texts

        found.update(segmented_texts(challenge_keys))
    return found


def record_texts(listing_ids: Iterable[int], *, segment_text: bool = True) -> None:
    """Segment the listings' text (if they exist) and count one more change of each.

    Runs inside the caller's transaction; the text rows are locked so that two
    changes of one listing get two versions.
    """
    ids = sorted({int(pk) for pk in listing_ids})
    if not ids:
        return
    with transaction.atomic():
        # Rows first, then locks: a row another transaction is inserting right now
        # (a reindex segmenting a listing that had none, a concurrent first change)
        # is waited for and kept, where a plain INSERT would fail on its key.
        ListingText.objects.bulk_create(
            [ListingText(listing_id=pk, version=0) for pk in ids],
            ignore_conflicts=True,
        )
        current = {
            row.pk: row
            for row in ListingText.objects.select_for_update().filter(pk__in=ids)
        }
        fields = _fields_of(ids) if segment_text else {}
        rows = []
        for pk in ids:
            # Deleted since (a listing removed meanwhile): written again, as before.
            row = current.get(pk) or ListingText(listing_id=pk, version=0)
            row.version += 1
            for name, value in fields.get(pk, {}).items():
                setattr(row, name, value)
            rows.append(row)
        # One upsert for all (an import publishes thousands at once), not a save each.
        ListingText.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["listing_id"],
            update_fields=[*_SEGMENTED, "version", "segmented_at"],
            batch_size=500,
        )


def fill_body_texts(listing_ids: Iterable[int]) -> None:
    """Keep the plain body text of listings whose text row predates it.

    The words stay as they are and so does the version: only a new index reads the
    text (``search_reindex``), and a listing's next change rewrites its whole row.
    """
    keys = sorted({int(pk) for pk in listing_ids})
    # Listings: the plain text alone, no segmentation (a reindex may fill thousands).
    listings = _specific([pk for pk in keys if pk > 0])
    rows = [
        ListingText(
            listing_id=pk,
            body_text=normalise(" ".join(p for p in body_parts(listing) if p)),
        )
        for pk, listing in listings.items()
    ]
    # Challenges were indexed after the plain text was kept: none is expected here.
    challenge_keys = [pk for pk in keys if pk < 0]
    if challenge_keys:
        rows += [
            ListingText(listing_id=pk, body_text=values["body_text"])
            for pk, values in _fields_of(challenge_keys).items()
        ]
    ListingText.objects.bulk_update(rows, ["body_text"], batch_size=500)


def ensure_texts(listing_ids: Iterable[int]) -> dict[int, ListingText]:
    """The text rows of the listings, segmenting any that has none yet."""
    ids = [int(pk) for pk in listing_ids]
    texts = {row.pk: row for row in ListingText.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in texts]
    if missing:
        new = [
            ListingText(listing_id=pk, **values)
            for pk, values in _fields_of(missing).items()
        ]
        ListingText.objects.bulk_create(new, ignore_conflicts=True)
        texts.update(
            {row.pk: row for row in ListingText.objects.filter(pk__in=missing)}
        )
    return texts
