"""When "did you mean" runs, and what it costs in requests to Elasticsearch.

18 % of real queries found fewer than three results and each paid for a second search.
The correction is now looked for only when the first search finds nothing or the query
is short, and a short query's correction travels with it in one ``_msearch``. Requests
are counted at the client's transport: every one reaches the real Elasticsearch.
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


def test_correction_is_offered_only_when_it_finds_clearly_more():
    assert worth_offering(0, 3) and worth_offering(1, 3) and worth_offering(3, 6)
    assert not worth_offering(1, 2)  # fewer than three
    assert not worth_offering(2, 3)  # not twice as many
    assert not worth_offering(4, 7)


def test_a_longer_query_with_a_few_hits_makes_one_request(es_requests, listings):
    q = "高镍三元锂离子电吃正极"
    # A correction exists, and the query finds a few: the old rule searched twice.
    assert did_you_mean(q, get_backend().vocabulary())

    results = search(q)

    assert [hit.listing_id for hit in results.hits] == [listings["cathode"].pk]
    assert results.did_you_mean == ""
    assert results.request.corrected_from == ""
    assert len(es_requests) == 1
    assert es_requests[0][1].endswith("/_search")


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
