import pytest

from search.query import SearchRequest
from tests.factories.market import OutcomeFactory


@pytest.mark.django_db
def test_backends_find_published_outcome(backend, index_now):
    outcome = OutcomeFactory(published=True, title="高镍三元锂离子电池正极材料")
    OutcomeFactory(published=True, title="工业机器人精密减速器")
    index_now(outcome)
    results = backend.search(SearchRequest.from_params({"q": "正极材料"}))
    assert [h.listing_id for h in results.hits] == [outcome.pk]
