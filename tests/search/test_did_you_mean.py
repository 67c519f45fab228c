"""When "did you mean" runs, and what it costs in requests to Elasticsearch.

A correction is looked for only when the original finds little (fewer than three
results) and offered only when it finds clearly more (issue 9: 曝气 节能, a real term,
was "corrected" to 烟气 节能). A short query's correction travels with it in one
``_msearch``; a longer query that finds enough costs one ``_search``. Requests are
counted at the client's transport: every one reaches the real Elasticsearch.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from search.backends import get_backend
from search.backends.elasticsearch import get_client
from search.query import SearchRequest
from search.selectors import search_listings
from search.spelling import did_you_mean, is_short, worth_offering
from tests.factories.market import OutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings(index_now):
    made = {
        "cathode": OutcomeFactory(
            published=True,
            title="高镍三元锂离子电池正极材料",
            summary="单晶高镍正极材料，循环寿命提高40%，用于动力电池。",
            keywords=["锂离子电池", "正极材料"],
        ),
        "reducer": OutcomeFactory(
            published=True,
            title="工业机器人精密减速器",
            summary="RV减速器传动精度1弧分，寿命6000小时。",
            keywords=["减速器", "工业机器人"],
        ),
        "harmonic": OutcomeFactory(
            published=True,
            title="谐波减速器柔轮寿命提升技术",
            summary="柔轮疲劳寿命提高三倍。",
            keywords=["减速器", "谐波传动"],
        ),
    }
    index_now(*made.values())
    return made


@pytest.fixture
def es_requests(es_backend, listings, monkeypatch):
    """(method, path) of every request the search client sends from now on."""
    transport = get_client().transport
    send = transport.perform_request
    sent: list[tuple[str, str]] = []

    def counted(method, target, *args, **kwargs):
        sent.append((method, target.split("?", 1)[0]))
        return send(method, target, *args, **kwargs)

    es_backend.vocabulary()  # held in the process for minutes: not a per-query cost
    monkeypatch.setattr(transport, "perform_request", counted)
    return sent


def search(q: str, **params: str):
    with override_settings(SEARCH_BACKEND="elasticsearch"):
        return search_listings(SearchRequest.from_params({"q": q, **params}))


def test_short_query_rule():
    assert is_short("减速期") and is_short("锂离子电吃") and is_short(" AI ")
    assert not is_short("高镍三元锂离子电池") and not is_short("减速 器")
    assert not is_short("")


def test_correction_is_offered_only_when_the_original_finds_little_and_it_clearly_more():
    assert worth_offering(0, 3) and worth_offering(1, 4) and worth_offering(2, 5)
    assert not worth_offering(0, 2)  # not three more
    assert not worth_offering(1, 3)  # not three more
    assert not worth_offering(2, 4)  # not three more
    assert not worth_offering(3, 12)  # the original found enough
    assert not worth_offering(4, 7)


def test_a_longer_query_that_finds_enough_makes_one_request(es_requests, listings):
    q = "减速器 寿命 正极材料 锂离子电吃"
    # A correction exists, but the query finds all three listings: never corrected.
    assert did_you_mean(q, get_backend().vocabulary())

    results = search(q)

    assert results.total == 3
    assert results.did_you_mean == ""
    assert results.request.corrected_from == ""
    assert len(es_requests) == 1
    assert es_requests[0][1].endswith("/_search")


def test_a_longer_query_that_finds_little_is_checked_after_it(es_requests, listings):
    q = "高镍三元锂离子电吃正极"
    assert did_you_mean(q, get_backend().vocabulary())

    results = search(q)

    # It found one listing, so did its correction: nothing offered, two requests.
    assert [hit.listing_id for hit in results.hits] == [listings["cathode"].pk]
    assert results.did_you_mean == ""
    assert results.request.corrected_from == ""
    assert len(es_requests) == 2
    assert all(path.endswith("/_search") for _, path in es_requests)


@pytest.fixture
def aeration(index_now):
    """曝气 (aeration) written in three summaries only — no title or keyword holds it,
    so the vocabulary does not know it — and 烟气 (flue gas), a keyword of eight."""
    aerated = [
        OutcomeFactory(
            published=True,
            title=title,
            summary=f"{title}，曝气节能三成。",
            keywords=["污水处理"],
        )
        for title in ("磁悬浮鼓风机", "微孔扩散器", "智能溶解氧控制系统")
    ]
    flue = [
        OutcomeFactory(
            published=True,
            title=f"燃煤锅炉脱硫装置{n}型",
            summary="烟气脱硫效率99%，排放达到超低标准。",
            keywords=["烟气"],
        )
        for n in range(8)
    ]
    index_now(*aerated, *flue)
    return {"aerated": aerated, "flue": flue}


def test_a_real_term_that_finds_a_few_is_not_corrected(backend, aeration):
    # The old rule offered 烟气 for 曝气: a short query whose neighbour found 8 > 2 × 3.
    assert did_you_mean("曝气", backend.vocabulary()) == "烟气"

    results = search_listings(SearchRequest.from_params({"q": "曝气"}))

    assert {hit.listing_id for hit in results.hits} == {
        x.pk for x in aeration["aerated"]
    }
    assert results.did_you_mean == ""
    assert results.request.corrected_from == ""


def test_a_typo_that_finds_little_is_still_corrected(backend, aeration):
    results = search_listings(SearchRequest.from_params({"q": "烟汽"}))

    assert results.request.corrected_from == "烟汽"
    assert results.request.q == "烟气"
    assert results.total == len(aeration["flue"])


def test_a_longer_query_that_finds_little_is_offered_a_correction_finding_more(
    backend, aeration, index_now
):
    # One summary holds the slip; the correction finds the eight flue-gas listings.
    slipped = OutcomeFactory(
        published=True,
        title="电厂排放在线监测",
        summary="燃煤电厂烟汽排放连续监测。",
        keywords=["在线监测"],
    )
    index_now(slipped)
    backend.forget_vocabulary()

    results = search_listings(SearchRequest.from_params({"q": "烟汽 排放"}))

    assert [hit.listing_id for hit in results.hits] == [slipped.pk]
    assert results.did_you_mean == "烟气 排放"


def test_a_short_query_and_its_correction_go_in_one_request(es_requests, listings):
    results = search("减速期")

    assert results.request.corrected_from == "减速期"
    assert results.request.q == "减速器"
    assert {hit.listing_id for hit in results.hits} == {
        listings["reducer"].pk,
        listings["harmonic"].pk,
    }
    assert [path for _, path in es_requests] == ["/_msearch"]


def test_a_short_query_without_a_typo_makes_one_plain_search(es_requests, listings):
    results = search("减速器")

    assert results.total == 2
    assert len(es_requests) == 1
    assert es_requests[0][1].endswith("/_search")


def test_a_longer_query_that_finds_nothing_is_corrected_after_it(
    es_requests, listings, index_now
):
    gearbox = OutcomeFactory(
        published=True,
        title="Harmonic gearbox 谐波齿轮箱",
        summary="用于协作机器人关节。",
        keywords=["谐波齿轮箱"],
    )
    index_now(gearbox)
    get_backend().vocabulary()
    es_requests.clear()

    results = search("harmonic gearbx")

    assert results.request.corrected_from == "harmonic gearbx"
    assert results.request.q == "harmonic gearbox"
    assert [hit.listing_id for hit in results.hits] == [gearbox.pk]
    # The first search could not know it would find nothing: two requests.
    assert len(es_requests) == 2


def test_did_you_mean_keeps_the_spaces_typed():
    vocabulary = {"harmonic": 3, "gearbox": 2, "减速器": 2, "柔轮": 1}
    assert did_you_mean("harmonic gearbx", vocabulary) == "harmonic gearbox"
    assert did_you_mean("减速期 柔轮", vocabulary) == "减速器 柔轮"


def test_a_verbatim_short_query_is_never_corrected(es_requests, listings):
    results = search("减速期", verbatim="1")

    assert results.total == 0
    assert results.request.corrected_from == ""
    assert len(es_requests) == 1


def test_search_many_answers_like_separate_searches(backend, listings):
    requests = [
        SearchRequest.from_params({"q": "减速器"}),
        SearchRequest.from_params({"q": "正极材料", "page": "1"}),
        SearchRequest.from_params({}),
    ]
    together = backend.search_many(requests)
    apart = [backend.search(request) for request in requests]
    assert [r.total for r in together] == [r.total for r in apart] == [2, 1, 3]
    assert [[h.listing_id for h in r.hits] for r in together] == [
        [h.listing_id for h in r.hits] for r in apart
    ]
    assert [r.facets for r in together] == [r.facets for r in apart]
