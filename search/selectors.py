"""The one search the page and the JSON endpoint share: backend, correction, fallback."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from market import regions
from market.models import (
    PUBLIC_CHALLENGE_STATUSES,
    STAGE_LEVELS,
    Challenge,
    Listing,
    ListingStatus,
)
from market.selectors import NEGOTIABLE, PRICE_BANDS
from search.analysis import normalise
from search.backends import SearchBackend, SearchUnavailable, get_backend
from search.backends.common import hit_from
from search.documents import item_id, search_key
from search.query import (
    CHALLENGE,
    MAX_QUERY_LENGTH,
    SearchFilters,
    SearchRequest,
    SearchResults,
    Suggestion,
    plan,
)
from search.spelling import did_you_mean, finds_little, is_short, worth_offering

logger = logging.getLogger(__name__)

MAX_PREFIX = 30
# The most challenges the board's text search takes from the index.
BOARD_SEARCH_LIMIT = 1000


def search_listings(request: SearchRequest) -> SearchResults:
    """Results of ``request`` from the configured backend.

    A query that found little (``spelling.finds_little``: fewer than three results) is
    checked for a likely typo against the indexed vocabulary (held in this process). A
    short query's correction (``spelling.is_short``) is known before searching, so the
    original and the corrected query go in one round trip; a longer one is corrected
    only after it found little. When the original found nothing the corrected results
    are shown instead and say so; otherwise the correction is offered as a link only
    when it finds clearly more (``spelling.worth_offering``). The engine unreachable: a
    plain database search (titles and summaries, no facets) answers, marked
    ``degraded``.
    """
    backend = get_backend()
    correctable = bool(request.q) and not request.verbatim
    try:
        if correctable and is_short(request.q):
            suggestion = _correction(request.q, backend)
            if suggestion:
                results, retry = backend.search_many(
                    [request, _corrected(request, suggestion)]
                )
                results = _with_correction(results, retry, suggestion)
            else:
                results = backend.search(request)
        else:
            results = backend.search(request)
            if correctable and finds_little(results.total):
                suggestion = _correction(request.q, backend)
                if suggestion:
                    retry = backend.search(_corrected(request, suggestion))
                    results = _with_correction(results, retry, suggestion)
    except SearchUnavailable:
        logger.warning("search engine unavailable, falling back", exc_info=True)
        results = database_search(request)
    results.messages[:0] = list(request.messages)
    if request.q and not plan(request.q).variants:
        results.messages.append(
            _("Your search holds no letters or digits; showing everything instead.")
        )
    if request.page > results.pages and request.page > 1:
        results.messages.append(_("There are no results on this page."))
    return results


def _correction(q: str, backend: SearchBackend) -> str:
    """The likely meant query, or "" when ``q`` has no word to correct."""
    suggestion = did_you_mean(q, backend.vocabulary())
    return suggestion if suggestion and suggestion != q else ""


def _corrected(request: SearchRequest, suggestion: str) -> SearchRequest:
    return dataclasses.replace(request, q=suggestion, corrected_from=request.q)


def _with_correction(
    results: SearchResults, retry: SearchResults, suggestion: str
) -> SearchResults:
    """The results to show, given the original's and the correction's."""
    if results.total == 0 and retry.total:
        return retry  # searched instead, and the page says so
    if worth_offering(results.total, retry.total):
        results.did_you_mean = suggestion
    return results


def database_search(request: SearchRequest) -> SearchResults:
    """A reduced search straight from the database, for when the engine is down."""
    results = SearchResults(request=request, backend="database", degraded=True)
    results.messages.append(
        _(
            "The search engine is unavailable at the moment. These results match "
            "titles and summaries only, without counts or suggestions."
        )
    )
    if request.filters.kind == CHALLENGE:
        return _challenges_from_database(request, results)
    queryset: Any = Listing.objects.filter(status=ListingStatus.PUBLISHED)
    queryset = _narrowed(queryset, request.filters)
    words = plan(request.q).variants[0] if plan(request.q).variants else ()
    for word in words[:8]:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(summary__icontains=word)
        )
    amount = Coalesce(
        "outcome__price_wan", "demand__budget_max_wan", "demand__budget_min_wan"
    )
    newest = ("-published_at", "-pk")
    if request.sort in ("price", "-price"):
        queryset = queryset.annotate(amount=amount)
        order = F("amount").asc(nulls_last=True)
        if request.sort == "-price":
            order = F("amount").desc(nulls_last=True)
        queryset = queryset.order_by(order, *newest)
    else:
        queryset = queryset.order_by(*newest)
    results.total = queryset.count()
    rows = list(
        queryset.select_related("organisation", "field")[
            request.offset : request.offset + request.per_page
        ]
    )
    for row in rows:
        results.hits.append(
            hit_from(
                {
                    "listing_id": row.pk,
                    "kind": row.kind,
                    "title": row.title,
                    "summary": row.summary,
                    "organisation": "" if row.owner_hidden else row.organisation.name,
                    "field": row.field.code if row.field else "",
                    "published_at": row.published_at.isoformat()
                    if row.published_at
                    else None,
                    "keywords": row.keywords or [],
                },
                title_html=None,
                snippet_html=None,
                score=None,
            )
        )
    return results


def _challenges_from_database(
    request: SearchRequest, results: SearchResults
) -> SearchResults:
    """The reduced search of the public challenges (their tab, the engine down):
    title and objectives, field, region and organisation type."""
    filters = request.filters
    queryset: Any = Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATUSES)
    if filters.field:
        queryset = queryset.filter(
            Q(field__code=filters.field) | Q(field__parent__code=filters.field)
        )
    if filters.region:
        queryset = queryset.filter(
            region__code__startswith=regions.prefix(filters.region)
        )
    if filters.org:
        queryset = queryset.filter(issuer__kind=filters.org)
    if filters.stage or filters.trl is not None or filters.mode or filters.price:
        queryset = queryset.none()  # a challenge has no maturity, mode or price
    words = plan(request.q).variants[0] if plan(request.q).variants else ()
    for word in words[:8]:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(objectives__icontains=word)
        )
    newest = ("-published_at", "-pk")
    if request.sort in ("price", "-price"):
        by_bounty = "bounty_wan" if request.sort == "price" else "-bounty_wan"
        queryset = queryset.order_by(by_bounty, *newest)
    else:
        queryset = queryset.order_by(*newest)
    results.total = queryset.count()
    rows = queryset.select_related("issuer", "field")[
        request.offset : request.offset + request.per_page
    ]
    for row in rows:
        bounty = float(row.bounty_wan)
        results.hits.append(
            hit_from(
                {
                    "listing_id": search_key(CHALLENGE, row.pk),
                    "kind": CHALLENGE,
                    "title": row.title,
                    "summary": row.objectives,
                    "organisation": "" if row.owner_hidden else row.issuer.name,
                    "field": row.field.code,
                    "amount": bounty,
                    "amount_from": bounty,
                    "amount_to": bounty,
                    "status": row.status,
                    "deadline": row.application_deadline.isoformat(),
                    "published_at": row.published_at.isoformat()
                    if row.published_at
                    else None,
                },
                title_html=None,
                snippet_html=None,
                score=None,
            )
        )
    return results


def challenge_ids(q: str) -> list[int] | None:
    """Ids of the public challenges the index finds for ``q``, best first (at most
    ``BOARD_SEARCH_LIMIT``); None when the engine cannot answer.

    The board (``cms.challenges``) narrows and sorts them as it does its database
    rows, and searches its database itself when it gets None.
    """
    request = SearchRequest(
        q=normalise(q.replace("\x00", " "))[:MAX_QUERY_LENGTH],
        filters=SearchFilters(kind=CHALLENGE),
        sort="relevance",
        per_page=BOARD_SEARCH_LIMIT,
        verbatim=True,
    )
    try:
        results = get_backend().search(request)
    except SearchUnavailable:
        logger.warning("search engine unavailable, board searches the database")
        return None
    return [item_id(CHALLENGE, hit.listing_id) for hit in results.hits]


def _narrowed(queryset: Any, filters: SearchFilters) -> Any:
    """``queryset`` of listings narrowed like the engine narrows documents."""
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.field:
        queryset = queryset.filter(
            Q(field__code=filters.field) | Q(field__parent__code=filters.field)
        )
    if filters.region:
        queryset = queryset.filter(
            region__code__startswith=regions.prefix(filters.region)
        )
    levels: tuple[int, ...] = ()
    if filters.stage:
        levels = STAGE_LEVELS[filters.stage]
    if filters.trl is not None:
        levels = (filters.trl,) if not levels or filters.trl in levels else (0,)
    if levels:
        queryset = queryset.filter(
            Q(outcome__maturity__in=levels) | Q(demand__expected_maturity__in=levels)
        )
    if filters.mode:
        queryset = queryset.filter(modes__code=filters.mode)
    if filters.price == NEGOTIABLE:
        queryset = queryset.filter(
            Q(outcome__price_negotiable=True) | Q(demand__budget_negotiable=True)
        )
    elif filters.price:
        above, up_to = PRICE_BANDS[filters.price]
        queryset = queryset.annotate(
            band_amount=Coalesce(
                "outcome__price_wan", "demand__budget_max_wan", "demand__budget_min_wan"
            )
        )
        if above is not None:
            queryset = queryset.filter(band_amount__gt=above)
        if up_to is not None:
            queryset = queryset.filter(band_amount__lte=up_to)
    if filters.org:
        queryset = queryset.filter(organisation__kind=filters.org)
    return queryset


def suggestions(prefix: str, kind: str = "", size: int = 8) -> list[Suggestion]:
    """As-you-type suggestions; none (not an error) when the engine is down."""
    prefix = (prefix or "").strip()[:MAX_PREFIX]
    if not prefix:
        return []
    try:
        return get_backend().suggest(prefix.lower(), kind, size)
    except SearchUnavailable:
        return []


__all__ = ["challenge_ids", "database_search", "search_listings", "suggestions"]
