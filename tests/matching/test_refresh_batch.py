"""The chunk path of a full refresh writes what one-by-one refreshes write."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from psycopg import errors

from market.models import ListingStatus
from matching import tasks
from matching.models import Proposal, ProposalState
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
