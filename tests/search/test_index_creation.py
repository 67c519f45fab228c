"""One index behind each alias, however many processes create it at once.

On a fresh index prefix two Celery worker processes each created an index behind the
same alias; every search result then appeared twice until ``search_reindex``, and
``search_check`` did not notice. These tests race real requests against the real
Elasticsearch and build the doubled state by hand to check that it is found and fixed.
"""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command

from search.backends import get_backend
from search.backends.elasticsearch import get_client, index_body, index_name
from search.documents import build_changes
from search.query import SearchRequest
from search.reindex import check, reindex
from search.sync import drain_all, record_changes
from tests.factories.market import OutcomeFactory

RACERS = 8


@pytest.fixture
def fresh_prefix(settings):
    """An index prefix no index exists under yet, cleaned up afterwards."""
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.SEARCH_INDEX_PREFIX = f"{settings.SEARCH_INDEX_PREFIX}-fresh"
    backend = get_backend()
    backend.drop_all()
    backend.forget_vocabulary()
    yield backend
    backend.drop_all()
    backend.forget_vocabulary()


def _all_indices(base: str) -> list[str]:
    found = (
        get_client()
        .options(ignore_status=404)
        .indices.get(index=index_name(f"{base}-*"))
    )
    return sorted(name for name in found if name not in ("error", "status"))


def _found_ids(backend) -> list[int]:
    """Every hit of an empty search (the total counts duplicates too)."""
    backend.refresh()
    results = backend.search(SearchRequest(per_page=50))
    found = [hit.listing_id for hit in results.hits]
    assert results.total == len(found)
    return found


def _race(target, times: int = RACERS) -> None:
    """``target`` in ``times`` threads released at the same instant; re-raises."""
    start = threading.Barrier(times)
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            target()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db
def test_concurrent_first_writes_on_a_fresh_prefix_create_one_index(fresh_prefix):
    backend = fresh_prefix
    listings = [
        OutcomeFactory(published=True, title=f"钙钛矿叠层电池{i}") for i in range(3)
    ]
    changes = list(build_changes([listing.pk for listing in listings]))

    for _ in range(3):  # a few rounds: the old code lost every one
        backend.drop_all()
        # Each racer is a worker's first write: find no alias, create, write.
        _race(lambda: backend.apply(changes))

        for base in ("outcomes", "demands"):
            assert len(backend.indices_of(index_name(base))) == 1, base
            assert len(_all_indices(base)) == 1, base
        assert sorted(_found_ids(backend)) == sorted(x.pk for x in listings)
        assert check("outcome").problems == 0


@pytest.mark.django_db
def test_concurrent_ensure_indices_agree_on_one_index(fresh_prefix):
    backend = fresh_prefix
    _race(backend.ensure_indices)
    indices = {base: backend.indices_of(index_name(base)) for base in ("outcomes",)}
    assert len(indices["outcomes"]) == 1
    _race(backend.ensure_indices)  # and later calls keep it
    assert backend.indices_of(index_name("outcomes")) == indices["outcomes"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reindex_swap_leaves_one_index_when_a_first_write_created_one_meanwhile(
    fresh_prefix,
):
    backend = fresh_prefix
    listings = [
        OutcomeFactory(published=True, title=f"固态电解质{i}") for i in range(30)
    ]
    late = OutcomeFactory(published=True, title="固态电解质薄膜")

    def progress(done: int) -> None:
        # A worker's first write lands while the reindex fills its new index: it
        # finds no read alias yet and creates the first index behind it.
        if done and not backend.indices_of(index_name("outcomes")):
            backend.ensure_indices()
            record_changes([late.pk])
            drain_all()

    report = reindex("outcome", progress=progress, chunk_size=10)

    assert backend.indices_of(index_name("outcomes")) == [report["index"]]
    assert _all_indices("outcomes") == [report["index"]]
    found = _found_ids(backend)
    assert len(found) == len(set(found)) == 31
    assert set(found) == {x.pk for x in [*listings, late]}


@pytest.mark.django_db
def test_search_check_reports_a_doubled_alias_and_repair_rebuilds_one_index(
    es_backend, capsys
):
    listings = [
        OutcomeFactory(published=True, title=f"碳纤维复材{i}") for i in range(4)
    ]
    record_changes([listing.pk for listing in listings])
    drain_all()
    client = get_client()
    alias = index_name("outcomes")
    (original,) = es_backend.indices_of(alias)
    # The state two racing workers left: a second index, same documents, same alias.
    second = index_name("outcomes-20200101000000000000")
    body = index_body()
    body["aliases"] = {alias: {}}
    client.indices.create(index=second, **body)
    for listing in listings:
        source = client.get(index=original, id=str(listing.pk))["_source"]
        client.index(index=second, id=str(listing.pk), document=source)
    es_backend.refresh()
    found = _found_ids(es_backend)
    assert len(found) == 8  # every result twice, as the operator saw it

    with pytest.raises(CommandError, match="problems found"):
        call_command("search_check", "--kind", "outcome")
    output = capsys.readouterr().out
    assert "doubled: the alias reads 2 indices" in output
    assert original in output and second in output

    call_command("search_check", "--kind", "outcome", "--repair")
    output = capsys.readouterr().out
    assert "repaired: rebuilt 4 documents" in output

    (rebuilt,) = es_backend.indices_of(alias)
    assert rebuilt not in (original, second)
    assert _all_indices("outcomes") == [rebuilt]
    assert sorted(_found_ids(es_backend)) == sorted(x.pk for x in listings)
    call_command("search_check", "--kind", "outcome")  # clean again: no error
    assert "doubled" not in capsys.readouterr().out


def test_drop_all_leaves_another_deployments_indices_whose_prefix_starts_with_ours(
    settings, db
):
    """``search_reindex --fresh`` on ``techmatch`` deleted ``techmatch-staging-*`` too."""
    settings.SEARCH_BACKEND = "elasticsearch"
    client = get_client()
    neighbour = f"{settings.SEARCH_INDEX_PREFIX}-staging-outcomes-20260101000000000000"
    client.options(ignore_status=404).indices.delete(index=neighbour)
    client.indices.create(index=neighbour)
    backend = get_backend()
    try:
        backend.ensure_indices()
        ours = backend.kind_indices("outcome")
        assert ours

        backend.drop_all()

        assert client.indices.exists(index=neighbour)
        assert not client.indices.exists(index=",".join(ours))
        assert backend.kind_indices("outcome") == []
    finally:
        client.options(ignore_status=404).indices.delete(index=neighbour)
