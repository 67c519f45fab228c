"""The public search page and the JSON search endpoints, over one query path.

``run_search`` parses the query parameters, calls the one search selector and turns
what it found into a JSON-ready structure; the API answers that structure, the page
renders it with the links a visitor clicks (facet toggles, tabs, sort, pages).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from cms.catalogue import catalogue_urls, stage_label, wan, wan_range
from cms.challenges import status_group_label
from market import regions
from market.models import ListingKind
from market.selectors import SORTS as CATALOGUE_SORTS
from market.services.challenges import beijing_time
from search.documents import item_id
from search.labels import CHALLENGE_LABEL, Labels
from search.query import (
    CHALLENGE,
    FACETS,
    SEARCH_KINDS,
    Hit,
    SearchFilters,
    SearchRequest,
    SearchResults,
)
from search.saved import search_params
from search.selectors import MAX_PREFIX, search_listings, suggestions

# Facets shown as lists on the page, in this order; "kind" is the tabs above them.
PAGE_FACETS = ("field", "subfield", "region", "stage", "price", "mode", "org")
# How many page links either side of the current one.
PAGE_WINDOW = 2


@dataclass
class SearchOutcome:
    """One search as both renderings need it: what was asked, found and answered."""

    request: SearchRequest  # as the visitor asked (links keep their own text)
    results: SearchResults
    data: dict[str, Any]  # the JSON-ready answer


def run_search(http_request: HttpRequest) -> SearchOutcome:
    """Search with the query parameters of ``http_request``; the page's and API's core."""
    search_request = SearchRequest.from_params(http_request.GET)
    results = search_listings(search_request)
    urls = item_urls(http_request)
    return SearchOutcome(
        search_request, results, search_data(search_request, results, urls)
    )


def search_data(
    asked: SearchRequest, results: SearchResults, urls: dict[str, str]
) -> dict[str, Any]:
    """The JSON-ready answer of a search (``urls``: catalogue address by kind)."""
    searched = results.request
    filters = asked.filters
    labels = Labels()
    return {
        "query": searched.q,
        "corrected_from": searched.corrected_from or None,
        "did_you_mean": results.did_you_mean or None,
        "total": results.total,
        "page": asked.page,
        "pages": results.pages,
        "per_page": asked.per_page,
        "sort": asked.sort,
        "filters": {name: getattr(filters, name) for name in filters.names()},
        "results": [hit_data(hit, urls, labels) for hit in results.hits],
        "facets": {
            facet: [
                {
                    "value": value.value,
                    "label": labels.facet(facet, value.value),
                    "count": value.count,
                    "selected": _selected(filters, facet, value.value),
                }
                for value in results.facets.get(facet, [])
            ]
            for facet in FACETS
        },
        "messages": [str(message) for message in results.messages],
        "backend": results.backend,
        "degraded": results.degraded,
    }


def _selected(filters: SearchFilters, facet: str, value: str) -> bool:
    if facet == "field":
        # A chosen sub-field keeps its field chosen.
        return filters.field[:2] == value
    if facet == "subfield":
        return filters.field == value
    if facet == "region":
        return filters.region == value or (
            bool(filters.region) and regions.province_of(filters.region) == value
        )
    return str(getattr(filters, facet, "") or "") == value


def item_urls(http_request: HttpRequest) -> dict[str, str]:
    """Kind → the address its items' pages are under: the catalogue pages of the
    listing kinds, the board (榜单大厅) of the challenges."""
    return {**catalogue_urls(http_request), CHALLENGE: reverse("challenges:board")}


def detail_url(urls: dict[str, str], kind: str, key: int | None) -> str | None:
    """An item's detail address from its search key (``search.documents.search_key``),
    as ``cms.catalogue.listing_url`` and the challenge URLs build it."""
    base = urls.get(kind)
    return f"{base}{item_id(kind, key)}/" if base and key else None


def price_text(hit: Hit) -> str:
    """The price of an outcome, budget of a demand or bounty of a challenge as people
    read it."""
    label = ""
    low, high = hit.amount_from, hit.amount_to
    try:
        if low is not None and high is not None and low != high:
            label = wan_range(Decimal(str(low)), Decimal(str(high)))
        elif hit.kind == ListingKind.DEMAND and low is None and high is not None:
            label = _("up to %(amount)s") % {"amount": wan(Decimal(str(high)))}
        elif hit.kind == ListingKind.DEMAND and low is not None and high is None:
            label = _("from %(amount)s") % {"amount": wan(Decimal(str(low)))}
        elif hit.amount is not None:
            label = wan(Decimal(str(hit.amount)))
    except InvalidOperation:
        label = ""
    if label and hit.negotiable:
        return _("%(price)s (negotiable)") % {"price": label}
    if not label and hit.negotiable:
        return _("Negotiable")
    return label


def hit_data(hit: Hit, urls: dict[str, str], labels: Labels) -> dict[str, Any]:
    """One result, JSON-ready; ``title_html`` and ``snippet_html`` are already escaped."""
    regions = sorted(hit.region_codes)
    maturity = hit.maturity
    data = {
        "id": item_id(hit.kind, hit.listing_id),
        "kind": hit.kind,
        "kind_label": labels.facet("kind", hit.kind),
        "title": hit.title,
        "title_html": hit.title_html,
        "snippet_html": hit.snippet_html,
        "url": detail_url(urls, hit.kind, hit.listing_id),
        # Empty for an anonymous listing: its owner is never shown.
        "organisation": hit.organisation or None,
        "organisation_kind": (
            {
                "code": hit.organisation_kind,
                "name": labels.facet("org", hit.organisation_kind),
            }
            if hit.organisation_kind
            else None
        ),
        "field": (
            {"code": hit.field, "name": labels.field(hit.field)} if hit.field else None
        ),
        "regions": [{"code": code, "name": labels.region(code)} for code in regions],
        "region_label": labels.region_path(regions),
        "maturity": hit.maturity,
        "maturity_label": labels.remembered(
            ("maturity", str(maturity)), lambda: stage_label(maturity)
        ),
        "amount": hit.amount,
        "negotiable": hit.negotiable,
        "price_label": price_text(hit),
        "modes": [{"code": code, "name": labels.mode(code)} for code in hit.modes],
        "keywords": list(hit.keywords),
        "published_at": hit.published_at,
        "score": hit.score,
    }
    if hit.kind == CHALLENGE:
        data.update(challenge_data(hit))
    return data


def challenge_data(hit: Hit) -> dict[str, Any]:
    """What a challenge's hit shows beyond a listing's: its status and deadline."""
    deadline = None
    if hit.deadline:
        try:
            deadline = beijing_time(dt.datetime.fromisoformat(hit.deadline))
        except ValueError:
            deadline = None
    return {
        "status": hit.status or None,
        "status_label": status_group_label(hit.status) if hit.status else "",
        "deadline": hit.deadline,
        "deadline_label": deadline or "",
    }


# -- the page ---------------------------------------------------------------------


class _Links:
    """Addresses of the search page with some parameters changed (back on page 1)."""

    def __init__(self, base: str, asked: SearchRequest) -> None:
        self.base = base
        self.asked = asked

    def __call__(self, **overrides: Any) -> str:
        overrides.setdefault("page", "")
        params = self.asked.as_params(**overrides)
        return f"{self.base}?{urlencode(params)}" if params else self.base


def _toggle(facet: str, value: str, selected: bool, filters: SearchFilters) -> dict:
    """The filter parameter a click on a facet value sets: itself, or off when chosen."""
    name = "field" if facet == "subfield" else facet
    if not selected:
        return {name: value}
    if facet == "subfield":
        return {"field": value[:2]}  # back to the whole field
    return {name: ""}


def _facet_groups(
    data: dict[str, Any], filters: SearchFilters, link: _Links
) -> list[dict[str, Any]]:
    titles = {
        "field": _("Technology field"),
        "subfield": _("Sub-field"),
        "region": _("Region"),
        "stage": _("Maturity"),
        "price": _("Price or budget"),
        "mode": _("Cooperation mode"),
        "org": _("Organisation type"),
    }
    groups = []
    for facet in PAGE_FACETS:
        values = data["facets"].get(facet, [])
        if facet == "subfield" and not filters.field:
            continue  # sub-fields are offered once a field is chosen
        active = (
            len(filters.field) == 4
            if facet == "subfield"
            else bool(getattr(filters, "field" if facet == "field" else facet))
        )
        if not values and not active:
            continue
        clear = (
            {"field": filters.field[:2]}
            if facet == "subfield"
            else {"field" if facet == "field" else facet: ""}
        )
        groups.append(
            {
                "name": facet,
                "label": titles[facet],
                "values": [
                    {
                        **value,
                        "url": link(
                            **_toggle(facet, value["value"], value["selected"], filters)
                        ),
                    }
                    for value in values
                ],
                "clear_url": link(**clear) if active else "",
            }
        )
    return groups


def _chips(filters: SearchFilters, link: _Links) -> list[dict[str, str]]:
    """The filters in force, each with the address that removes it."""
    names = {
        "kind": _("Type"),
        "field": _("Technology field"),
        "region": _("Region"),
        "stage": _("Maturity"),
        "trl": _("Readiness level"),
        "mode": _("Cooperation mode"),
        "price": _("Price or budget"),
        "org": _("Organisation type"),
    }
    chips = []
    labels = Labels()
    for name, value in filters.as_params().items():
        if name == "region":
            shown = labels.region_path(regions.chain(value))
        elif name == "trl":
            shown = value
        else:
            shown = labels.facet(name, value)
        chips.append(
            {
                "label": _("%(name)s: %(value)s")
                % {"name": names.get(name, name), "value": shown},
                "remove_url": link(**{name: ""}),
            }
        )
    return chips


def _pages(current: int, last: int) -> list[int | None]:
    """Page numbers to link: the first, the last and a window around ``current``."""
    shown = {1, last, *range(current - PAGE_WINDOW, current + PAGE_WINDOW + 1)}
    numbers = sorted(n for n in shown if 1 <= n <= last)
    out: list[int | None] = []
    for number in numbers:
        if out and out[-1] is not None and number - out[-1] > 1:
            out.append(None)  # an ellipsis
        out.append(number)
    return out


def page_context(http_request: HttpRequest, outcome: SearchOutcome) -> dict[str, Any]:
    """What the search page template shows: the shared data and the page's links."""
    asked, data = outcome.request, outcome.data
    filters = asked.filters
    link = _Links(http_request.path, asked)
    kind_counts = {v["value"]: v["count"] for v in data["facets"]["kind"]}
    has_counts = not data["degraded"]
    tabs = [
        {
            "value": "",
            "label": _("All"),
            "count": sum(kind_counts.values()) if has_counts else None,
            "url": link(kind=""),
            "current": not filters.kind,
        }
    ]
    kinds = [(kind.value, kind.label) for kind in ListingKind]
    for value, label in [*kinds, (CHALLENGE, CHALLENGE_LABEL)]:
        tabs.append(
            {
                "value": value,
                "label": label,
                "count": kind_counts.get(value, 0) if has_counts else None,
                "url": link(kind=value),
                "current": filters.kind == value,
            }
        )
    sorts = [("newest", CATALOGUE_SORTS["newest"])]
    if asked.q:
        sorts.insert(0, ("relevance", _("Best match")))
    sorts += [
        ("price", CATALOGUE_SORTS["price"]),
        ("-price", CATALOGUE_SORTS["-price"]),
    ]
    page, pages = asked.page, data["pages"]
    page_links = [
        {"number": n, "url": link(page=n) if n else "", "current": n == page}
        for n in _pages(min(page, pages), pages)
    ]
    original = data["corrected_from"]
    hidden = {
        key: value
        for key, value in asked.as_params(q="", sort="", page="", verbatim="").items()
    }
    return {
        "search": data,
        "q": asked.q,
        "searched_q": data["query"],
        "filters": filters,
        "tabs": tabs,
        "facet_groups": _facet_groups(data, filters, link),
        "chips": _chips(filters, link),
        "clear_all_url": link(**{name: "" for name in filters.as_params()}, sort=""),
        "sorts": sorts,
        "sort": asked.sort,
        # The form's own fields are q and sort; the rest ride along hidden.
        "hidden_params": sorted(hidden.items()),
        # What "save this search" keeps: the text and the filters.
        "save_params": sorted(search_params(asked).items()),
        "page_number": page,
        "first_number": (page - 1) * asked.per_page + 1,
        "page_links": page_links if pages > 1 else [],
        "previous_url": link(page=page - 1) if 1 < page <= pages else "",
        "next_url": link(page=page + 1) if page < pages else "",
        "first_page_url": link(page="") if page > pages else "",
        "did_you_mean_url": (
            link(q=data["did_you_mean"], verbatim="") if data["did_you_mean"] else ""
        ),
        "original_url": link(q=original, verbatim="1") if original else "",
    }


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    """The public faceted search page (never cached: results must be fresh)."""
    outcome = run_search(request)
    return render(request, "search/search_page.html", page_context(request, outcome))


