"""Candidates for an item from the two retrieval components (the search edge)."""

from __future__ import annotations

import logging

import numpy as np

from market.models import ListingKind
from matching.engine.embedding import Embedder
from matching.engine.items import MatchItem, Side
from matching.engine.terms import is_key_term
from matching.models import EmbeddingModel
from matching.vectors import get_store
from search.backends import SearchUnavailable, get_backend
from search.query import MAX_PER_PAGE, MAX_QUERY_LENGTH, SearchFilters, SearchRequest

logger = logging.getLogger(__name__)

OTHER_KIND = {Side.DEMAND: ListingKind.OUTCOME, Side.OUTCOME: ListingKind.DEMAND}
QUERY_TERMS = 12


def query_terms(item: MatchItem, embedder: Embedder | None) -> list[str]:
    """The item's most telling words: its keywords, then its rarest text words."""
    seen: set[str] = set()
    terms: list[str] = []
    for keyword in item.keywords:
        if is_key_term(keyword) and keyword not in seen:
            seen.add(keyword)
            terms.append(keyword)
    words = [t for t in dict.fromkeys(item.tokens) if is_key_term(t) and t not in seen]
    if embedder is not None:
        # Title words first among equals; rare words say most about the topic.
        words.sort(key=lambda t: -embedder.term_weight(t))
    terms.extend(words)
    query: list[str] = []
    length = 0
    for term in terms[:QUERY_TERMS]:
        if length + len(term) + 1 > MAX_QUERY_LENGTH:
            break
        query.append(term)
        length += len(term) + 1
    return query


def lexical(item: MatchItem, terms: list[str]) -> dict[int, float]:
    """BM25 scores of the other side's listings for the item's terms (search backend)."""
    if not terms:
        return {}
    request = SearchRequest(
        q=" ".join(terms),
        filters=SearchFilters(kind=OTHER_KIND[item.side]),
        per_page=MAX_PER_PAGE,
        verbatim=True,
    )
    try:
        results = get_backend().search(request)
    except SearchUnavailable:
        logger.warning("matching: search unavailable, lexical candidates skipped")
        return {}
    return {
        hit.listing_id: float(hit.score or 0.0)
        for hit in results.hits
        if hit.listing_id != item.id
    }


def semantic(
    item: MatchItem, model: EmbeddingModel | None, embedder: Embedder | None
) -> dict[int, float]:
    """Cosine similarities of the other side's nearest listings (kNN)."""
    if model is None or embedder is None:
        return {}
    vector = embedder.embed([item.tokens])[0]
    if not np.any(vector):
        return {}
    return dict(
        get_store().nearest(
            model, vector, OTHER_KIND[item.side], k=MAX_PER_PAGE, exclude=[item.id]
        )
    )
