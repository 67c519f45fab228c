"""The public search page, on both backends: what a visitor sees, clicks and types."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from market.models import Region, TechField
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("search:page")


@pytest.fixture
def catalogue(index_now):
    """Three outcomes and a demand across fields, prices and regions."""
    made = {
        "cathode": OutcomeFactory(
            published=True,
            title="高镍三元锂离子电池正极材料",
            summary="单晶高镍正极材料，循环寿命提高40%，用于动力电池。",
            keywords=["锂离子电池", "正极材料"],
            field=TechField.objects.get(code="0402"),
            price_wan=Decimal("800"),
        ),
        "recycling": OutcomeFactory(
            published=True,
            title="废旧锂电池湿法回收工艺",
            summary="从退役动力电池中回收镍钴锰锂，金属回收率98%。",
            keywords=["电池回收", "湿法冶金"],
            field=TechField.objects.get(code="0702"),
            price_wan=Decimal("150"),
            region=Region.objects.get(code="440305"),
        ),
        "reducer": OutcomeFactory(
            published=True,
            title="工业机器人精密减速器",
            summary="RV减速器传动精度1弧分，寿命6000小时。",
            keywords=["减速器", "工业机器人"],
            field=TechField.objects.get(code="0803"),
            price_wan=None,
            price_negotiable=True,
        ),
        "vision": DemandFactory(
            published=True,
            title="寻求基于深度学习的工业视觉缺陷检测方案",
            summary="产线需要识别铝壳表面划痕，漏检率低于0.1%。",
            keywords=["视觉检测", "人工智能"],
            field=TechField.objects.get(code="0101"),
        ),
    }
    index_now(*made.values())
    return made


def get(client, **params):
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return response


def hit_ids(response) -> list[int]:
    return [hit["id"] for hit in response.context["search"]["results"]]


def facet(response, name: str) -> dict[str, dict]:
    groups = {group["name"]: group for group in response.context["facet_groups"]}
    return {value["value"]: value for value in groups[name]["values"]}


def test_search_page_shows_highlighted_hits_linking_to_their_details(
    client, backend, catalogue
):
    response = get(client, q="减速器")
    page = response.content.decode()
    reducer = catalogue["reducer"]

    assert hit_ids(response)[0] == reducer.pk
    assert "<mark>减速器</mark>" in page
    assert f'href="/outcomes/{reducer.pk}/"' in page
    assert reducer.organisation.name in page
    assert '<meta name="robots" content="noindex, follow">' in page
    assert "<title>“减速器”" in page
    assert response.context["search"]["total"] == len(hit_ids(response))


def test_search_page_is_never_served_stale(client, backend, catalogue, index_now):
    assert len(hit_ids(get(client, q="减速器"))) == 1
    newer = OutcomeFactory(published=True, title="谐波减速器柔轮加工")
    index_now(newer)

    assert newer.pk in hit_ids(get(client, q="减速器"))


def test_search_page_shows_labels_of_field_region_and_price(client, backend, catalogue):
    response = get(client, q="回收")
    hit = response.context["search"]["results"][0]

    assert hit["id"] == catalogue["recycling"].pk
    assert hit["field"]["name"] == TechField.objects.get(code="0702").name
    assert hit["region_label"].startswith("广东省")
    assert "150" in hit["price_label"]
    assert hit["url"] == f"/outcomes/{catalogue['recycling'].pk}/"


def test_search_page_anonymous_owner_is_not_shown(client, backend, index_now):
    from market.models import Confidentiality

    hidden = OutcomeFactory(
        published=True,
        title="高速电主轴热变形补偿",
        confidentiality=Confidentiality.ANONYMOUS,
    )
    index_now(hidden)
    page = get(client, q="电主轴").content.decode()

    assert hidden.organisation.name not in page


def test_search_page_facets_count_and_narrow(client, backend, catalogue):
    everything = get(client)
    fields = facet(everything, "field")
    assert {code: v["count"] for code, v in fields.items()} == {
        "01": 1,
        "04": 1,
        "07": 1,
        "08": 1,
    }
    # All, outcomes, demands, challenges (榜单).
    assert [tab["count"] for tab in everything.context["tabs"]] == [4, 3, 1, 0]

    # Following the field's link narrows the results and marks the value chosen.
    narrowed = client.get(html.unescape(fields["07"]["url"]))
    assert hit_ids(narrowed) == [catalogue["recycling"].pk]
    chosen = facet(narrowed, "field")["07"]
    assert chosen["selected"]
    assert 'aria-current="true"' in narrowed.content.decode()
    # Its link now removes the filter again, and a clear link is offered.
    assert hit_ids(client.get(html.unescape(chosen["url"]))) != hit_ids(narrowed)
    groups = {g["name"]: g for g in narrowed.context["facet_groups"]}
    assert groups["field"]["clear_url"]
    assert set(facet(narrowed, "subfield")) == {"0702"}


def test_search_page_kind_tab_and_price_facet_narrow(client, backend, catalogue):
    demands = get(client, kind="demand")
    assert hit_ids(demands) == [catalogue["vision"].pk]
    current = [tab["value"] for tab in demands.context["tabs"] if tab["current"]]
    assert current == ["demand"]

    negotiable = get(client, price="negotiable")
    assert hit_ids(negotiable) == [catalogue["reducer"].pk]
    chips = negotiable.context["chips"]
    assert len(chips) == 1 and chips[0]["remove_url"] == PAGE


def test_search_page_sorts_by_price(client, backend, catalogue):
    ascending = hit_ids(get(client, kind="outcome", sort="price"))
    descending = hit_ids(get(client, kind="outcome", sort="-price"))

    assert ascending == [
        catalogue["recycling"].pk,
        catalogue["cathode"].pk,
        catalogue["reducer"].pk,
    ]
    assert descending[:2] == [catalogue["cathode"].pk, catalogue["recycling"].pk]


def test_search_page_paginates_with_exact_total_and_keeps_filters(
    client, backend, index_now
):
    listings = [
        OutcomeFactory(published=True, title=f"光伏组件清洗机器人{i}") for i in range(7)
    ]
    index_now(*listings)

    first = get(client, q="光伏", kind="outcome", per_page="3")
    last = get(client, q="光伏", kind="outcome", per_page="3", page="3")

    assert (first.context["search"]["total"], first.context["search"]["pages"]) == (
        7,
        3,
    )
    assert len(hit_ids(first)) == 3 and len(hit_ids(last)) == 1
    next_url = html.unescape(first.context["next_url"])
    assert "kind=outcome" in next_url and "page=2" in next_url
    assert set(hit_ids(client.get(next_url))).isdisjoint(hit_ids(first))
    assert "7" in first.content.decode()


def test_search_page_beyond_the_last_page_is_an_empty_page_with_a_message(
    client, backend, catalogue
):
    response = get(client, page="99")

    assert hit_ids(response) == []
    assert response.context["search"]["total"] == 4
    assert response.context["search"]["messages"]
    assert response.context["first_page_url"] == PAGE
    deepest = get(client, page="999999999")
    assert hit_ids(deepest) == [] and deepest.context["search"]["total"] == 4
    for odd in ("0", "-1", "abc", "1e3"):
        assert get(client, page=odd).context["page_number"] == 1


@pytest.mark.parametrize(
    "q",
    [
        "",
        "！！！",
        'title:"x" AND (y OR z)~2',
        "\\/*?:[]{}",
        "锂" * 500,
        "<script>alert(1)</script>",
    ],
)
def test_search_page_answers_bad_input_without_error(client, backend, catalogue, q):
    response = get(client, q=q)
    page = response.content.decode()

    assert "<script>alert(1)</script>" not in page
    if len(q) > 100:
        assert response.context["search"]["messages"]  # told it was cut
        assert 'value="' + "锂" * 100 + '"' in page
    if q == "！！！":
        assert response.context["search"]["messages"]


def test_search_page_escapes_the_query_everywhere(client, backend, catalogue):
    page = get(client, q='"><img src=x onerror=alert(1)>').content.decode()

    assert "<img src=x" not in page
    assert "&lt;img src=x" in page or "%3Cimg" in page


def test_search_page_ignores_unknown_facet_values(client, backend, catalogue):
    malformed = get(client, price="cheap", org="martians", stage="x", region="1")
    well_formed_but_absent = get(client, field="99", mode="teleport")

    assert malformed.context["search"]["total"] == 4
    assert malformed.context["chips"] == []  # dropped, not shown as filters in use
    assert well_formed_but_absent.context["search"]["total"] == 0
    assert hit_ids(well_formed_but_absent) == []
    # The filters in force are shown and can be removed, back to everything.
    chips = well_formed_but_absent.context["chips"]
    assert len(chips) == 2
    assert hit_ids(client.get(html.unescape(chips[0]["remove_url"]))) == []
    assert well_formed_but_absent.context["clear_all_url"] == PAGE


def test_search_page_says_what_it_corrected_and_offers_the_original(
    client, backend, catalogue
):
    response = get(client, q="检侧")
    page = response.content.decode()

    assert response.context["search"]["corrected_from"] == "检侧"
    assert response.context["search"]["query"] == "检测"
    assert hit_ids(response)[0] == catalogue["vision"].pk
    original = html.unescape(response.context["original_url"])
    assert "verbatim=1" in original
    assert 'id="search-corrected"' in page
    verbatim = client.get(original)
    assert verbatim.context["search"]["corrected_from"] is None
    assert verbatim.context["search"]["query"] == "检侧"


def test_search_page_offers_a_likely_correction_as_a_link(
    client, backend, catalogue, index_now
):
    # The slip itself is in one summary, so the query finds that listing; the
    # correction finds four (at least 3 more, and at least twice as many): offered.
    slipped = OutcomeFactory(
        published=True,
        title="铝壳表面质量控制系统",
        summary="在线检侧铝壳划痕。",
        keywords=["质量控制"],
    )
    more = [
        OutcomeFactory(published=True, title=title, keywords=["检测设备"])
        for title in (
            "锂电池极片在线检测设备",
            "焊缝超声检测机器人",
            "钢板表面缺陷检测系统",
        )
    ]
    index_now(slipped, *more)

    response = get(client, q="检侧")

    assert hit_ids(response) == [slipped.pk]
    assert response.context["search"]["did_you_mean"] == "检测"
    suggested = client.get(html.unescape(response.context["did_you_mean_url"]))
    assert set(hit_ids(suggested)) == {catalogue["vision"].pk, *(x.pk for x in more)}
    assert 'id="search-did-you-mean"' in response.content.decode()


def test_search_page_offers_no_correction_that_finds_no_more(
    client, backend, catalogue
):
    # The slip's characters already find the cathode; so does the correction.
    response = get(client, q="锂离子电吃")

    assert hit_ids(response) == [catalogue["cathode"].pk]
    assert response.context["search"]["did_you_mean"] is None
    assert 'id="search-did-you-mean"' not in response.content.decode()


def test_search_page_falls_back_to_the_database_when_the_engine_is_down(
    client, settings, catalogue_in_database
):
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"

    response = get(client, q="减速器")

    assert response.context["search"]["degraded"]
    assert response.context["search"]["backend"] == "database"
    assert 'id="search-degraded"' in response.content.decode()
    assert hit_ids(response) == [catalogue_in_database.pk]


@pytest.fixture
def catalogue_in_database(db):
    """A published listing that only the database knows (nothing indexed)."""
    return OutcomeFactory(published=True, title="工业机器人精密减速器")


def test_header_search_box_posts_to_the_search_page(client, db):
    page = client.get("/").content.decode()

    form = re.search(r'<form class="site-search"[^>]*>', page)
    assert form and f'action="{PAGE}"' in form.group(0)
    assert 'method="get"' in form.group(0)
    assert f'href="{PAGE}"' in page  # the navigation link
