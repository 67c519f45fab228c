"""Bad input never crashes the matcher and gets sensible proposals, or none:
almost no text, English only, duplicate postings, absurd amounts, TRL mismatches."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from market.models import Demand, Listing, Outcome, TechField
from matching.explain import sentences
from matching.models import GapReason, MatchGap, Proposal
from matching.selectors import related_listings
from matching.services.proposals import refresh_item
from matching.services.training import train_model
from tests.factories import DemandFactory, OrganisationFactory, OutcomeFactory

pytestmark = pytest.mark.django_db


def field(code: str) -> TechField:
    return TechField.objects.get(code=code)


BATTERY = {
    "title": "锂电池热失控多参数早期预警系统",
    "summary": "融合电芯温升、产气与内阻的多参数模型，提前预警锂电池热失控。",
    "keywords": ["锂电池", "热失控", "早期预警", "储能"],
    "description": "<p>面向储能电站与动力电池包，提前十分钟预警热失控。</p>",
}
NEED = {
    "title": "动力锂电池热失控早期预警技术需求",
    "summary": "储能电站锂电池包需要热失控早期预警，提前发现电芯温升与产气。",
    "keywords": ["锂电池", "热失控", "预警", "储能"],
    "problem": "<p>现有电池管理系统无法提前预警热失控，电芯温升与产气检测滞后。</p>",
}


@pytest.fixture
def battery(backend, index_now):
    """A fitting battery outcome and an off-topic one, indexed, model trained."""
    outcome = OutcomeFactory(
        published=True,
        field=field("0603"),
        maturity=7,
        price_wan=Decimal("80"),
        **BATTERY,
    )
    herb = OutcomeFactory(
        published=True,
        title="铁皮石斛组培快繁技术",
        summary="铁皮石斛组织培养与快速繁殖，移栽成活率高。",
        keywords=["石斛", "组培", "快繁"],
        description="<p>药用植物石斛的组培快繁体系。</p>",
        field=field("0202"),
    )
    index_now(outcome, herb)
    return outcome


def proposals_of(listing: Listing) -> list[Proposal]:
    side = "demand" if listing.kind == "demand" else "outcome"
    rank = f"rank_for_{side}"
    return list(
        Proposal.objects.filter(**{side: listing, f"{rank}__isnull": False})
        .current()
        .order_by(rank)
    )


def explain(proposal: Proposal, language: str = "zh-hans") -> list[str]:
    with translation.override(language):
        return sentences(proposal.reasons, proposal.shared_terms)


def test_bad_input_a_demand_with_almost_no_text_goes_to_an_agent(battery, index_now):
    vague = DemandFactory(
        published=True, title="求", summary="", keywords=[], problem="", objectives=[]
    )
    index_now(vague)
    train_model(dimensions=3)

    refresh_item(vague.pk)

    assert MatchGap.objects.get(demand=vague).reason == GapReason.VAGUE_TEXT
    assert related_listings(Demand.objects.get(pk=vague.pk)) == []


def test_bad_input_an_outcome_with_almost_no_text_matches_without_crashing(
    battery, index_now
):
    need = DemandFactory(published=True, field=field("0603"), **NEED)
    tiny = OutcomeFactory(
        published=True, title="X", summary="", keywords=[], description=""
    )
    index_now(need, tiny)
    train_model(dimensions=3)

    refresh_item(tiny.pk)
    refresh_item(need.pk)

    assert proposals_of(need)[0].outcome_id == battery.pk
    assert tiny.pk not in [p.outcome_id for p in proposals_of(need)[:1]]


def test_bad_input_english_only_texts_are_matched_on_their_words(backend, index_now):
    need = DemandFactory(
        published=True,
        title="Thermal runaway early warning for lithium battery packs",
        summary="Energy storage stations need early warning of lithium battery "
        "thermal runaway from cell temperature and gas.",
        keywords=["lithium battery", "thermal runaway", "early warning"],
        problem="<p>Battery management systems detect thermal runaway too late.</p>",
        objectives=[],
        field=field("0603"),
    )
    fitting = OutcomeFactory(
        published=True,
        title="Multi-parameter early warning of lithium battery thermal runaway",
        summary="Cell temperature, gas and resistance give early warning of thermal "
        "runaway in lithium battery packs.",
        keywords=["lithium battery", "thermal runaway"],
        description="<p>For energy storage stations.</p>",
        field=field("0603"),
    )
    other = OutcomeFactory(
        published=True,
        title="Tissue culture of Dendrobium orchids",
        summary="Rapid propagation of medicinal orchids by tissue culture.",
        keywords=["tissue culture", "orchid"],
        description="<p>High survival after transplanting.</p>",
        field=field("0202"),
    )
    index_now(need, fitting, other)
    train_model(dimensions=3)

    refresh_item(need.pk)

    found = proposals_of(need)
    assert found and found[0].outcome_id == fitting.pk
    terms = {t.lower() for t in found[0].shared_terms}
    assert {"thermal", "runaway"} & terms
    assert explain(found[0], "en")  # readable reasons, in English too


def test_bad_input_duplicate_postings_are_one_proposal_each_and_shown_once(
    battery, index_now
):
    lab = battery.organisation
    copy = OutcomeFactory(
        published=True,
        organisation=lab,
        field=field("0603"),
        maturity=7,
        price_wan=Decimal("80"),
        **BATTERY,
    )
    need = DemandFactory(published=True, field=field("0603"), **NEED)
    twin = DemandFactory(
        published=True, organisation=need.organisation, field=field("0603"), **NEED
    )
    index_now(copy, need, twin)
    train_model(dimensions=3)

    for listing in (need, twin, need, battery, copy):
        refresh_item(listing.pk)

    pairs = list(Proposal.objects.values_list("demand_id", "outcome_id"))
    assert len(pairs) == len(set(pairs))
    top_two = {p.outcome_id for p in proposals_of(need)[:2]}
    assert top_two == {battery.pk, copy.pk}
    # The visitor sees the posting once, not twice.
    titles = [o.title for o in related_listings(Demand.objects.get(pk=need.pk))]
    assert titles.count(BATTERY["title"]) == 1
    related_of_outcome = related_listings(Outcome.objects.get(pk=battery.pk))
    assert [o.title for o in related_of_outcome].count(NEED["title"]) == 1


@pytest.mark.parametrize(
    ("low", "high"),
    [
        (Decimal("0"), Decimal("0")),
        (Decimal("-50"), Decimal("-10")),  # an import's sign error
        (Decimal("9999999999.99"), Decimal("9999999999.99")),  # the field's maximum
    ],
    ids=["zero", "negative", "absurd"],
)
def test_bad_input_an_absurd_budget_says_nothing_about_price(
    battery, index_now, low, high
):
    need = DemandFactory(published=True, field=field("0603"), **NEED)
    # Written past validation, as a raw import or an old row could be.
    Demand.objects.filter(pk=need.pk).update(budget_min_wan=low, budget_max_wan=high)
    index_now(need)
    train_model(dimensions=3)

    refresh_item(need.pk)

    first = proposals_of(need)[0]
    assert first.outcome_id == battery.pk
    price = next(r for r in first.reasons if r["component"] == "price")
    assert price["code"] == "price_unknown"
    assert not any("预算" in s for s in explain(first))


def test_bad_input_absurd_and_negative_prices_are_explained_plainly(battery, index_now):
    need = DemandFactory(
        published=True,
        field=field("0603"),
        budget_min_wan=Decimal("50"),
        budget_max_wan=Decimal("150"),
        **NEED,
    )
    Outcome.objects.filter(pk=battery.pk).update(price_wan=Decimal("1000000"))
    negative, absurd = (
        OutcomeFactory(
            published=True, field=field("0603"), maturity=7, **{**BATTERY, "title": t}
        )
        for t in ("负价的锂电池热失控预警", "天价的锂电池热失控预警")
    )
    Outcome.objects.filter(pk=negative.pk).update(price_wan=Decimal("-5"))
    Outcome.objects.filter(pk=absurd.pk).update(price_wan=Decimal("9999999999.99"))
    index_now(need, battery, negative, absurd)
    train_model(dimensions=3)

    refresh_item(need.pk)

    by_outcome = {p.outcome_id: p for p in proposals_of(need)}
    over = explain(by_outcome[battery.pk])
    # Written out in full, never "1e+06".
    assert "价格超出预算：1000000 万元起，预算上限 150 万元" in over
    for outcome in (negative, absurd):
        price = next(
            r for r in by_outcome[outcome.pk].reasons if r["component"] == "price"
        )
        assert price["code"] == "price_unknown"


def test_bad_input_a_trl_mismatch_is_explained_and_ranked_below_a_fit(
    backend, index_now
):
    need = DemandFactory(
        published=True, field=field("0603"), expected_maturity=9, **NEED
    )
    lab, other_lab = OrganisationFactory(), OrganisationFactory()
    early = OutcomeFactory(
        published=True,
        organisation=lab,
        field=field("0603"),
        maturity=2,
        **{**BATTERY, "title": "锂电池热失控早期预警原理验证"},
    )
    ready = OutcomeFactory(
        published=True,
        organisation=other_lab,
        field=field("0603"),
        maturity=9,
        **{**BATTERY, "title": "锂电池热失控早期预警量产系统"},
    )
    index_now(need, early, ready)
    train_model(dimensions=3)

    refresh_item(need.pk)

    found = proposals_of(need)
    assert [p.outcome_id for p in found[:2]] == [ready.pk, early.pk]
    gap = next(r for r in found[1].reasons if r["component"] == "maturity")
    assert gap["code"] == "maturity_gap"
    assert any(s.startswith("成熟度有差距：成果处于 TRL 2") for s in explain(found[1]))


def test_bad_input_an_out_of_range_trl_is_unknown_not_a_crash(battery, index_now):
    need = DemandFactory(published=True, field=field("0603"), **NEED)
    Demand.objects.filter(pk=need.pk).update(expected_maturity=12)
    Outcome.objects.filter(pk=battery.pk).update(maturity=0)
    index_now(need, battery)
    train_model(dimensions=3)

    refresh_item(need.pk)

    first = proposals_of(need)[0]
    maturity = next(r for r in first.reasons if r["component"] == "maturity")
    assert maturity["code"] == "maturity_unknown"
    assert explain(first)


def test_bad_input_explaining_damaged_stored_reasons_does_not_crash():
    broken = [
        {"code": "price_within_budget", "params": {}},
        {"code": "maturity_gap"},
        "not a reason",
        {"code": "no_such_code", "params": {"x": 1}},
    ]

    with translation.override("zh-hans"):
        said = sentences(broken, ["锂电池"])

    assert said[0] == "共同关键词：锂电池"
