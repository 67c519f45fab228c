"""Price ranges (10–50 万元): stored as a range, shown as one everywhere, round-tripped."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from market.imports.exporter import export_listings
from market.imports.importer import import_listings
from market.models import Demand, Outcome
from tests.factories import DemandFactory, OutcomeFactory
from tests.market.fixtures.catalogue import catalogue_organisations, csv_bytes

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def ranged():
    return OutcomeFactory(
        published=True,
        title="钠离子电池正极材料",
        price_wan=D("10"),
        price_max_wan=D("50"),
    )


def test_detail_and_catalogue_show_the_range(client, ranged):
    detail = client.get(f"/outcomes/{ranged.pk}/").content.decode()
    catalogue = client.get("/outcomes/").content.decode()
    english = client.get(
        f"/outcomes/{ranged.pk}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert '<dd class="listing-price">10–50 万元</dd>' in detail
    assert "10–50 万元" in catalogue
    assert '<dd class="listing-price">10–50 × 10k CNY</dd>' in english
    data = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', detail, re.S
        ).group(1)
    )
    assert data["offers"]["priceSpecification"] == {
        "@type": "PriceSpecification",
        "priceCurrency": "CNY",
        "minPrice": 100000,
        "maxPrice": 500000,
    }


def test_search_results_show_the_range(client, settings, ranged):
    from search.backends import get_backend
    from search.sync import drain_all, record_changes

    settings.SEARCH_BACKEND = "embedded"
    engine = get_backend()
    engine.drop_all()
    engine.ensure_indices()
    demand = DemandFactory(
        published=True,
        title="钠离子电池正极材料量产需求",
        budget_min_wan=None,
        budget_max_wan=D("80"),
    )
    record_changes([ranged.pk, demand.pk])
    drain_all()

    response = client.get(reverse("search:api"), {"q": "钠离子电池"})

    labels = {hit["id"]: hit["price_label"] for hit in response.json()["results"]}
    assert labels[ranged.pk] == "10–50 万元"
    assert labels[demand.pk] == "最高80 万元"  # as the catalogue says it
    engine.drop_all()


def test_range_is_exported_and_imported_again_unchanged(ranged):
    exported = export_listings(Outcome.objects.filter(pk=ranged.pk), "csv")

    report = import_listings("outcome", exported, dry_run=False, by_user_id=None)

    assert "10-50" in exported.decode("utf-8-sig")
    assert report.ok, report.error_lines()
    assert (report.updated, report.unchanged) == (0, 1)


def test_imported_range_is_stored_as_a_range():
    catalogue_organisations()
    rows = [
        {
            "外部编号": "CG-1",
            "成果名称": "硅碳负极",
            "摘要": "硅碳负极材料。",
            "所属机构": "江南理工大学",
            "价格（万元）": "10万-50万（可面议）",
        }
    ]

    report = import_listings("outcome", csv_bytes(rows), dry_run=False, by_user_id=None)

    assert report.ok
    outcome = Outcome.objects.get()
    assert (outcome.price_wan, outcome.price_max_wan, outcome.price_negotiable) == (
        D(10),
        D(50),
        True,
    )


def test_range_whose_upper_end_is_below_the_price_is_refused():
    outcome = OutcomeFactory.build(price_wan=D("60"), price_max_wan=D("50"))

    with pytest.raises(ValidationError) as error:
        outcome.clean()

    assert "price_wan" in error.value.message_dict


def test_demand_budget_range_is_unchanged_by_ranges_of_outcomes(client):
    demand = DemandFactory(published=True)

    html = client.get(f"/demands/{demand.pk}/").content.decode()

    assert Demand.objects.get().budget_max_wan is not None
    assert "50–200 万元" in html
