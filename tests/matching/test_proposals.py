"""Proposals computed against the real backends: the expected pairings, their
explanation, idempotent re-runs, retirement, and the retrain swap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from market.models import ListingStatus, TechField
from matching.models import EmbeddingModel, ItemVector, Proposal, ProposalState
from matching.services.proposals import refresh_item
from matching.services.training import train_model
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def field(code: str) -> TechField:
    return TechField.objects.get(code=code)


@pytest.fixture
def catalogue(backend, index_now):
    """Two demands, four outcomes; one outcome belongs to the first demand's firm."""
    firm, lab, plant, farm = (OrganisationFactory() for _ in range(4))
    battery_need = DemandFactory(
        published=True,
        organisation=firm,
        title="动力锂电池热失控早期预警技术需求",
        summary="储能电站锂电池包需要热失控早期预警，提前发现电芯温升与产气。",
        keywords=["锂电池", "热失控", "预警", "储能"],
        problem="<p>现有电池管理系统无法提前预警热失控，电芯温升与产气检测滞后。</p>",
        field=field("0603"),
        expected_maturity=6,
        budget_min_wan=Decimal("50"),
        budget_max_wan=Decimal("150"),
    )
    water_need = DemandFactory(
        published=True,
        organisation=firm,
        title="电镀废水重金属深度去除",
        summary="电镀园区废水中镍、铬等重金属需要深度去除，出水稳定达标。",
        keywords=["电镀废水", "重金属", "深度处理"],
        problem="<p>化学沉淀法出水镍浓度不稳定，需要新的重金属去除工艺。</p>",
        field=field("0701"),
    )
    battery = OutcomeFactory(
        published=True,
        organisation=lab,
        title="锂电池热失控多参数早期预警系统",
        summary="融合电芯温升、产气与内阻的多参数模型，提前预警锂电池热失控。",
        keywords=["锂电池", "热失控", "早期预警", "储能"],
        description="<p>面向储能电站与动力电池包，提前十分钟预警热失控。</p>",
        field=field("0603"),
        maturity=7,
        price_wan=Decimal("80"),
    )
    water = OutcomeFactory(
        published=True,
        organisation=plant,
        title="电化学法重金属废水深度处理技术",
        summary="电化学还原与吸附耦合，电镀废水镍、铬深度去除，出水稳定达标。",
        keywords=["重金属", "电镀废水", "电化学"],
        description="<p>适用于电镀园区废水的重金属深度处理。</p>",
        field=field("0701"),
    )
    herb = OutcomeFactory(
        published=True,
        organisation=farm,
        title="铁皮石斛组培快繁技术",
        summary="铁皮石斛组织培养与快速繁殖，移栽成活率高。",
        keywords=["石斛", "组培", "快繁"],
        description="<p>药用植物石斛的组培快繁体系。</p>",
        field=field("0202"),
    )
    own = OutcomeFactory(
        published=True,
        organisation=firm,
        title="锂电池热失控抑制材料",
        summary="抑制锂电池热失控蔓延的阻燃材料，用于储能电池包。",
        keywords=["锂电池", "热失控", "储能"],
        description="<p>储能电池包热失控蔓延抑制。</p>",
        field=field("0603"),
    )
    listings = [battery_need, water_need, battery, water, herb, own]
    index_now(*listings)
    train_model(dimensions=4)
    return {
        "battery_need": battery_need,
        "water_need": water_need,
        "battery": battery,
        "water": water,
        "herb": herb,
        "own": own,
    }


def proposed_for(demand) -> list[int]:
    return list(
        Proposal.objects.filter(demand=demand, rank_for_demand__isnull=False)
        .current()
        .order_by("rank_for_demand")
        .values_list("outcome_id", flat=True)
    )


def test_a_demand_gets_the_fitting_outcome_first_and_never_its_own(catalogue):
    refresh_item(catalogue["battery_need"].pk)
    refresh_item(catalogue["water_need"].pk)
    battery_list = proposed_for(catalogue["battery_need"])
    assert battery_list[0] == catalogue["battery"].pk
    assert catalogue["own"].pk not in battery_list  # the firm's own outcome
    assert proposed_for(catalogue["water_need"])[0] == catalogue["water"].pk


def test_a_proposal_explains_its_score(catalogue):
    refresh_item(catalogue["battery_need"].pk)
    proposal = Proposal.objects.get(
        demand=catalogue["battery_need"], outcome=catalogue["battery"]
    )
    assert {"锂电池", "热失控"} <= set(proposal.shared_terms)
    reasons = {r["component"]: r for r in proposal.reasons}
    assert reasons["field"]["code"] == "field_same"
    assert reasons["maturity"]["code"] == "maturity_meets"
    assert reasons["price"]["code"] == "price_within_budget"
    assert proposal.components["lexical"] > 0 and proposal.components["semantic"] > 0
    assert 0 < proposal.score <= 1
    assert proposal.model_version == EmbeddingModel.objects.get(is_active=True).version


