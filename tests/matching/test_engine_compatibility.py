"""The matcher's structured compatibility: each component, the total, eligibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from matching.engine.compatibility import (
    compatibility,
    deadline_fit,
    field_fit,
    ineligible,
    maturity_fit,
    modes_fit,
    price_fit,
    region_fit,
)
from matching.engine.items import MatchItem, MoneyRange, Side

TODAY = dt.date(2026, 12, 5)


def demand(**kwargs) -> MatchItem:
    return MatchItem(
        id=kwargs.pop("id", 1),
        side=Side.DEMAND,
        organisation_id=kwargs.pop("org", 10),
        **kwargs,
    )


def outcome(**kwargs) -> MatchItem:
    return MatchItem(
        id=kwargs.pop("id", 2),
        side=Side.OUTCOME,
        organisation_id=kwargs.pop("org", 20),
        **kwargs,
    )


def money(low=None, high=None, negotiable=False) -> MoneyRange:
    return MoneyRange(
        None if low is None else Decimal(low),
        None if high is None else Decimal(high),
        negotiable,
    )


@pytest.mark.parametrize(
    ("a", "b", "score", "code"),
    [
        ("0601", "0601", 1.0, "field_same"),
        ("0601", "0603", 0.7, "field_same_parent"),
        ("06", "0603", 0.7, "field_same_parent"),
        ("0601", "0702", 0.4, "field_related"),  # 新能源与节能 · 资源与环境
        ("0201", "0601", 0.0, "field_different"),
        (None, "0601", None, "field_unknown"),
    ],
)
def test_field_fit_prefers_the_same_sub_field_then_field_then_related(
    a, b, score, code
):
    fit = field_fit(demand(field_code=a), outcome(field_code=b))
    assert (fit.score, fit.reason.code) == (score, code)


@pytest.mark.parametrize(
    ("expected", "offered", "score", "code"),
    [
        (6, 9, 1.0, "maturity_meets"),
        (6, 6, 1.0, "maturity_meets"),
        (6, 5, 0.6, "maturity_gap"),
        (6, 4, 0.3, "maturity_gap"),
        (9, 3, 0.0, "maturity_gap"),
        (None, 5, None, "maturity_unknown"),
        (6, 12, None, "maturity_unknown"),  # not a readiness level
    ],
)
def test_maturity_fit_penalises_outcomes_below_the_expected_stage(
    expected, offered, score, code
):
    fit = maturity_fit(demand(maturity=expected), outcome(maturity=offered))
    assert (fit.score, fit.reason.code) == (score, code)


def test_maturity_reason_names_both_stages():
    fit = maturity_fit(demand(maturity=7), outcome(maturity=4))
    assert fit.reason.params == {
        "expected": 7,
        "offered": 4,
        "expected_stage": "trial",
        "offered_stage": "bench",
        "gap": 3,
    }


@pytest.mark.parametrize(
    ("budget", "price", "score", "code"),
    [
        (money("50", "100"), money("80"), 1.0, "price_within_budget"),
        (money("50", "100"), money("10", "60"), 1.0, "price_within_budget"),
        (money("50", "100"), money("140"), 0.5, "price_near_budget"),
        (money("50", "100"), money("400"), 0.0, "price_over_budget"),
        (money(negotiable=True), money("400"), None, "price_negotiable"),
        (money("50", "100"), money(negotiable=True), None, "price_negotiable"),
        (money(), money("400"), None, "price_unknown"),
        (money("0", "0"), money("400"), None, "price_unknown"),  # an absurd budget
    ],
)
def test_price_fit_compares_price_with_budget_and_is_neutral_on_negotiable(
    budget, price, score, code
):
    fit = price_fit(demand(money=budget), outcome(money=price))
    assert (fit.score, fit.reason.code) == (score, code)


def test_modes_fit_is_the_share_of_wanted_modes_offered():
    wanted = frozenset({"transfer", "licence", "joint"})
    assert modes_fit(
        demand(modes=wanted), outcome(modes=frozenset({"transfer", "licence"}))
    ).score == pytest.approx(2 / 3)
    one = modes_fit(demand(modes=wanted), outcome(modes=frozenset({"joint"})))
    assert (one.score, one.reason.params["modes"]) == (0.5, "joint")
    assert (
        modes_fit(demand(modes=wanted), outcome(modes=frozenset({"equity"}))).score
        == 0.0
    )
    assert modes_fit(demand(), outcome(modes=wanted)).score is None


@pytest.mark.parametrize(
    ("a", "b", "code"),
    [
        ("330106", "330108", "region_same_city"),  # 杭州 · 杭州
        ("330106", "330205", "region_same_province"),  # 杭州 · 宁波
        (
            "330000",
            "330100",
            "region_same_province",
        ),  # a province-level code names no city
        ("330106", "320102", "region_neighbouring"),  # 浙江 · 江苏
        ("460100", "440300", "region_neighbouring"),  # 海南 · 广东, across the strait
        ("330106", "650102", "region_elsewhere"),  # 浙江 · 新疆
        (None, "330106", "region_unknown"),
    ],
)
def test_region_fit_knows_cities_provinces_and_neighbours(a, b, code):
    assert region_fit(demand(region_code=a), outcome(region_code=b)).reason.code == code


def test_region_scores_fall_with_distance():
    scores = [
        region_fit(demand(region_code="330106"), outcome(region_code=b)).score
        for b in ("330108", "330205", "320102", "650102")
    ]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4


def test_deadline_fit_open_closing_soon_and_passed():
    assert deadline_fit(demand(), TODAY).reason.code == "deadline_open"
    soon = deadline_fit(demand(deadline=TODAY + dt.timedelta(days=5)), TODAY)
    assert (soon.reason.code, soon.reason.params["days"]) == (
        "deadline_closing_soon",
        5,
    )
    assert (
        deadline_fit(demand(deadline=TODAY - dt.timedelta(days=1)), TODAY).score == 0.0
    )


def test_compatibility_total_ranks_a_fitting_outcome_above_a_mismatched_one():
    need = demand(
        field_code="0601",
        maturity=6,
        money=money("50", "100"),
        modes=frozenset({"transfer"}),
        region_code="330106",
    )
    fitting = outcome(
        field_code="0601",
        maturity=7,
        money=money("80"),
        modes=frozenset({"transfer"}),
        region_code="330205",
    )
    mismatched = outcome(
        field_code="0201",
        maturity=2,
        money=money("900"),
        modes=frozenset({"equity"}),
        region_code="650102",
    )
    good, bad = (
        compatibility(need, fitting, TODAY),
        compatibility(need, mismatched, TODAY),
    )
    assert good.score > 0.9 and bad.score < 0.2
    assert [f.component for f in good.fits] == [
        "field",
        "maturity",
        "price",
        "modes",
        "region",
        "deadline",
    ]


def test_compatibility_counts_what_an_item_leaves_blank_as_neutral():
    blank = compatibility(demand(), outcome(), TODAY)
    assert all(fit.score is None for fit in blank.fits if fit.component != "deadline")
    # Open deadline (1.0, weight 1) with five neutral components: above 0.5, below 0.6.
    assert 0.5 < blank.score < 0.6


def test_compatibility_refuses_the_sides_swapped():
    with pytest.raises(ValueError):
        compatibility(outcome(), demand(), TODAY)


def test_ineligible_never_pairs_an_organisation_with_itself_or_a_closed_demand():
    assert ineligible(demand(org=5), outcome(org=5), TODAY) == "same_organisation"
    past = demand(deadline=TODAY - dt.timedelta(days=1))
    assert ineligible(past, outcome(), TODAY) == "deadline_passed"
    assert ineligible(demand(org=None), outcome(org=None), TODAY) is None
    assert ineligible(demand(), outcome(), TODAY) is None
