"""Pieces both backends share: hits from bodies, highlight tidy-up, facet bookkeeping."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.html import escape

from market.selectors import NEGOTIABLE, PRICE_BANDS
from search.query import FacetValue, Hit, SearchFilters

SNIPPET_LENGTH = 140
# Fields a hit needs from a stored body; the segmented text stays in the index.
SOURCE_FIELDS = [
    "listing_id",
    "kind",
    "title",
    "summary",
    "organisation",
    "organisation_kind",
    "field",
    "region_codes",
    "maturity",
    "amount",
    "amount_from",
    "amount_to",
    "negotiable",
    "modes",
    "keywords",
    "published_at",
    "status",
    "deadline",
]

_ADJACENT_MARKS = re.compile(r"</mark>(\s*)<mark>")


class SearchUnavailable(Exception):
    """The search engine cannot be reached or failed; the caller may fall back."""


def tidy_marks(fragment: str) -> str:
    """One <mark> for a run of adjacent marked characters."""
    return _ADJACENT_MARKS.sub(r"\1", fragment)


def hit_from(
    source: Mapping[str, Any],
    *,
    title_html: str | None,
    snippet_html: str | None,
    score: float | None,
) -> Hit:
    """A Hit from a stored body and its (already escaped) highlights."""
    summary = str(source.get("summary") or "")
    return Hit(
        listing_id=int(source["listing_id"]),
        kind=str(source["kind"]),
        title=str(source["title"]),
        title_html=tidy_marks(title_html)
        if title_html
        else str(escape(source["title"])),
        snippet_html=tidy_marks(snippet_html)
        if snippet_html
        else str(escape(summary[:SNIPPET_LENGTH])),
        organisation=str(source.get("organisation") or ""),
        organisation_kind=str(source.get("organisation_kind") or ""),
        field=str(source.get("field") or ""),
        region_codes=tuple(source.get("region_codes") or ()),
        maturity=source.get("maturity"),
        amount=source.get("amount"),
        negotiable=bool(source.get("negotiable")),
        modes=tuple(source.get("modes") or ()),
        keywords=tuple(source.get("keywords") or ()),
        published_at=source.get("published_at"),
        score=score,
        amount_from=source.get("amount_from"),
        amount_to=source.get("amount_to"),
        status=str(source.get("status") or ""),
        deadline=source.get("deadline"),
    )


def facet_values(counts: Mapping[str, int], size: int = 50) -> list[FacetValue]:
    """Counted values, most frequent first, then by value; empty values dropped."""
    ordered = sorted(
        ((value, count) for value, count in counts.items() if value and count),
        key=lambda item: (-item[1], item[0]),
    )
    return [FacetValue(value, count) for value, count in ordered[:size]]


def price_bands() -> list[tuple[str, float | None, float | None]]:
    """The price bands as (key, above, up to) in 10k CNY."""
    return [
        (key, float(above) if above is not None else None, float(up) if up else None)
        for key, (above, up) in PRICE_BANDS.items()
    ]


def facet_filters(filters: SearchFilters, facet: str) -> SearchFilters:
    """The filters a facet is counted under: all but its own dimension."""
    own = {"subfield": "field"}.get(facet, facet)
    return filters.without(own)


__all__ = [
    "NEGOTIABLE",
    "SNIPPET_LENGTH",
    "SOURCE_FIELDS",
    "SearchUnavailable",
    "facet_filters",
    "facet_values",
    "hit_from",
    "price_bands",
    "tidy_marks",
]
