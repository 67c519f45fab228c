"""When the matcher runs: on commit of a publication or withdrawal, by command, and
by the nightly task fanned out in chunks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from market.services.listings import archive_listing, publish_listing
from matching.models import EmbeddingModel, Proposal, ProposalState
from matching.tasks import refresh_all_proposals
from tests.factories import (
    DemandFactory,
    OrganisationFactory,
    OutcomeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _pair(index_now):
    need = DemandFactory(
        published=True,
        organisation=OrganisationFactory(),
        title="锂电池热失控早期预警",
        keywords=["锂电池", "热失控", "预警"],
        summary="储能电站锂电池热失控早期预警。",
    )
    offer = OutcomeFactory(
        submitted=True,
        organisation=OrganisationFactory(),
        title="锂电池热失控多参数预警系统",
        keywords=["锂电池", "热失控", "预警"],
        summary="多参数模型提前预警锂电池热失控。",
    )
    index_now(need)
    return need, offer


def test_publishing_an_outcome_proposes_it_after_the_commit(
    backend, index_now, eager_celery, django_capture_on_commit_callbacks
):
    need, offer = _pair(index_now)
    moderator = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        publish_listing(offer.pk, by_user_id=moderator.pk)
    proposal = Proposal.objects.get(demand=need, outcome=offer)
    assert proposal.rank_for_outcome == 1 and proposal.state == ProposalState.PROPOSED

    with django_capture_on_commit_callbacks(execute=True):
        archive_listing(offer.pk, by_user_id=moderator.pk)
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.RETIRED


def test_match_all_trains_once_and_reports_what_it_wrote(backend, index_now):
    need, offer = _pair(index_now)
    offer.status = "published"
    offer.save()
    index_now(offer)
    out = StringIO()
    call_command("match_all", stdout=out)
    assert "2 listings matched: 2 proposals written" in out.getvalue()
    assert EmbeddingModel.objects.filter(is_active=True).count() == 1
    assert Proposal.objects.filter(demand=need, outcome=offer).count() == 1
    call_command("match_all", stdout=StringIO())  # again: nothing doubled
    assert Proposal.objects.count() == 1


def test_the_nightly_refresh_fans_the_catalogue_out_in_chunks(
    backend, index_now, eager_celery, monkeypatch
):
    monkeypatch.setattr("matching.tasks.CHUNK", 1)
    need, offer = _pair(index_now)
    offer.status = "published"
    offer.save()
    index_now(offer)
    assert refresh_all_proposals.delay().get() == 2  # two chunks of one listing
    pair = Proposal.objects.get(demand=need, outcome=offer)
    assert (pair.rank_for_demand, pair.rank_for_outcome) == (1, 1)
