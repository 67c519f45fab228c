"""The outcome and demand catalogues: only published listings, filters, sorting, paging."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.cache import bump_catalogue_version
from cms.models import DemandIndexPage, OutcomeIndexPage
from market.models import Confidentiality, ListingStatus, Region, TechField
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

TITLE = re.compile(r'<h3 class="listing-title"><a href="[^"]+">([^<]+)</a>')


def titles(response) -> list[str]:
    assert response.status_code == 200
    return TITLE.findall(response.content.decode())


def field(code: str) -> TechField:
    return TechField.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def test_catalogue_pages_exist_on_a_fresh_database(client):
    assert OutcomeIndexPage.objects.live().get().url == "/outcomes/"
    assert DemandIndexPage.objects.live().get().url == "/demands/"
    assert client.get("/outcomes/").status_code == 200
    assert client.get("/demands/").status_code == 200


def test_catalogue_lists_only_published_listings_of_its_kind(client):
    OutcomeFactory(title="已发布成果", published=True)
    OutcomeFactory(title="草稿成果")
    OutcomeFactory(title="审核中成果", submitted=True)
    OutcomeFactory(title="已下架成果", status=ListingStatus.ARCHIVED)
    OutcomeFactory(title="被驳回成果", status=ListingStatus.REJECTED)
    DemandFactory(title="已发布需求", published=True)

    assert titles(client.get("/outcomes/")) == ["已发布成果"]
    assert titles(client.get("/demands/")) == ["已发布需求"]


def test_catalogue_filters_by_top_level_field_and_by_sub_field(client):
    OutcomeFactory(title="金属材料成果", field=field("0401"), published=True)
    OutcomeFactory(title="高分子成果", field=field("0402"), published=True)
    OutcomeFactory(title="软件成果", field=field("0101"), published=True)

    assert sorted(titles(client.get("/outcomes/?field=04"))) == [
        "金属材料成果",
        "高分子成果",
    ]
    assert titles(client.get("/outcomes/?field=0401")) == ["金属材料成果"]
    assert titles(client.get("/outcomes/?field=01")) == ["软件成果"]


def test_catalogue_filters_by_province_and_city(client):
    OutcomeFactory(title="苏州成果", region=region("320506"), published=True)
    OutcomeFactory(title="南京成果", region=region("320100"), published=True)
    OutcomeFactory(title="北京成果", region=region("110108"), published=True)

    assert sorted(titles(client.get("/outcomes/?region=320000"))) == [
        "南京成果",
        "苏州成果",
    ]
    assert titles(client.get("/outcomes/?region=320500")) == ["苏州成果"]
    assert titles(client.get("/outcomes/?region=110000")) == ["北京成果"]


def test_catalogue_filters_by_maturity_stage_and_readiness_level(client):
    OutcomeFactory(title="实验室成果", maturity=2, published=True)
    OutcomeFactory(title="中试成果", maturity=6, published=True)
    OutcomeFactory(title="量产成果", maturity=9, published=True)
    DemandFactory(title="要小试的需求", expected_maturity=4, published=True)
    DemandFactory(title="要量产的需求", expected_maturity=9, published=True)

    assert titles(client.get("/outcomes/?stage=pilot")) == ["中试成果"]
    assert titles(client.get("/outcomes/?stage=lab")) == ["实验室成果"]
    assert titles(client.get("/outcomes/?trl=9")) == ["量产成果"]
    assert titles(client.get("/demands/?stage=bench")) == ["要小试的需求"]


def test_catalogue_filters_by_cooperation_mode_and_counts_each_mode(client):
    OutcomeFactory(title="可转让成果", modes=["transfer"], published=True)
    OutcomeFactory(title="可许可成果", modes=["license"], published=True)
    OutcomeFactory(title="两者皆可成果", modes=["license", "transfer"], published=True)

    assert sorted(titles(client.get("/outcomes/?mode=transfer"))) == [
        "两者皆可成果",
        "可转让成果",
    ]
    html = client.get("/outcomes/").content.decode()
    assert '<option value="license">许可 (2)</option>' in html
    assert '<option value="transfer">转让 (2)</option>' in html
    assert '<option value="equity">作价投资 (0)</option>' in html


def test_catalogue_filters_outcomes_by_price_band_and_negotiable(client):
    OutcomeFactory(title="三十万", price_wan=Decimal("30"), published=True)
    OutcomeFactory(title="一百万", price_wan=Decimal("100"), published=True)
    OutcomeFactory(title="五百万", price_wan=Decimal("500"), published=True)
    OutcomeFactory(title="两千万", price_wan=Decimal("2000"), published=True)
    OutcomeFactory(
        title="面议成果", price_wan=None, price_negotiable=True, published=True
    )

    assert titles(client.get("/outcomes/?price=le50")) == ["三十万"]
    assert titles(client.get("/outcomes/?price=50-200")) == ["一百万"]
    assert titles(client.get("/outcomes/?price=200-1000")) == ["五百万"]
    assert titles(client.get("/outcomes/?price=gt1000")) == ["两千万"]
    assert titles(client.get("/outcomes/?price=negotiable")) == ["面议成果"]


def test_catalogue_filters_demands_by_the_top_of_their_budget(client):
    DemandFactory(
        title="小预算",
        budget_min_wan=Decimal("10"),
        budget_max_wan=Decimal("40"),
        published=True,
    )
    DemandFactory(
        title="中预算",
        budget_min_wan=Decimal("50"),
        budget_max_wan=Decimal("200"),
        published=True,
    )
    DemandFactory(
        title="预算面议",
        budget_min_wan=None,
        budget_max_wan=None,
        budget_negotiable=True,
        published=True,
    )

    assert titles(client.get("/demands/?price=le50")) == ["小预算"]
    assert titles(client.get("/demands/?price=50-200")) == ["中预算"]
    assert titles(client.get("/demands/?price=negotiable")) == ["预算面议"]


def test_catalogue_combines_filters(client):
    OutcomeFactory(
        title="苏州金属许可",
        field=field("0401"),
        region=region("320506"),
        modes=["license"],
        price_wan=Decimal("100"),
        published=True,
    )
    OutcomeFactory(
        title="苏州金属转让",
        field=field("0401"),
        region=region("320506"),
        modes=["transfer"],
        price_wan=Decimal("100"),
        published=True,
    )
    OutcomeFactory(
        title="北京金属许可",
        field=field("0401"),
        region=region("110108"),
        modes=["license"],
        price_wan=Decimal("100"),
        published=True,
    )
    OutcomeFactory(
        title="苏州金属许可高价",
        field=field("0401"),
        region=region("320506"),
        modes=["license"],
        price_wan=Decimal("5000"),
        published=True,
    )

    response = client.get(
        "/outcomes/?field=04&region=320500&mode=license&price=50-200&stage=pilot"
    )
    assert titles(response) == ["苏州金属许可"]
    # The chips name each filter in force and link to the page without it.
    html = response.content.decode()
    assert "?region=320500&amp;mode=license&amp;price=50-200&amp;stage=pilot" in html


@pytest.mark.parametrize(
    "query",
    [
        "field=zz&region=abc&stage=warp&trl=99&mode=%21%21&price=cheap&sort=evil",
        "trl=-1&region=3205&field=040",
        "page=abc",
        "page=-3",
        "page=0",
        "page=99999999999999999999",
    ],
)
def test_catalogue_ignores_malformed_parameters(client, query):
    OutcomeFactory(title="唯一成果", published=True)

    assert titles(client.get(f"/outcomes/?{query}")) == ["唯一成果"]


def test_catalogue_answers_well_formed_unknown_codes_with_an_empty_page(client):
    OutcomeFactory(title="唯一成果", published=True)

    for query in ("field=9999", "region=990000", "mode=barter"):
        response = client.get(f"/outcomes/?{query}", HTTP_ACCEPT_LANGUAGE="en")
        assert titles(response) == []
        assert "Nothing matches these filters" in response.content.decode()


def test_catalogue_pages_twenty_listings_at_a_time(client):
    for n in range(25):
        OutcomeFactory(title=f"成果{n:02d}", published=True)

    first = titles(client.get("/outcomes/"))
    second = titles(client.get("/outcomes/?page=2"))
    beyond = titles(client.get("/outcomes/?page=999"))
    garbage = titles(client.get("/outcomes/?page=abc"))

    assert len(first) == 20 and len(second) == 5
    assert set(first).isdisjoint(second)
    assert beyond == second  # past the end: the last page
    assert garbage == first
    assert 'rel="next"' in client.get("/outcomes/").content.decode()


def test_catalogue_page_links_keep_the_filters_and_mark_the_current_page(client):
    for n in range(45):
        OutcomeFactory(title=f"成果{n:02d}", published=True)

    html = client.get(
        "/outcomes/?sort=newest&page=2", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    nav = re.search(
        r'<nav class="pagination" aria-label="Result pages">.*?</nav>', html
    )

    assert nav is not None
    links = re.findall(r'<a href="([^"]+)"(?: rel="(\w+)")?>([^<]+)</a>', nav.group(0))
    assert links == [
        ("?sort=newest&amp;page=1", "prev", "Previous page"),
        ("?sort=newest&amp;page=1", "", "1"),
        ("?sort=newest&amp;page=3", "", "3"),
        ("?sort=newest&amp;page=3", "next", "Next page"),
    ]
    assert '<span aria-current="page">2</span>' in nav.group(0)
    chinese = client.get("/outcomes/?page=3", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert ">上一页</a>" in chinese.content.decode()
    assert 'rel="next"' not in chinese.content.decode()


def test_catalogue_sorts_by_price_both_ways_with_unpriced_last(client):
    OutcomeFactory(title="中价", price_wan=Decimal("300"), published=True)
    OutcomeFactory(title="低价", price_wan=Decimal("20"), published=True)
    OutcomeFactory(title="高价", price_wan=Decimal("1500"), published=True)
    OutcomeFactory(title="面议", price_wan=None, price_negotiable=True, published=True)

    assert titles(client.get("/outcomes/?sort=price")) == [
        "低价",
        "中价",
        "高价",
        "面议",
    ]
    assert titles(client.get("/outcomes/?sort=-price")) == [
        "高价",
        "中价",
        "低价",
        "面议",
    ]


def test_catalogue_sorts_newest_first_by_default(client):
    from django.utils import timezone

    now = timezone.now()
    OutcomeFactory(
        title="旧", published=True, published_at=now.replace(year=now.year - 1)
    )
    OutcomeFactory(title="新", published=True, published_at=now)

    assert titles(client.get("/outcomes/")) == ["新", "旧"]


def test_catalogue_hides_the_organisation_of_anonymous_listings(
    client, owner, owner_org
):
    OutcomeFactory(
        title="匿名成果",
        organisation=owner_org,
        confidentiality=Confidentiality.ANONYMOUS,
        published=True,
    )
    public_org = OrganisationFactory(name="公开研究院")
    OutcomeFactory(title="公开成果", organisation=public_org, published=True)

    html = client.get("/outcomes/").content.decode()
    assert "公开研究院" in html
    assert "江南理工大学" not in html

    client.force_login(owner)
    assert "江南理工大学" in client.get("/outcomes/").content.decode()


def test_catalogue_shows_the_total_and_links_each_listing_to_its_detail(client):
    outcome = OutcomeFactory(title="一项成果", published=True)

    html = client.get("/outcomes/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"\s1 outcome\s", html)
    assert f'href="/outcomes/{outcome.pk}/"' in html


def test_catalogue_heading_counts_in_the_visitors_language(client):
    DemandFactory(published=True)
    DemandFactory(published=True)

    chinese = client.get("/demands/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = client.get("/demands/", HTTP_ACCEPT_LANGUAGE="en")

    heading = re.compile(r'<h2 id="results-title"[^>]*>\s*([^<]+?)\s*</h2>')
    assert heading.search(chinese.content.decode()).group(1) == "2 项技术需求"
    assert heading.search(english.content.decode()).group(1) == "2 demands"


def _count_queries(client, url: str) -> int:
    bump_catalogue_version()  # a fresh render, not the cached page
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _varied_outcomes(count: int, start: int) -> None:
    fields = ["0401", "0402", "0101"]
    regions = ["320506", "110108", "320100"]
    for n in range(start, start + count):
        OutcomeFactory(
            title=f"成果{n}",
            field=field(fields[n % 3]),
            region=region(regions[n % 3]),
            modes=["license", "transfer"][: 1 + n % 2],
            published=True,
        )


@pytest.mark.parametrize("logged_in", [False, True])
def test_catalogue_page_costs_the_same_queries_for_5_or_25_listings(
    client, stranger, logged_in
):
    if logged_in:
        client.force_login(stranger)
    url = "/outcomes/?field=04"
    client.get(url)  # warm Wagtail's site root cache
    _varied_outcomes(5, 0)
    few = _count_queries(client, url)
    _varied_outcomes(20, 5)
    many = _count_queries(client, url)

    assert few == many


def counts(options) -> dict[str, int]:
    return {option.value: option.count for option in options}


def test_catalogue_facets_count_each_dimension_under_the_other_filters():
    from market.selectors import CatalogueFilters, catalogue_facets

    OutcomeFactory(
        field=field("0401"), region=region("320506"), modes=["license"], published=True
    )
    OutcomeFactory(
        field=field("0402"), region=region("320100"), modes=["license"], published=True
    )
    OutcomeFactory(
        field=field("0101"), region=region("110108"), modes=["transfer"], published=True
    )
    OutcomeFactory(
        field=field("0101"), region=region("110108"), modes=["license"]
    )  # draft

    facets = catalogue_facets(
        "outcome", CatalogueFilters(field="04", region="320000", mode="license")
    )

    # Fields are counted under region + mode, not under the field filter itself.
    assert counts(facets.fields) == {"04": 2}
    assert counts(facets.subfields) == {"0401": 1, "0402": 1}
    # Regions under field + mode: both Jiangsu outcomes, split by city.
    assert counts(facets.provinces) == {"320000": 2}
    assert counts(facets.cities) == {"320100": 1, "320500": 1}
    # Modes under field + region: the Beijing transfer is outside.
    assert counts(facets.modes)["license"] == 2
    assert counts(facets.modes)["transfer"] == 0
    assert counts(facets.stages)["pilot"] == 2
    assert counts(facets.prices)["200-1000"] == 2


def test_demand_cards_show_the_deadline_and_sort_closing_soon_first(client):
    today = timezone.localdate()
    # Published first, so "newest first" would list it last.
    sooner = DemandFactory(
        title="早截止需求", published=True, deadline=today + timedelta(days=5)
    )
    later = DemandFactory(
        title="晚截止需求", published=True, deadline=today + timedelta(days=60)
    )

    html = client.get("/demands/?sort=deadline", HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()

    assert html.index(sooner.title) < html.index(later.title)
    assert f'datetime="{sooner.deadline:%Y-%m-%d}"' in html
    assert "Closing soon" in html  # offered in the sort menu


def test_outcome_catalogue_offers_no_closing_soon_sort(client):
    OutcomeFactory(published=True)

    html = client.get("/outcomes/?sort=deadline", HTTP_ACCEPT_LANGUAGE="en")

    assert html.status_code == 200
    assert "Closing soon" not in html.content.decode()
