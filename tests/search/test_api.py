"""The JSON search endpoint and the suggestions endpoint, on both backends."""

from __future__ import annotations

import pytest
from django.urls import reverse

from market.models import TechField
from tests.factories.market import DemandFactory, OutcomeFactory

pytestmark = pytest.mark.django_db

API = reverse("search:api")
SUGGEST = reverse("search:suggest")
PAGE = reverse("search:page")

RESULT_KEYS = {
    "id",
    "kind",
    "title",
    "title_html",
    "snippet_html",
    "url",
    "organisation",
    "field",
    "regions",
    "maturity",
    "amount",
    "negotiable",
    "modes",
    "keywords",
    "published_at",
    "score",
}


@pytest.fixture
def listings(index_now):
    made = {
        "reducer": OutcomeFactory(
            published=True,
            title="工业机器人精密减速器",
            summary="RV减速器传动精度1弧分。",
            keywords=["减速器", "工业机器人"],
            field=TechField.objects.get(code="0803"),
            modes=["transfer", "license"],
        ),
        "recycling": OutcomeFactory(
            published=True,
            title="废旧锂电池湿法回收工艺",
            keywords=["电池回收", "湿法冶金"],
            field=TechField.objects.get(code="0702"),
        ),
        "vision": DemandFactory(
            published=True,
            title="寻求工业视觉缺陷检测方案",
            keywords=["视觉检测"],
            field=TechField.objects.get(code="0101"),
        ),
    }
    index_now(*made.values())
    return made


