"""Reading published listings into the engine's ``MatchItem`` (the database edge)."""

from __future__ import annotations

from collections.abc import Iterable

from market.models import (
    Confidentiality,
    Demand,
    Listing,
    ListingKind,
    ListingStatus,
    Outcome,
)
from matching.engine.items import MatchItem, MoneyRange, Side
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


def tokens_of(listing_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The segmented words of each listing's title, keywords, summary and body."""
    texts = ensure_texts(listing_ids)
    return {
        pk: tuple(
            " ".join(
                [
                    text.title_words,
                    text.keywords_words,
                    text.summary_words,
                    text.body_words,
                ]
            ).split()
        )
        for pk, text in texts.items()
    }


def match_items(listing_ids: Iterable[int]) -> dict[int, MatchItem]:
    """The published listings among ``listing_ids`` as match items (others left out)."""
    ids = sorted({int(pk) for pk in listing_ids})
    published = Listing.objects.filter(pk__in=ids, status=ListingStatus.PUBLISHED)
    kinds = dict(published.values_list("pk", "kind"))
    tokens = tokens_of(kinds)
    items: dict[int, MatchItem] = {}
    for kind, model in MODELS.items():
        rows = (
            model.objects.filter(pk__in=[pk for pk, k in kinds.items() if k == kind])
            .select_related("field", "region")
            .prefetch_related("modes")
        )
        for row in rows:
            items[row.pk] = _item(row, tokens.get(row.pk, ()))
    return items


def _item(row: Outcome | Demand, tokens: tuple[str, ...]) -> MatchItem:
    if isinstance(row, Outcome):
        money = MoneyRange(row.price_wan, row.price_max_wan, row.price_negotiable)
        maturity = row.maturity
        deadline = None
    else:
        money = MoneyRange(
            row.budget_min_wan, row.budget_max_wan, row.budget_negotiable
        )
        maturity = row.expected_maturity
        deadline = row.deadline
    return MatchItem(
        id=row.pk,
        side=SIDES[row.kind],
        organisation_id=row.organisation_id,
        title=row.title,
        keywords=tuple(str(k) for k in row.keywords or ()),
        tokens=tokens,
        field_code=row.field.code if row.field is not None else None,
        region_code=row.region.code if row.region is not None else None,
        maturity=maturity,
        money=money,
        modes=frozenset(mode.code for mode in row.modes.all()),
        deadline=deadline,
        anonymous=row.confidentiality == Confidentiality.ANONYMOUS,
    )
