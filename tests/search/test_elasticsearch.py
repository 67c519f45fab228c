"""A real Elasticsearch 8 indexes Chinese text through elasticsearch-dsl and finds it."""

from __future__ import annotations

import pytest
from elasticsearch.dsl import Document, Keyword, Text

from search.analysis import segment
from search.backends.elasticsearch import get_client, index_name


class ProbeDocument(Document):
    title = Text(analyzer="standard")
    title_words = Text(analyzer="whitespace")
    field = Keyword()


@pytest.fixture
def probe_index():
    name = index_name("probe-outcomes")
    client = get_client()
    client.options(ignore_status=404).indices.delete(index=name)
    ProbeDocument.init(index=name, using=client)
    yield name
    client.options(ignore_status=404).indices.delete(index=name)


def save(index: str, doc_id: int, title: str, field: str) -> None:
    ProbeDocument(
        meta={"id": doc_id}, title=title, title_words=segment(title), field=field
    ).save(index=index, using=get_client())


def test_elasticsearch_finds_chinese_text_by_words_segmented_in_python(probe_index):
    save(probe_index, 1, "高镍三元锂离子电池正极材料及其制备方法", "新材料")
    save(probe_index, 2, "工业机器人精密减速器", "先进制造与自动化")
    save(probe_index, 3, "基于深度学习的工业视觉缺陷检测", "电子信息")
    get_client().indices.refresh(index=probe_index)

    def search(words: str) -> list[str]:
        response = (
            ProbeDocument.search(index=probe_index, using=get_client())
            .query("match", title_words={"query": segment(words), "operator": "and"})
            .execute()
        )
        return [hit.meta.id for hit in response]

    assert search("锂离子电池") == ["1"]
    assert search("减速器") == ["2"]
    assert search("缺陷检测") == ["3"]
    assert search("燃料电池") == []


def test_elasticsearch_character_field_and_keyword_filter_work_together(probe_index):
    save(probe_index, 1, "高镍三元锂离子电池正极材料", "新材料")
    save(probe_index, 2, "锂电池回收湿法冶金工艺", "资源与环境")
    get_client().indices.refresh(index=probe_index)

    response = (
        ProbeDocument.search(index=probe_index, using=get_client())
        .query("match_phrase", title="锂")
        .filter("term", field="资源与环境")
        .execute()
    )
    assert [hit.title for hit in response] == ["锂电池回收湿法冶金工艺"]
    assert response.hits.total.value == 1


@pytest.mark.django_db
def test_elasticsearch_client_given_several_nodes_answers_while_one_is_unreachable(
    settings, es_backend, index_now
):
    from search.query import SearchRequest
    from tests.factories import OutcomeFactory

    index_now(OutcomeFactory(published=True, title="工业机器人精密减速器"))
    live = settings.ELASTICSEARCH_URL
    # The first node refuses every connection; the client must go on to the other.
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:9,{live}"

    answers = [es_backend.search(SearchRequest(q="减速器")).total for _ in range(6)]

    assert answers == [1] * 6
    assert es_backend.health().startswith("elasticsearch ")


@pytest.mark.django_db
def test_elasticsearch_indices_get_the_configured_number_of_replicas(
    settings, es_backend
):
    settings.SEARCH_INDEX_REPLICAS = 1

    name = es_backend.create_index("replica-probe")

    found = get_client().indices.get_settings(index=name)[name]["settings"]["index"]
    get_client().indices.delete(index=name)
    assert found["number_of_replicas"] == "1"