def test_an_outcome_gets_demands_too(catalogue):
    refresh_item(catalogue["battery"].pk)
    first = (
        Proposal.objects.filter(outcome=catalogue["battery"])
        .order_by("rank_for_outcome")
        .first()
    )
    assert first.demand_id == catalogue["battery_need"].pk
    # The same pair computed from both sides is one row with both ranks.
    refresh_item(catalogue["battery_need"].pk)
    pair = Proposal.objects.get(
        demand=catalogue["battery_need"], outcome=catalogue["battery"]
    )
    assert (pair.rank_for_demand, pair.rank_for_outcome) == (1, 1)


def test_refreshing_again_duplicates_nothing_and_keeps_decisions(catalogue):
    need = catalogue["battery_need"]
    refresh_item(need.pk)
    count = Proposal.objects.count()
    Proposal.objects.filter(demand=need, outcome=catalogue["battery"]).update(
        state=ProposalState.REJECTED
    )
    refresh_item(need.pk)
    refresh_item(need.pk)
    assert Proposal.objects.count() == count
    assert (
        Proposal.objects.get(demand=need, outcome=catalogue["battery"]).state
        == ProposalState.REJECTED
    )


def test_an_unpublished_listing_has_its_undecided_proposals_retired(catalogue):
    need = catalogue["battery_need"]
    refresh_item(need.pk)
    assert Proposal.objects.filter(demand=need).current().exists()
    need.status = ListingStatus.ARCHIVED
    need.save()
    refresh_item(need.pk)
    assert not Proposal.objects.filter(demand=need).current().exists()
    assert Proposal.objects.filter(demand=need, state=ProposalState.RETIRED).exists()


def test_a_demand_past_its_deadline_gets_no_proposal(catalogue):
    need = catalogue["battery_need"]
    need.deadline = timezone.localdate() - dt.timedelta(days=1)
    need.save()
    refresh_item(need.pk)
    assert proposed_for(need) == []


def test_retraining_swaps_the_model_and_old_proposals_stay_readable(catalogue):
    need = catalogue["battery_need"]
    refresh_item(need.pk)
    old = EmbeddingModel.objects.get(is_active=True)
    before = Proposal.objects.get(demand=need, outcome=catalogue["battery"])
    new = train_model(dimensions=3)
    assert new.version != old.version
    assert list(EmbeddingModel.objects.filter(is_active=True)) == [new]
    assert not EmbeddingModel.objects.filter(pk=old.pk).exists()
    assert not ItemVector.objects.filter(model_id=old.pk).exists()
    # Written with the old model, still there until recomputed.
    still = Proposal.objects.get(pk=before.pk)
    assert still.model_version == old.version
    refresh_item(need.pk)
    assert Proposal.objects.get(pk=before.pk).model_version == new.version
    assert proposed_for(need)[0] == catalogue["battery"].pk


def test_training_twice_on_the_same_catalogue_reuses_the_model(catalogue):
    first = EmbeddingModel.objects.get(is_active=True)
    again = train_model(dimensions=4)
    assert again.pk == first.pk
    assert EmbeddingModel.objects.count() == 1


def test_the_explanation_reads_in_the_visitors_language(catalogue):
    from django.utils import translation

    from matching.explain import sentences

    refresh_item(catalogue["battery_need"].pk)
    proposal = Proposal.objects.get(
        demand=catalogue["battery_need"], outcome=catalogue["battery"]
    )
    with translation.override("zh-hans"):
        chinese = sentences(proposal.reasons, proposal.shared_terms)
    with translation.override("en"):
        english = sentences(proposal.reasons, proposal.shared_terms)
    assert chinese[0].startswith("共同关键词：") and "锂电池" in chinese[0]
    assert "同一技术领域：新型高效能量转换与储存技术" in chinese
    assert any(s.startswith("成熟度相符：成果处于 TRL 7") for s in chinese)
    assert "价格在预算内：80 万元起，预算上限 150 万元" in chinese
    assert any(s.startswith("Same technology field: ") for s in english)
    assert any("budget up to 150" in s for s in english)


def test_demands_the_matcher_serves_badly_go_to_the_agents_list(catalogue, index_now):
    from matching.models import GapReason, MatchGap

    vague = DemandFactory(
        published=True,
        title="寻求合作",
        summary="",
        keywords=[],
        problem="",
        objectives=[],
    )
    offside = DemandFactory(
        published=True,
        title="深海热液矿床勘探取样装置",
        summary="深海热液硫化物矿床勘探取样，耐高压耐腐蚀。",
        keywords=["深海", "热液", "取样"],
        problem="<p>深海热液口取样器密封失效。</p>",
        objectives=[],
    )
    index_now(vague, offside)
    for need in (vague, offside, catalogue["battery_need"]):
        refresh_item(need.pk)
    gaps = dict(MatchGap.objects.values_list("demand_id", "reason"))
    assert gaps[vague.pk] == GapReason.VAGUE_TEXT
    assert gaps[offside.pk] in (GapReason.WEAK_CANDIDATES, GapReason.NO_CANDIDATES)
    assert catalogue["battery_need"].pk not in gaps

    # Once the demand says more (and matches), it leaves the list.
    vague.title = "锂电池热失控早期预警"
    vague.keywords = ["锂电池", "热失控", "预警", "储能"]
    vague.save()
    index_now(vague)
    refresh_item(vague.pk)
    assert not MatchGap.objects.filter(demand=vague).exists()
