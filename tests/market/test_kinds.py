"""The registry of listing kinds, the region-code helper and the shared filters."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from market import regions
from market.filters import CatalogueFilters
from market.kinds import DEMAND, OUTCOME, KindRegistry, KindSpec, registry
from market.models import Demand, Listing, ListingKind, Outcome
from search.query import SearchFilters, SearchRequest


def test_registry_knows_every_listing_kind_by_key_model_and_plural():
    assert registry.keys() == tuple(ListingKind.values)
    assert registry.get("outcome") is OUTCOME
    assert registry.for_model(Demand) is DEMAND
    assert registry.for_plural("outcomes") is OUTCOME
    assert [spec.model for spec in registry.all()] == [Outcome, Demand]
    assert OUTCOME.permission("change") == "market.change_outcome"


def test_registry_refuses_unknown_kinds_and_models():
    with pytest.raises(ValueError, match="challenge"):
        registry.get("challenge")
    with pytest.raises(ValueError):
        registry.for_model(Listing)
    with pytest.raises(LookupError):
        registry.part("outcome", "no.such.part")


def test_registry_takes_a_new_kind_and_parts_other_apps_attach():
    fresh = KindRegistry()
    spec = fresh.register(
        KindSpec(
            key="challenge",
            model=Demand,
            label="Challenge",
            plural="challenges",
            admin_namespace="market_challenges",
            level_field="expected_maturity",
            negotiable_field="budget_negotiable",
            amount=lambda: None,
            amount_label="Prize",
            level_label="Expected maturity",
            count_text=str,
            body_field="problem",
        )
    )
    fresh.attach("challenge", "search.document_builder", len)
    assert fresh.part("challenge", "search.document_builder") is len
    assert fresh.all() == (spec,) and "challenge" in fresh
    with pytest.raises(ValueError, match="already"):
        fresh.register(spec)


def test_search_and_cms_attach_their_parts_to_each_kind():
    from cms.models import DemandIndexPage, OutcomeIndexPage

    assert registry.part("outcome", "cms.index_page") is OutcomeIndexPage
    assert registry.part("demand", "cms.index_page") is DemandIndexPage
    for spec in registry:
        assert callable(registry.part(spec.key, "search.document_builder"))


@pytest.mark.parametrize(
    ("code", "prefix", "chain"),
    [
        ("320000", "32", ["320000"]),
        ("320100", "3201", ["320000", "320100"]),
        ("320106", "320106", ["320000", "320100", "320106"]),
        # Directly administered: a district right under the province.
        ("110101", "110101", ["110000", "110100", "110101"]),
        ("", "", []),
    ],
)
def test_region_prefix_and_chain_follow_gbt_2260(code, prefix, chain):
    if code:
        assert regions.prefix(code) == prefix
    assert regions.chain(code) == chain


def test_region_within_and_shape():
    assert regions.is_within("320106", "320000")
    assert regions.is_within("320106", "320100")
    assert not regions.is_within("320206", "320100")
    assert not regions.is_within("330106", "320000")
    assert regions.province_of("320106") == "320000"
    assert regions.city_of("320106") == "320100"
    assert regions.is_region_code("320106")
    for bad in ("32010", "3201066", "32O106", "３２０１０６", "32010²"):
        assert not regions.is_region_code(bad)


@pytest.mark.parametrize(
    "query",
    [
        "field=04&region=320100&stage=pilot&trl=5&mode=license&price=le50",
        "field=4&region=32&stage=nope&trl=0&mode=BAD!&price=cheap",
        "field=０４&region=３２００００&trl=²&price=negotiable",
        "trl=99999999999999999999&field=0401&region=320106",
        "field=&region=%00&stage=&trl=&mode=&price=",
    ],
)
def test_catalogue_and_search_parse_shared_filters_identically(query):
    params = QueryDict(query)
    catalogue = CatalogueFilters.from_params(params)
    search = SearchFilters.from_params(params)
    for name in CatalogueFilters.names():
        assert getattr(search, name) == getattr(catalogue, name), name
    assert SearchRequest.from_params(params).filters == search


def test_search_filters_keep_kind_first_in_links_and_validate_their_own():
    filters = SearchFilters.from_params(
        QueryDict("org=university&price=le50&kind=demand&field=04")
    )
    assert list(filters.as_params()) == ["kind", "field", "price", "org"]
    assert SearchFilters.from_params(QueryDict("kind=patent&org=x")).active is False
    assert SearchFilters.from_params(QueryDict("kind=challenge")).kind == "challenge"
    assert filters.without("kind").kind == ""
    assert filters.without("trl").trl is None
