"""Structured compatibility of a demand and an outcome, component by component.

Each component answers with a score in [0, 1], or ``None`` when one side does not say
(no field, 面议, no region...), and a :class:`Reason` the explanation is written from.
Unknown components count as neutral (0.5) in the total, so that an item that leaves a
field blank is neither rewarded nor ruled out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Final

from matching.engine.items import MatchItem, MoneyRange, Side
from matching.engine.tables import fields_related, provinces_neighbour

NEUTRAL: Final = 0.5
CLOSING_SOON_DAYS: Final = 14
# A price this many times the budget's top is still "near" (negotiation room).
NEAR_BUDGET_RATIO: Final = Decimal("1.5")
# Above this many 10k CNY (100 billion CNY) a price or budget is a data error.
ABSURD_AMOUNT: Final = Decimal("10000000")
# Readiness levels of GB/T 22900 and their stages (实验室 1–3 · 小试 4–5 · 中试 6 ·
# 试生产 7–8 · 量产 9), as market.models.listing.STAGE_LEVELS has them.
STAGES: Final = {1: "lab", 2: "lab", 3: "lab", 4: "bench", 5: "bench", 6: "pilot"} | {
    7: "trial",
    8: "trial",
    9: "mass",
}
# Score of an outcome `gap` levels below the maturity a demand expects.
MATURITY_GAP_SCORES: Final = {0: 1.0, 1: 0.6, 2: 0.3}

Param = str | int | float
# The components in the order ``compatibility`` lists them.
COMPONENTS: Final = ("field", "maturity", "price", "modes", "region", "deadline")
# Each component is a pure function of a few values that repeat across the catalogue
# (52 field codes, 16 regions, 41 sets of modes in a benchmark of 1,500 listings): a
# full refresh asks the same questions hundreds of thousands of times, so the answers
# are kept. A ``Fit`` is shared between the pairs it answers for: never change one.
MEMO: Final = 65_536


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a component scored as it did: a code and the values to explain it with."""

    code: str
    params: dict[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Fit:
    """One component's verdict."""

    component: str
    score: float | None
    reason: Reason

    @property
    def counted(self) -> float:
        """The score as the total counts it (unknown is neutral)."""
        return NEUTRAL if self.score is None else self.score


@dataclass(frozen=True, slots=True)
class CompatibilityWeights:
    """How much each component counts in the compatibility total (settings)."""

    field: float = 3.0
    maturity: float = 2.0
    price: float = 1.5
    modes: float = 1.0
    region: float = 0.5
    deadline: float = 1.0

    def of(self, component: str) -> float:
        """The weight of a component by name."""
        return float(getattr(self, component))


@dataclass(frozen=True, slots=True)
class Compatibility:
    """Every component's fit and their weighted total in [0, 1]."""

    fits: tuple[Fit, ...]
    score: float

    def fit(self, component: str) -> Fit:
        """The fit of one component."""
        return next(f for f in self.fits if f.component == component)


def field_fit(demand: MatchItem, outcome: MatchItem) -> Fit:
    """Same (sub-)field 1, same top-level field 0.7, related fields 0.4, else 0."""
    return _field_fit(demand.field_code, outcome.field_code)


@lru_cache(maxsize=MEMO)
def _field_fit(a: str | None, b: str | None) -> Fit:
    if not a or not b:
        return Fit("field", None, Reason("field_unknown"))
    params: dict[str, Param] = {"demand_field": a, "outcome_field": b}
    if a == b:
        return Fit("field", 1.0, Reason("field_same", params))
    if a[:2] == b[:2]:
        return Fit("field", 0.7, Reason("field_same_parent", params))
    if fields_related(a[:2], b[:2]):
        return Fit("field", 0.4, Reason("field_related", params))
    return Fit("field", 0.0, Reason("field_different", params))


def maturity_fit(demand: MatchItem, outcome: MatchItem) -> Fit:
    """Full marks when the outcome is at least as mature as the demand expects."""
    return _maturity_fit(demand.maturity, outcome.maturity)


@lru_cache(maxsize=MEMO)
def _maturity_fit(expected: int | None, offered: int | None) -> Fit:
    if expected not in STAGES or offered not in STAGES:
        return Fit("maturity", None, Reason("maturity_unknown"))
    assert expected is not None and offered is not None
    params: dict[str, Param] = {
        "expected": expected,
        "offered": offered,
        "expected_stage": STAGES[expected],
        "offered_stage": STAGES[offered],
    }
    gap = expected - offered
    if gap <= 0:
        return Fit("maturity", 1.0, Reason("maturity_meets", params))
    score = MATURITY_GAP_SCORES.get(gap, 0.0)
    return Fit("maturity", score, Reason("maturity_gap", params | {"gap": gap}))


def price_fit(demand: MatchItem, outcome: MatchItem) -> Fit:
    """Price within budget 1, within 1.5× the budget's top 0.5, beyond it 0; 面议 neutral."""
    return _price_fit(demand.money, outcome.money)


@lru_cache(maxsize=MEMO)
def _price_fit(budget: MoneyRange, price: MoneyRange) -> Fit:
    if budget.negotiable or price.negotiable:
        return Fit("price", None, Reason("price_negotiable"))
    if not budget.known or not price.known:
        return Fit("price", None, Reason("price_unknown"))
    budget_low, budget_high = budget.bounds
    price_low, price_high = price.bounds
    # An absurd amount says nothing: no budget (0 or less), a negative price (an
    # import's sign error) or more than anyone lists (a unit error: 元 for 万元).
    if (
        budget_high <= 0
        or price_low < 0
        or max(budget_high, price_high) > ABSURD_AMOUNT
    ):
        return Fit("price", None, Reason("price_unknown"))
    params: dict[str, Param] = {
        "budget_low": float(budget_low),
        "budget_high": float(budget_high),
        "price_low": float(price_low),
        "price_high": float(price_high),
    }
    if price_low <= budget_high:
        return Fit("price", 1.0, Reason("price_within_budget", params))
    if price_low <= budget_high * NEAR_BUDGET_RATIO:
        return Fit("price", 0.5, Reason("price_near_budget", params))
    return Fit("price", 0.0, Reason("price_over_budget", params))


def modes_fit(demand: MatchItem, outcome: MatchItem) -> Fit:
    """Share of the demand's cooperation modes the outcome offers (at least 0.5 if any)."""
    return _modes_fit(demand.modes, outcome.modes)


@lru_cache(maxsize=MEMO)
def _modes_fit(wanted: frozenset[str], offered: frozenset[str]) -> Fit:
    if not wanted or not offered:
        return Fit("modes", None, Reason("modes_unknown"))
    common = sorted(wanted & offered)
    if not common:
        return Fit("modes", 0.0, Reason("modes_none_in_common"))
    score = max(0.5, len(common) / len(wanted))
    return Fit("modes", score, Reason("modes_in_common", {"modes": ",".join(common)}))


def region_fit(demand: MatchItem, outcome: MatchItem) -> Fit:
    """Same city 1, same province 0.8, neighbouring provinces 0.6, elsewhere 0.3.

    Technology crosses the country easily, so distance counts little (see the weights).
    """
    return _region_fit(demand.region_code, outcome.region_code)


@lru_cache(maxsize=MEMO)
def _region_fit(a: str | None, b: str | None) -> Fit:
    if not a or not b or len(a) < 2 or len(b) < 2:
        return Fit("region", None, Reason("region_unknown"))
    params: dict[str, Param] = {"demand_region": a, "outcome_region": b}
    # A city is named by four digits; a province-level code ("330000") names none.
    if a[2:4] != "00" and a[:4] == b[:4]:
        return Fit("region", 1.0, Reason("region_same_city", params))
    if a[:2] == b[:2]:
        return Fit("region", 0.8, Reason("region_same_province", params))
    if provinces_neighbour(a[:2], b[:2]):
        return Fit("region", 0.6, Reason("region_neighbouring", params))
    return Fit("region", 0.3, Reason("region_elsewhere", params))


def deadline_fit(demand: MatchItem, today: dt.date) -> Fit:
    """An open demand 1, closing within two weeks 0.8, past its deadline 0."""
    return _deadline_fit(demand.deadline, today)


@lru_cache(maxsize=MEMO)
def _deadline_fit(deadline: dt.date | None, today: dt.date) -> Fit:
    if deadline is None:
        return Fit("deadline", 1.0, Reason("deadline_open"))
    days = (deadline - today).days
    params: dict[str, Param] = {"deadline": deadline.isoformat(), "days": days}
    if days < 0:
        return Fit("deadline", 0.0, Reason("deadline_passed", params))
    if days <= CLOSING_SOON_DAYS:
        return Fit("deadline", 0.8, Reason("deadline_closing_soon", params))
    return Fit("deadline", 1.0, Reason("deadline_open", params))


def compatibility(
    demand: MatchItem,
    outcome: MatchItem,
    today: dt.date,
    weights: CompatibilityWeights | None = None,
) -> Compatibility:
    """All components of a demand ↔ outcome pair and their weighted total."""
    if demand.side is not Side.DEMAND or outcome.side is not Side.OUTCOME:
        raise ValueError("compatibility() takes a demand, then an outcome")
    weights = weights or CompatibilityWeights()
    fits = (
        _field_fit(demand.field_code, outcome.field_code),
        _maturity_fit(demand.maturity, outcome.maturity),
        _price_fit(demand.money, outcome.money),
        _modes_fit(demand.modes, outcome.modes),
        _region_fit(demand.region_code, outcome.region_code),
        _deadline_fit(demand.deadline, today),
    )
    (w0, w1, w2, w3, w4, w5), total_weight = _weights_in_order(weights)
    # Unrolled (a full refresh scores hundreds of thousands of pairs); the sums are
    # added in the fits' order, as ``sum`` would.
    score = (
        (
            w0 * fits[0].counted
            + w1 * fits[1].counted
            + w2 * fits[2].counted
            + w3 * fits[3].counted
            + w4 * fits[4].counted
            + w5 * fits[5].counted
        )
        / total_weight
        if total_weight
        else NEUTRAL
    )
    return Compatibility(fits=fits, score=score)


@lru_cache(maxsize=64)
def _weights_in_order(
    weights: CompatibilityWeights,
) -> tuple[tuple[float, ...], float]:
    """The weights in the order ``compatibility`` lists its fits, and their sum."""
    ordered = tuple(weights.of(name) for name in COMPONENTS)
    return ordered, sum(ordered)


def ineligible(demand: MatchItem, outcome: MatchItem, today: dt.date) -> str | None:
    """Why this pair must never be proposed, or None.

    Never to one's own organisation; never for a demand past its deadline.
    """
    if (
        demand.organisation_id is not None
        and demand.organisation_id == outcome.organisation_id
    ):
        return "same_organisation"
    if demand.deadline is not None and demand.deadline < today:
        return "deadline_passed"
    return None
