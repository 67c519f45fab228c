"""The chunk path of a full refresh writes what one-by-one refreshes write."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from psycopg import errors

from market.models import Demand, ListingStatus
from matching import tasks
from matching.items import match_items
from matching.models import Proposal, ProposalState
from matching.retrieval import lexical_many, query_terms
from matching.services import proposals
from matching.services.proposals import Stages, refresh_item, refresh_items
from tests.matching.test_proposals import catalogue  # noqa: F401

pytestmark = pytest.mark.django_db


def snapshot() -> dict[tuple[int, int], tuple]:
    return {
        (p.demand_id, p.outcome_id): (
            p.score,
            p.rank_for_demand,
            p.rank_for_outcome,
            p.state,
            tuple(p.shared_terms),
        )
        for p in Proposal.objects.all()
    }


def test_refresh_items_writes_what_refresh_item_writes(catalogue):  # noqa: F811
    ids = [listing.pk for listing in catalogue.values()]
    for pk in ids:
        refresh_item(pk)
    one_by_one = snapshot()
    Proposal.objects.all().delete()
    stages = Stages()
    results = refresh_items(ids, stages=stages)
    assert snapshot() == one_by_one
    assert [r.listing_id for r in results] == ids
    assert {"items", "lexical", "semantic", "scoring", "write"} <= set(stages.seconds)


def test_refresh_items_twice_duplicates_nothing_and_retires_the_unpublished(
    catalogue,  # noqa: F811
):
    ids = [listing.pk for listing in catalogue.values()]
    refresh_items(ids)
    first = snapshot()
    refresh_items(ids)
    assert snapshot() == first
    battery = catalogue["battery"]
    battery.status = ListingStatus.ARCHIVED
    battery.save()
    results = {r.listing_id: r for r in refresh_items(ids)}
    assert results[battery.pk].proposed == 0
    assert not Proposal.objects.filter(outcome=battery).current().exists()
    assert Proposal.objects.filter(outcome=battery, state=ProposalState.RETIRED)


def test_match_listings_retries_a_deadlock(catalogue, monkeypatch):  # noqa: F811
    calls = []
    real = tasks.proposals.refresh_items

    def deadlocking(ids):
        calls.append(ids)
        if len(calls) == 1:
            raise OperationalError("deadlock") from errors.DeadlockDetected()
        return real(ids)

    monkeypatch.setattr(tasks.proposals, "refresh_items", deadlocking)
    need = catalogue["battery_need"].pk
    assert tasks.match_listings.apply(args=[[need]]).get() > 0
    assert len(calls) == 2


def test_lexical_many_keeps_each_answer_with_its_listing_when_one_finds_nothing(
    catalogue,  # noqa: F811
):
    # Elasticsearch's filtered _msearch answer must keep an answer without hits in
    # its place, or the next listing's candidates would be given to this one.
    items = match_items([catalogue["water_need"].pk, catalogue["battery_need"].pk])
    water, battery = (
        items[catalogue["water_need"].pk],
        items[catalogue["battery_need"].pk],
    )
    found = lexical_many(
        [(water, ["zzqxjv"]), (battery, query_terms(battery, None)), (water, [])]
    )
    assert found[0] == {} and found[2] == {}
    assert catalogue["battery"].pk in found[1]
    assert catalogue["water"].pk not in found[1]


def test_a_chunk_reads_the_same_number_of_times_whatever_its_size(
    catalogue,  # noqa: F811
    settings,
):
    # Per chunk, not per listing: the re-ranker, the weights and the candidates.
    if settings.SEARCH_BACKEND != "elasticsearch":
        pytest.skip("the embedded search backend reads the database for each query")
    ids = [listing.pk for listing in catalogue.values()]
    refresh_items(ids)  # the same existing rows in both counts below
    with CaptureQueriesContext(connection) as two:
        refresh_items(ids[1:3])  # a demand and an outcome
    with CaptureQueriesContext(connection) as four:
        refresh_items(ids[:4])  # two of each, with candidates outside the chunk
    # (Fewer when no candidate is a demand outside the chunk: one read less.)
    assert len(four) <= len(two)


def test_refresh_items_leaves_the_garbage_collector_as_it_found_it(
    catalogue,  # noqa: F811
    monkeypatch,
):
    ids = [listing.pk for listing in catalogue.values()]
    refresh_items(ids)
    assert gc.isenabled()
    monkeypatch.setattr(proposals, "score_pairs", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        refresh_items(ids)
    assert gc.isenabled()
    monkeypatch.undo()
    gc.disable()
    try:
        refresh_items(ids[:1])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_refresh_that_computes_the_same_rows_leaves_them_as_they_were(
    catalogue,  # noqa: F811
):
    need = catalogue["battery_need"].pk

    def stamps() -> dict[int, object]:
        return dict(
            Proposal.objects.filter(demand_id=need).values_list(
                "outcome_id", "computed_at"
            )
        )

    refresh_item(need)
    first = stamps()
    refresh_item(need)
    assert stamps() == first  # nothing rewritten
    # A smaller budget: the price reason changes, and that row is written again.
    Demand.objects.filter(pk=need).update(budget_max_wan=Decimal("60"))
    refresh_item(need)
    battery = catalogue["battery"].pk
    assert stamps()[battery] > first[battery]
    proposal = Proposal.objects.get(demand_id=need, outcome_id=battery)
    price = next(r for r in proposal.reasons if r["component"] == "price")
    assert price["code"] == "price_near_budget"


def test_refresh_in_chunks_writes_what_refresh_items_writes_chunk_by_chunk(
    catalogue,  # noqa: F811
):
    ids = [listing.pk for listing in catalogue.values()]
    archived = catalogue["battery"]
    chunks = [ids[n : n + 2] for n in range(0, len(ids), 2)]
    for chunk in chunks:
        refresh_items(chunk)
    archived.status = ListingStatus.ARCHIVED
    archived.save()
    expected = [
        [(r.listing_id, r.proposed, r.retired) for r in refresh_items(c)]
        for c in chunks
    ]
    in_turn = snapshot()
    Proposal.objects.all().delete()
    archived.status = ListingStatus.PUBLISHED
    archived.save()
    for chunk in chunks:
        refresh_items(chunk)
    archived.status = ListingStatus.ARCHIVED
    archived.save()

    stages = Stages()
    results = list(proposals.refresh_in_chunks(chunks, stages=stages))

    assert [[(r.listing_id, r.proposed, r.retired) for r in c] for c in results] == (
        expected
    )
    assert snapshot() == in_turn
    assert {"items", "lexical", "semantic", "scoring", "write"} <= set(stages.seconds)
    assert gc.isenabled()


def test_refresh_in_chunks_raises_a_failed_retrieval_and_writes_nothing_after_it(
    catalogue,  # noqa: F811
    monkeypatch,
):
    ids = [listing.pk for listing in catalogue.values()]
    chunks = [ids[:2], ids[2:]]

    def failing(queries):
        raise ZeroDivisionError

    monkeypatch.setattr(proposals, "lexical_many", failing)
    with pytest.raises(ZeroDivisionError):
        list(proposals.refresh_in_chunks(chunks))
    assert not Proposal.objects.exists()
    assert gc.isenabled()
