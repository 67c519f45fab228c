"""How expert scores are combined: the weighted total of a sheet, and per application
the (trimmed) mean of its sheets with a warning when the experts diverge.

The rule (also in the README, "Expert review"):

- a sheet's total is Σ score × weight / 100, each score 0–100 and the weights adding
  up to 100, so the total is on the 0–100 scale too;
- an application's result is the mean of its sheets' totals; with ``TRIM_FROM`` (5)
  sheets or more, the single highest and the single lowest total are dropped first;
- the experts diverge when the totals' population standard deviation (over all
  sheets, none dropped) is above ``DIVERGENCE_STDEV`` (12 points) — a split panel —
  or the highest and lowest total are ``DIVERGENCE_RANGE`` (30 points) or more
  apart — one expert far from the rest; the ranking then shows a warning (the
  totals are still combined as above; the panel should talk before it closes).

Pure Python over decimals: no database here.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TRIM_FROM = 5
DIVERGENCE_STDEV = Decimal("12")
DIVERGENCE_RANGE = Decimal("30")
_CENT = Decimal("0.01")


def weighted_total(
    scores: Mapping[int, Decimal], weights: Mapping[int, int]
) -> Decimal:
    """Σ score × weight / 100 over the criteria in ``weights``, to two decimals."""
    total = sum(
        (scores[criterion] * weight for criterion, weight in weights.items()),
        Decimal(0),
    )
    return (total / 100).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Aggregate:
    """The combined result of one application's sheets."""

    totals: tuple[Decimal, ...]
    result: Decimal | None
    trimmed: bool
    stdev: Decimal | None
    spread: Decimal | None
    divergent: bool

    @property
    def count(self) -> int:
        return len(self.totals)


def aggregate(totals: Iterable[Decimal]) -> Aggregate:
    """Combine sheet totals by the rule in this module's docstring."""
    values = tuple(sorted(totals))
    if not values:
        return Aggregate((), None, False, None, None, False)
    trimmed = len(values) >= TRIM_FROM
    kept: Sequence[Decimal] = values[1:-1] if trimmed else values
    result = (sum(kept, Decimal(0)) / len(kept)).quantize(_CENT, rounding=ROUND_HALF_UP)
    stdev = Decimal(str(statistics.pstdev(values))).quantize(
        _CENT, rounding=ROUND_HALF_UP
    )
    spread = values[-1] - values[0]
    divergent = stdev > DIVERGENCE_STDEV or spread >= DIVERGENCE_RANGE
    return Aggregate(values, result, trimmed, stdev, spread, divergent)
