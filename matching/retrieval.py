"""Candidates for an item from the two retrieval components (the search edge)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from django.conf import settings

from market.models import ListingKind
from matching.engine.embedding import Embedder, Vectors
from matching.engine.items import MatchItem, Side
from matching.engine.terms import is_key_term
from matching.models import EmbeddingModel
from matching.vectors import MSEARCH_FILTER_PATH, get_store
from search.backends import SearchUnavailable, get_backend
from search.query import (
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    SearchFilters,
    SearchRequest,
    plan,
)

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


# -- batches (a chunk of a full refresh) --------------------------------------------


def lexical_body(kind: str, terms: list[str]) -> dict[str, Any]:
    """The Elasticsearch body of one item's lexical query: the search's text query and
    ranking, without what only a results page needs (facets, highlights, totals)."""
    from search.backends.elasticsearch import text_query

    return {
        "query": {
            "bool": {
                "must": [text_query(plan(" ".join(terms)))],
                "filter": [{"term": {"kind": kind}}],
            }
        },
        "sort": [
            "_score",
            {"published_at": {"order": "desc"}},
            {"listing_id": {"order": "desc"}},
        ],
        "size": MAX_PER_PAGE,
        "track_total_hits": False,
        "_source": False,  # the document id is the listing's
    }


def lexical_many(queries: list[tuple[MatchItem, list[str]]]) -> list[dict[int, float]]:
    """BM25 scores for several items at once: one ``_msearch`` on Elasticsearch."""
    if settings.SEARCH_BACKEND != "elasticsearch":
        return [lexical(item, terms) for item, terms in queries]
    from elasticsearch import ApiError, TransportError

    from search.backends.elasticsearch import get_client, index_name
    from search.documents import INDEXES

    searches: list[dict[str, Any]] = []
    asked: list[int] = []
    for n, (item, terms) in enumerate(queries):
        if not terms:
            continue
        kind = OTHER_KIND[item.side]
        searches += [
            {"index": index_name(INDEXES[kind]), "ignore_unavailable": True},
            lexical_body(kind, terms),
        ]
        asked.append(n)
    found: list[dict[int, float]] = [{} for _ in queries]
    if not searches:
        return found
    try:
        response = get_client().msearch(
            searches=searches, filter_path=MSEARCH_FILTER_PATH
        )
    except (TransportError, ApiError):
        logger.warning("matching: search unavailable, lexical candidates skipped")
        return found
    for n, answer in zip(asked, response["responses"], strict=True):
        if "error" in answer:
            logger.warning("matching: lexical search failed: %s", answer["error"])
            continue
        own = str(queries[n][0].id)
        found[n] = {
            int(hit["_id"]): float(hit.get("_score") or 0.0)
            for hit in answer.get("hits", {}).get("hits", ())
            if hit["_id"] != own
        }
    return found


def semantic_many(
    items: list[MatchItem], model: EmbeddingModel | None, vectors: Vectors | None
) -> list[dict[int, float]]:
    """Cosine similarities of each item's nearest counterparts (``vectors`` are the
    items' own): one kNN ``_msearch`` (Elasticsearch) or one matrix product per side
    (embedded)."""
    if model is None or vectors is None or not items:
        return [{} for _ in items]
    asked = [
        (item.id, vectors[n], str(OTHER_KIND[item.side]))
        for n, item in enumerate(items)
        if np.any(vectors[n])
    ]
    found = get_store().nearest_many(model, asked, k=MAX_PER_PAGE)
    return [found.get(item.id, {}) for item in items]
