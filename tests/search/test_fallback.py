"""When Elasticsearch is unreachable, the database answers with the same filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from market.models import Region
from search.query import SearchRequest
from search.selectors import search_listings
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_down(settings):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens there


def found(**params) -> list[int]:
    results = search_listings(SearchRequest.from_params(params))
    assert results.degraded and results.backend == "database"
    return [hit.listing_id for hit in results.hits]


def test_fallback_search_filters_by_text_region_price_stage_and_kind(engine_down):
    cheap = OutcomeFactory(
        published=True,
        title="低成本光伏清洗机器人",
        price_wan=Decimal("30"),
        maturity=4,
    )
    dear = OutcomeFactory(
        published=True,
        title="大型光伏电站运维平台",
        price_wan=Decimal("900"),
        maturity=9,
        region=Region.objects.get(code="440305"),
    )
    demand = DemandFactory(published=True, title="寻求光伏组件回收技术")
    OutcomeFactory(title="未发布的光伏技术")

    assert set(found(q="光伏")) == {cheap.pk, dear.pk, demand.pk}
    assert found(q="光伏", region="440000") == [dear.pk]
    assert found(q="光伏", price="le50") == [cheap.pk]
    assert found(q="光伏", stage="mass") == [dear.pk]
    assert found(q="光伏", kind="demand") == [demand.pk]
    assert found(q="光伏", kind="outcome", sort="price") == [cheap.pk, dear.pk]
    assert found(q="光伏", kind="outcome", sort="-price") == [dear.pk, cheap.pk]


def test_fallback_search_says_the_engine_is_unavailable(engine_down):
    OutcomeFactory(published=True, title="氢能储运")
    with translation.override("en"):
        results = search_listings(SearchRequest.from_params({"q": "氢能"}))
    assert any("unavailable" in str(message) for message in results.messages)
    assert results.facets == {}