# -- JSON ---------------------------------------------------------------------------


def _json_get_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD only; anything else is a 405 with a JSON message."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            # The REST API's error shape (docs/api.md), without depending on it.
            response = JsonResponse(
                {
                    "error": {
                        "code": "method_not_allowed",
                        "message": _("Only GET requests are accepted here."),
                    }
                },
                status=405,
            )
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    # Read-only endpoints: a POST is refused as 405 JSON, not as a 403 CSRF page.
    return csrf_exempt(wrapped)


_ENCODER = DjangoJSONEncoder()


def _json(data: dict[str, Any]) -> HttpResponse:
    """UTF-8 JSON (orjson: a search answer is encoded several times faster)."""
    return HttpResponse(
        orjson.dumps(data, default=_ENCODER.default),
        content_type="application/json",
    )


@_json_get_only
def search_api(request: HttpRequest) -> HttpResponse:
    """The JSON search endpoint: the page's search, as data."""
    return _json(run_search(request).data)


@_json_get_only
def suggest_api(request: HttpRequest) -> HttpResponse:
    """As-you-type suggestions: titles (with their kind and address) and keywords."""
    q = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    found = suggestions(q.strip()[:MAX_PREFIX], kind if kind in SEARCH_KINDS else "")
    urls = item_urls(request) if found else {}
    labels = Labels()
    items = []
    for suggestion in found:
        item: dict[str, Any] = {"text": suggestion.text, "type": suggestion.kind}
        if suggestion.kind == "title":
            item["url"] = detail_url(
                urls, suggestion.listing_kind, suggestion.listing_id
            )
            item["kind"] = suggestion.listing_kind
            item["kind_label"] = labels.facet("kind", suggestion.listing_kind)
        items.append(item)
    return _json({"suggestions": items})