def api(client, **params):
    response = client.get(API, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_search_api_answers_the_documented_shape(client, backend, listings):
    data = api(client, q="减速器")

    assert {
        "query",
        "corrected_from",
        "did_you_mean",
        "total",
        "page",
        "pages",
        "per_page",
        "sort",
        "filters",
        "results",
        "facets",
        "messages",
        "backend",
        "degraded",
    } <= set(data)
    assert (data["query"], data["page"], data["per_page"]) == ("减速器", 1, 20)
    assert (data["backend"], data["degraded"]) == (backend.name, False)
    first = data["results"][0]
    assert set(first) >= RESULT_KEYS
    assert first["id"] == listings["reducer"].pk
    assert first["url"] == f"/outcomes/{listings['reducer'].pk}/"
    assert "<mark>减速器</mark>" in first["title_html"]
    assert first["field"] == {
        "code": "0803",
        "name": TechField.objects.get(code="0803").name,
    }
    assert {mode["code"] for mode in first["modes"]} == {"transfer", "license"}
    assert [r["code"] for r in first["regions"]] == ["320000", "320500", "320506"]
    assert set(data["facets"]) >= {"kind", "field", "region", "stage", "price", "org"}


def test_search_api_facets_carry_labels_counts_and_selection(client, backend, listings):
    data = api(client, kind="outcome")

    kinds = {value["value"]: value for value in data["facets"]["kind"]}
    assert kinds["outcome"]["count"] == 2 and kinds["outcome"]["selected"]
    assert kinds["demand"]["count"] == 1 and not kinds["demand"]["selected"]
    assert str(kinds["demand"]["label"])
    assert data["filters"]["kind"] == "outcome"
    assert data["total"] == 2


def test_search_api_names_codes_in_the_visitors_language(
    client, settings, backend, listings
):
    def names(data):
        first = next(r for r in data["results"] if r["id"] == listings["reducer"].pk)
        kinds = {v["value"]: v["label"] for v in data["facets"]["kind"]}
        return (
            first["field"]["name"],
            first["kind_label"],
            sorted(mode["name"] for mode in first["modes"]),
            kinds["outcome"],
        )

    chinese = names(api(client, q="减速器"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = names(api(client, q="减速器"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese_again = names(api(client, q="减速器"))

    assert chinese == (
        "高性能、智能化仪器仪表",
        "科技成果",
        ["许可", "转让"],
        "科技成果",
    )
    assert english == (
        "High-performance intelligent instruments",
        "Research outcome",
        ["Assignment", "Licence"],
        "Research outcome",
    )
    # Labels remembered for one language never answer for the other.
    assert chinese_again == chinese


def test_search_api_and_page_give_the_same_answer(client, backend, listings):
    params = {"q": "工业", "sort": "newest"}
    data = api(client, **params)
    page = client.get(PAGE, params).context["search"]

    assert [r["id"] for r in data["results"]] == [r["id"] for r in page["results"]]
    assert data["total"] == page["total"] == 2


@pytest.mark.parametrize(
    "q",
    ["", "！！！", 'title:"x" AND (y OR z)~2', "<script>alert(1)</script>", "锂" * 500],
)
def test_search_api_answers_bad_input_with_results_or_a_message(
    client, backend, listings, q
):
    data = api(client, q=q, page="abc", per_page="-3", sort="drop table")

    assert data["total"] >= 0 and data["page"] == 1
    if len(q) > 100:
        assert len(data["query"]) <= 100 and data["messages"]
    for result in data["results"]:
        assert "<script>" not in result["title_html"] + result["snippet_html"]


def test_search_api_page_beyond_the_end_is_empty_with_a_message(
    client, backend, listings
):
    data = api(client, page="40")

    assert (data["total"], data["results"], data["page"]) == (3, [], 40)
    assert data["messages"]


def test_search_api_refuses_other_methods_with_json(client, db):
    for url in (API, SUGGEST):
        response = client.post(url, {"q": "x"})
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["error"]


def test_search_api_says_when_the_engine_is_down(client, settings, db):
    listing = OutcomeFactory(published=True, title="工业机器人精密减速器")
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"

    data = api(client, q="减速器")
    suggestions = client.get(SUGGEST, {"q": "减速"}).json()

    assert (data["degraded"], data["backend"]) == (True, "database")
    assert [r["id"] for r in data["results"]] == [listing.pk]
    assert data["messages"]
    assert suggestions == {"suggestions": []}


def test_suggest_api_offers_titles_with_links_and_keywords(client, backend, listings):
    titles = client.get(SUGGEST, {"q": "精密"}).json()["suggestions"]
    keywords = client.get(SUGGEST, {"q": "湿法"}).json()["suggestions"]
    demands = client.get(SUGGEST, {"q": "寻求", "kind": "demand"}).json()

    reducer = listings["reducer"]
    assert {
        "text": reducer.title,
        "type": "title",
        "url": f"/outcomes/{reducer.pk}/",
        "kind": "outcome",
        "kind_label": "科技成果",
    } in titles
    assert {"text": "湿法冶金", "type": "keyword"} in keywords
    assert [s.get("url") for s in demands["suggestions"]] == [
        f"/demands/{listings['vision'].pk}/"
    ]


def test_suggest_api_answers_empty_and_overlong_prefixes(client, backend, listings):
    assert client.get(SUGGEST).json() == {"suggestions": []}
    assert client.get(SUGGEST, {"q": "   "}).json() == {"suggestions": []}
    overlong = client.get(SUGGEST, {"q": "减速" + "器" * 200, "kind": "bogus"})
    assert overlong.status_code == 200
    assert overlong.json() == {"suggestions": []}


def test_search_api_and_suggestions_answer_when_the_cluster_has_no_index(
    client, es_backend
):
    # A new or wiped cluster (data lost, before the first change or reindex).
    OutcomeFactory(published=True, title="工业机器人精密减速器")
    es_backend.drop_all()

    data = api(client, q="减速器")
    suggestions = client.get(SUGGEST, {"q": "减速"})
    page = client.get(PAGE, {"q": "减速器"})

    assert data["total"] == 0
    assert suggestions.status_code == 200
    assert suggestions.json() == {"suggestions": []}
    assert page.status_code == 200
