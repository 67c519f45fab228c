"""What the engine knows of a listing: a frozen snapshot, no database row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


class Side(StrEnum):
    """Which side of the market an item is on."""

    OUTCOME = "outcome"  # supply: a research outcome (科技成果)
    DEMAND = "demand"  # demand: a firm's technology demand (技术需求)


@dataclass(frozen=True, slots=True)
class MoneyRange:
    """An amount in 10k CNY (万元), a range, or "negotiable" (面议)."""

    low: Decimal | None = None
    high: Decimal | None = None
    negotiable: bool = False

    @property
    def known(self) -> bool:
        """True when there is an amount to compare (not only 面议, not blank)."""
        return not self.negotiable and (self.low is not None or self.high is not None)

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        """(low, high) with a missing end taken from the other; only when known."""
        low = self.low if self.low is not None else self.high
        high = self.high if self.high is not None else self.low
        assert low is not None and high is not None
        return (min(low, high), max(low, high))


@dataclass(frozen=True, slots=True)
class MatchItem:
    """One published listing as the matcher sees it.

    ``field_code`` is the code of its technology field (``"06"`` a top-level field,
    ``"0601"`` a sub-field); ``region_code`` a GB/T 2260 code; ``maturity`` the
    readiness level offered (outcome) or expected (demand), 1–9; ``money`` the price
    (outcome) or budget (demand); ``tokens`` the segmented words of its title,
    keywords and body, as the search index stores them.
    """

    id: int
    side: Side
    organisation_id: int | None
    title: str = ""
    keywords: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    field_code: str | None = None
    region_code: str | None = None
    maturity: int | None = None
    money: MoneyRange = field(default_factory=MoneyRange)
    modes: frozenset[str] = frozenset()
    deadline: dt.date | None = None
    anonymous: bool = False
