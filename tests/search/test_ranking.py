"""How a search finds and ranks, on both backends: recall through character bigrams of
the whole text, precision through words; and the bigrams the index makes are the ones
the query asks for."""

from __future__ import annotations

import itertools

import pytest

from search.analysis import bigrams, char_runs
from search.backends.elasticsearch import get_client, index_name
from search.documents import INDEXES
from search.models import ListingText
from search.query import SearchRequest
from tests.factories.market import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)

# jieba cuts the query's 交通运输 into 交通 通运 运输 交通运输, the listing's
# 道路交通运输 into 道路 交通 道路交通 运输: five of the query's seven words.
QUERY = "交通运输安全管理评价"
ROAD_SAFETY = (
    "<p>针对道路交通运输安全管理中评价指标分散、权重凭经验的问题，建立了多层次评价"
    "模型，并在三个地市的运输企业中应用。</p>"
)


def ids(backend, **params) -> list[int]:
    return [
        hit.listing_id for hit in backend.search(SearchRequest.from_params(params)).hits
    ]


def neutral_outcome(**fields):
    """An outcome whose title, summary and keywords say nothing of the query."""
    return OutcomeFactory(
        published=True,
        title="成果第一号",
        summary="某研究所的成果。",
        keywords=[],
        organisation=OrganisationFactory(name=f"某研究所{next(_numbers)}"),
        advantages="",
        **fields,
    )


def test_search_finds_a_listing_whose_words_jieba_cuts_differently(backend, index_now):
    listing = neutral_outcome(description=ROAD_SAFETY)
    index_now(listing)
    assert ids(backend, q=QUERY) == [listing.pk]


def test_search_ranks_the_listing_about_the_query_above_a_short_one_sharing_a_word(
    backend, index_now
):
    about = neutral_outcome(description=ROAD_SAFETY)
    short = DemandFactory(
        published=True,
        title="安全管理",
        summary="安全管理咨询。",
        keywords=[],
        problem="<p>安全管理。</p>",
        objectives=[],
        organisation=OrganisationFactory(name="某公司"),
    )
    index_now(about, short)
    found = ids(backend, q=QUERY)
    assert found[0] == about.pk
    assert short.pk in found  # found, ranked below: it shares 安全管理 only


def test_short_query_needs_both_of_its_bigrams(backend, index_now):
    listing = neutral_outcome(description="<p>石墨烯导热膜的制备。</p>")
    other = neutral_outcome(description="<p>石墨电极与石墨坩埚的加工。</p>")
    index_now(listing, other)
    assert ids(backend, q="石墨烯") == [listing.pk]


def test_bigrams_do_not_span_punctuation_or_the_gap_between_keywords(
    backend, index_now
):
    # "汤单" and "压,内" exist only across a gap: a query made of them finds nothing.
    listing = neutral_outcome(
        description="<p>补肾活血汤 单纯收缩期高血压,内皮功能。</p>"
    )
    index_now(listing)
    assert ids(backend, q="汤单") == []
    assert ids(backend, q="补肾活血汤") == [listing.pk]


def test_character_field_holds_exactly_the_bigrams_the_query_side_computes(
    es_backend, index_now
):
    text = "采用修正的Rodrigues参数(MRP),建立TiO2薄膜 24.3% 补肾活血汤；单纯ひらがなカタカナ"
    listing = neutral_outcome(description=f"<p>{text}</p>")
    index_now(listing)
    analysed = get_client().indices.analyze(
        index=index_name(INDEXES["outcome"]), field="chars", text=char_runs(text)
    )
    assert [token["token"] for token in analysed["tokens"]] == bigrams(text)


def test_reindex_keeps_the_body_text_of_rows_segmented_before_it_was_kept(
    backend, index_now
):
    from search.reindex import reindex

    listing = neutral_outcome(description=ROAD_SAFETY)
    index_now(listing)
    ListingText.objects.filter(pk=listing.pk).update(body_text=None)
    reindex("outcome", backend=backend)
    backend.refresh()
    assert ListingText.objects.get(pk=listing.pk).body_text.startswith("针对道路交通")
    assert ids(backend, q=QUERY) == [listing.pk]


def test_an_edited_description_is_found_by_its_new_text_and_not_by_the_old(
    backend, index_now
):
    listing = neutral_outcome(description=ROAD_SAFETY)
    index_now(listing)
    listing.description = "<p>一种用于高炉煤气余压发电的透平叶片涂层。</p>"
    listing.save()
    index_now(listing)
    assert ids(backend, q="余压发电透平") == [listing.pk]
    assert ids(backend, q=QUERY) == []
