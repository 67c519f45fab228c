"""Reading published listings into the engine's ``MatchItem`` (the database edge)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from market.models import (
    Confidentiality,
    Demand,
    Listing,
    ListingKind,
    ListingStatus,
    Outcome,
)
from matching.engine.items import MatchItem, MoneyRange, Side
from search.models import ListingText
from search.texts import ensure_texts

SIDES: dict[str, Side] = {
    ListingKind.OUTCOME: Side.OUTCOME,
    ListingKind.DEMAND: Side.DEMAND,
}
MODELS = {ListingKind.OUTCOME: Outcome, ListingKind.DEMAND: Demand}


def published_ids(kind: str) -> list[int]:
    """Ids of the published listings of one kind, ascending."""
    return list(
        Listing.objects.filter(kind=kind, status=ListingStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


WORDS = ("title_words", "keywords_words", "summary_words", "body_words")
COMMON = (
    "pk",
    "kind",
    "organisation_id",
    "title",
    "keywords",
    "field__code",
    "region__code",
    "confidentiality",
)
# Per kind: maturity, money low/high/negotiable, deadline (outcomes have none).
OWN = {
    ListingKind.OUTCOME: (
        "maturity",
        "price_wan",
        "price_max_wan",
        "price_negotiable",
    ),
    ListingKind.DEMAND: (
        "expected_maturity",
        "budget_min_wan",
        "budget_max_wan",
        "budget_negotiable",
        "deadline",
    ),
}


def tokens_of(listing_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The segmented words of each listing's title, keywords, summary and body."""
    ids = [int(pk) for pk in listing_ids]
    # The four columns only (the stored text rows hold more), segmenting a listing
    # that has none yet.
    words: dict[int, tuple[str, ...]] = {
        row[0]: row[1:]
        for row in ListingText.objects.filter(pk__in=ids).values_list(
            "listing_id", *WORDS
        )
    }
    missing = [pk for pk in ids if pk not in words]
    if missing:
        for pk, text in ensure_texts(missing).items():
            words[pk] = tuple(getattr(text, name) for name in WORDS)
    return {pk: tuple(" ".join(texts).split()) for pk, texts in words.items()}


def match_items(listing_ids: Iterable[int]) -> dict[int, MatchItem]:
    """The published listings among ``listing_ids`` as match items (others left out)."""
    ids = sorted({int(pk) for pk in listing_ids})
    published = Listing.objects.filter(pk__in=ids, status=ListingStatus.PUBLISHED)
    kinds = dict(published.values_list("pk", "kind"))
    tokens = tokens_of(kinds)
    modes: dict[int, set[str]] = {}
    for listing_id, code in Listing.modes.through.objects.filter(
        listing_id__in=list(kinds)
    ).values_list("listing_id", "cooperationmode__code"):
        modes.setdefault(listing_id, set()).add(code)
    # Columns, not model instances: a chunk reads thousands of candidates.
    items: dict[int, MatchItem] = {}
    for kind, model in MODELS.items():
        rows = model.objects.filter(
            pk__in=[pk for pk, k in kinds.items() if k == kind]
        ).values_list(*COMMON, *OWN[kind])
        for row in rows:
            items[row[0]] = _item(row, tokens.get(row[0], ()), modes)
    return items


def _item(
    row: tuple[Any, ...], tokens: tuple[str, ...], modes: dict[int, set[str]]
) -> MatchItem:
    pk, kind, organisation_id, title, keywords, field, region, confidentiality = row[
        : len(COMMON)
    ]
    maturity, low, high, negotiable, *deadline = row[len(COMMON) :]
    return MatchItem(
        id=pk,
        side=SIDES[kind],
        organisation_id=organisation_id,
        title=title,
        keywords=tuple(str(k) for k in keywords or ()),
        tokens=tokens,
        field_code=field,
        region_code=region,
        maturity=maturity,
        money=MoneyRange(low, high, negotiable),
        modes=frozenset(modes.get(pk, ())),
        deadline=deadline[0] if deadline else None,
        anonymous=confidentiality == Confidentiality.ANONYMOUS,
    )
