"""One contract, two backends: every test here runs on the embedded backend and on a
real Elasticsearch, and both must give the visitor the same answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from market.models import Confidentiality, ListingStatus
from market.services.listings import archive_listing
from search.models import Synonym
from search.query import SearchRequest
from search.selectors import search_listings, suggestions
from tests.factories.market import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def ids(results) -> list[int]:
    return [hit.listing_id for hit in results.hits]


def search(backend, **params):
    return backend.search(SearchRequest.from_params(params))


@pytest.fixture
def catalogue(index_now):
    """A small catalogue across kinds, fields, regions, stages, prices and modes."""
    made = {
        "cathode": OutcomeFactory(
            published=True,
            title="高镍三元锂离子电池正极材料",
            summary="单晶高镍正极材料，循环寿命提高40%，用于动力电池。",
            keywords=["锂离子电池", "正极材料"],
            field=_field("0402"),
            maturity=7,
            price_wan=Decimal("800"),
            modes=["transfer"],
        ),
        "recycling": OutcomeFactory(
            published=True,
            title="废旧锂电池湿法回收工艺",
            summary="从退役动力电池中回收镍钴锰锂，金属回收率98%。",
            keywords=["电池回收", "湿法冶金"],
            field=_field("0702"),
            maturity=6,
            price_wan=Decimal("150"),
            region=_region("440305"),
        ),
        "reducer": OutcomeFactory(
            published=True,
            title="工业机器人精密减速器",
            summary="RV减速器传动精度1弧分，寿命6000小时。",
            keywords=["减速器", "工业机器人"],
            field=_field("0803"),
            maturity=9,
            price_wan=None,
            price_negotiable=True,
        ),
        "vision": DemandFactory(
            published=True,
            title="寻求基于深度学习的工业视觉缺陷检测方案",
            summary="产线需要识别铝壳表面划痕，漏检率低于0.1%。",
            keywords=["视觉检测", "人工智能"],
            field=_field("0101"),
            expected_maturity=6,
            budget_min_wan=Decimal("50"),
            budget_max_wan=Decimal("120"),
        ),
        "draft": OutcomeFactory(
            title="未发布的锂离子电池隔膜技术",
            summary="草稿，不应被搜索到。",
            keywords=["锂离子电池"],
        ),
    }
    index_now(*made.values())
    return made


def _field(code):
    from market.models import TechField

    return TechField.objects.get(code=code)


def _region(code):
    from market.models import Region

    return Region.objects.get(code=code)


def test_search_finds_only_published_listings_by_title_words(backend, catalogue):
    results = search(backend, q="锂离子电池")
    assert catalogue["cathode"].pk in ids(results)
    assert catalogue["draft"].pk not in ids(results)
    assert results.total == len(results.hits)


def test_search_ranks_title_match_first_and_highlights_it(backend, catalogue):
    results = search(backend, q="减速器")
    assert ids(results)[0] == catalogue["reducer"].pk
    assert "<mark>减速器</mark>" in results.hits[0].title_html


def test_search_highlight_escapes_the_listing_text(backend, index_now):
    listing = OutcomeFactory(
        published=True,
        title="<b>等离子</b>喷涂涂层",
        summary="等离子喷涂 <script>x</script>",
    )
    index_now(listing)
    hit = search(backend, q="等离子").hits[0]
    assert "<b>" not in hit.title_html and "&lt;b&gt;" in hit.title_html
    assert "<script>" not in hit.snippet_html


def test_search_snippet_is_the_summary_start_when_only_the_title_matched(
    backend, index_now
):
    summary = "采用五轴联动加工与在线补偿，" * 20  # longer than a snippet
    listing = OutcomeFactory(
        published=True, title="航空发动机叶片精密磨削", summary=summary
    )
    index_now(listing)

    hit = search(backend, q="叶片").hits[0]

    assert "<mark>叶片</mark>" in hit.title_html
    assert hit.snippet_html.startswith("采用五轴联动加工与在线补偿")
    assert 100 <= len(hit.snippet_html) <= 160


def test_search_filters_and_counts_facets_without_their_own_filter(backend, catalogue):
    everything = search(backend)
    assert everything.total == 4
    kinds = {v.value: v.count for v in everything.facets["kind"]}
    assert kinds == {"outcome": 3, "demand": 1}

    outcomes = search(backend, kind="outcome")
    assert outcomes.total == 3
    # The kind facet still counts the other kind, so a visitor can switch to it.
    assert {v.value: v.count for v in outcomes.facets["kind"]} == kinds
    fields = {v.value: v.count for v in outcomes.facets["field"]}
    assert fields == {"04": 1, "07": 1, "08": 1}

    narrowed = search(backend, kind="outcome", field="04")
    assert ids(narrowed) == [catalogue["cathode"].pk]
    assert {v.value for v in narrowed.facets["subfield"]} == {"0402"}


def test_search_filters_region_stage_price_mode_and_organisation_kind(
    backend, catalogue
):
    assert ids(search(backend, region="440000")) == [catalogue["recycling"].pk]
    assert ids(search(backend, region="440305")) == [catalogue["recycling"].pk]
    assert set(ids(search(backend, stage="pilot"))) == {
        catalogue["recycling"].pk,
        catalogue["vision"].pk,
    }
    assert ids(search(backend, price="negotiable")) == [catalogue["reducer"].pk]
    assert ids(search(backend, price="200-1000")) == [catalogue["cathode"].pk]
    assert ids(search(backend, mode="transfer")) == [catalogue["cathode"].pk]
    prices = {v.value: v.count for v in search(backend).facets["price"]}
    assert prices == {"200-1000": 1, "50-200": 2, "negotiable": 1}
    orgs = {v.value for v in search(backend).facets["org"]}
    assert orgs  # every factory organisation has a kind
    assert search(backend, org=sorted(orgs)[0]).total >= 1


def test_search_sorts_by_price_both_ways_with_negotiable_last(backend, catalogue):
    ascending = ids(search(backend, sort="price", kind="outcome"))
    assert ascending == [
        catalogue["recycling"].pk,
        catalogue["cathode"].pk,
        catalogue["reducer"].pk,
    ]
    descending = ids(search(backend, sort="-price", kind="outcome"))
    assert descending == [
        catalogue["cathode"].pk,
        catalogue["recycling"].pk,
        catalogue["reducer"].pk,
    ]


def test_search_paginates_with_exact_totals_and_an_empty_page_past_the_end(
    backend, index_now
):
    listings = [
        OutcomeFactory(published=True, title=f"光伏组件清洗机器人{i}") for i in range(7)
    ]
    index_now(*listings)
    first = search(backend, q="光伏", per_page="3")
    second = search(backend, q="光伏", per_page="3", page="3")
    assert (first.total, first.pages, len(first.hits)) == (7, 3, 3)
    assert len(second.hits) == 1
    beyond = search(backend, q="光伏", per_page="3", page="99")
    assert beyond.total == 7 and beyond.hits == []
    deep = search(backend, q="光伏", page="999999")
    assert deep.total == 7 and deep.hits == []


def test_search_expands_operator_synonyms_at_once_without_reindexing(
    backend, index_now, django_capture_on_commit_callbacks
):
    drone = OutcomeFactory(
        published=True, title="植保无人机精准喷洒系统", keywords=["植保无人机"]
    )
    index_now(drone)
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.filter(terms__icontains="UAV").delete()
    assert ids(search(backend, q="UAV")) == []
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.create(terms="UAV， 无人机")
    # No reindexing: the next query is expanded with the new group.
    assert ids(search(backend, q="UAV")) == [drone.pk]


def test_search_latin_synonym_matches_whole_words_only(
    backend, index_now, django_capture_on_commit_callbacks
):
    listing = OutcomeFactory(
        published=True, title="人工智能辅助药物筛选平台", keywords=["药物筛选"]
    )
    index_now(listing)
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.all().delete()  # the default groups hold this one
    assert ids(search(backend, q="AI")) == []
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.create(terms="AI, 人工智能")
    assert ids(search(backend, q="AI")) == [listing.pk]
    assert ids(search(backend, q="chain")) == []


def test_search_corrects_a_typo_when_nothing_matches(backend, catalogue):
    request = SearchRequest.from_params({"q": "减速期"})
    from django.test import override_settings

    with override_settings(SEARCH_BACKEND=backend.name):
        results = search_listings(request)
    assert results.request.corrected_from == "减速期"
    assert results.request.q == "减速器"
    assert ids(results)[0] == catalogue["reducer"].pk


def test_search_verbatim_request_is_not_corrected(backend, catalogue):
    from django.test import override_settings

    with override_settings(SEARCH_BACKEND=backend.name):
        results = search_listings(
            SearchRequest.from_params({"q": "减速期", "verbatim": "1"})
        )
    assert results.request.corrected_from == ""
    assert results.total == 0


def test_suggestions_complete_titles_from_any_word_and_keywords(backend, catalogue):
    from django.test import override_settings

    with override_settings(SEARCH_BACKEND=backend.name):
        by_start = suggestions("高镍")
        by_inner_word = suggestions("精密")
        by_keyword = suggestions("湿法")
        only_demands = suggestions("寻求", kind="demand")
        nothing = suggestions("未发布")
    assert any(s.listing_id == catalogue["cathode"].pk for s in by_start)
    assert any(s.listing_id == catalogue["reducer"].pk for s in by_inner_word)
    assert any(s.kind == "keyword" and s.text == "湿法冶金" for s in by_keyword)
    assert [s.listing_id for s in only_demands] == [catalogue["vision"].pk]
    assert nothing == []


def test_unpublished_and_deleted_listings_leave_the_index(
    backend, catalogue, index_now
):
    reducer, cathode = catalogue["reducer"], catalogue["cathode"]
    archive_listing(reducer.pk, by_user_id=None)
    cathode.delete()
    index_now()  # drains what the services and the deletion put in the outbox
    remaining = ids(search(backend))
    assert reducer.pk not in remaining and cathode.pk not in remaining
    assert len(remaining) == 2


def test_owner_of_anonymous_listing_and_protected_details_are_not_searchable(
    backend, index_now
):
    institute = OrganisationFactory(name="华东精密机械研究院")
    hidden = OutcomeFactory(
        published=True,
        organisation=institute,
        confidentiality=Confidentiality.ANONYMOUS,
        title="高速电主轴热变形补偿",
        protected_details="配方：钛酸钡掺杂比例为机密",
    )
    index_now(hidden)
    assert search(backend, q="华东精密机械研究院").total == 0
    assert search(backend, q="钛酸钡").total == 0
    hit = search(backend, q="电主轴").hits[0]
    assert hit.organisation == ""


def test_organisation_name_finds_its_public_listings(backend, index_now):
    university = OrganisationFactory(name="江南材料科技大学")
    listing = OutcomeFactory(
        published=True, organisation=university, title="耐蚀镁合金"
    )
    index_now(listing)
    assert ids(search(backend, q="江南材料科技大学")) == [listing.pk]


@pytest.mark.parametrize(
    "q",
    [
        "",
        "！！！？？",
        'title:"x" AND (y OR z)~2 ^3',
        "<script>alert(1)</script>",
        "锂" * 500,
        "\\/*?:[]{}",
        "a" * 100 + " OR " + "b" * 100,
    ],
)
def test_search_answers_every_odd_query_without_error(backend, catalogue, q):
    request = SearchRequest.from_params({"q": q})
    results = backend.search(request)
    assert results.total >= 0
    if len(q) > 100:
        assert request.messages  # the visitor is told the query was cut
    for hit in results.hits:
        assert "<script>" not in hit.title_html + hit.snippet_html


def test_search_ignores_unknown_facet_values(backend, catalogue):
    # A well-formed value nothing has gives a valid empty page ...
    empty = search(backend, field="99", mode="teleport")
    assert (empty.total, empty.hits) == (0, [])
    # ... and a malformed one is dropped.
    assert search(backend, price="cheap", region="1", trl="12", kind="x").total == 4


def test_listing_status_round_trip_reaches_the_index(backend, catalogue, index_now):
    vision = catalogue["vision"]
    vision.status = ListingStatus.SUBMITTED
    vision.save()
    from market.signals import listing_status_changed

    listing_status_changed.send(
        sender=type(vision),
        listing_id=vision.pk,
        kind=vision.kind,
        old_status=ListingStatus.PUBLISHED,
        new_status=ListingStatus.SUBMITTED,
        by_user_id=None,
        reason="",
    )
    index_now()
    assert vision.pk not in ids(search(backend))


def test_renamed_organisation_is_found_by_its_new_name(backend, index_now):
    # The old name shares no two characters with the new one, the title or the
    # summary: a long query is found through any of its bigrams.
    organisation = OrganisationFactory(name="东湖光电子实验室")
    listing = OutcomeFactory(
        published=True, organisation=organisation, title="耐高温聚酰亚胺薄膜"
    )
    index_now(listing)
    organisation.name = "钱江先进材料研究院"
    organisation.save()
    index_now()
    assert ids(search(backend, q="钱江先进材料研究院")) == [listing.pk]
    assert ids(search(backend, q="东湖光电子实验室")) == []
