"""The one filter vocabulary of the catalogue and the search: parameters → filters.

``CatalogueFilters`` parses and validates what a visitor narrowed listings to
(field, region, stage, trl, mode, price); the search extends it with its own
dimensions (``search.query.SearchFilters`` adds kind and organisation kind).
``parse_sort``, ``parse_page`` and ``parse_per_page`` read the rest of a listing
page's parameters. Malformed values are dropped (the filter means "any"), never an
error: a public GET answers, whatever its query string.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from market.models import STAGE_LEVELS, ChallengeStatus
from market.params import parse_int, parse_page
from market.regions import is_region_code

__all__ = [
    "BOUNTY_BANDS",
    "CHALLENGE_STATUS_GROUPS",
    "NEGOTIABLE",
    "PRICE_BANDS",
    "CatalogueFilters",
    "ChallengeFilters",
    "param_text",
    "parse_page",
    "parse_per_page",
    "parse_sort",
]

NEGOTIABLE = "negotiable"

# Band → (above, up to) in 10k CNY; "above" is exclusive, "up to" inclusive.
PRICE_BANDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "le50": (None, Decimal(50)),
    "50-200": (Decimal(50), Decimal(200)),
    "200-1000": (Decimal(200), Decimal(1000)),
    "gt1000": (Decimal(1000), None),
}

# ASCII digits only: \d alone also matches "²" and "٣".
_FIELD_CODE = re.compile(r"^\d{2}(\d{2})?$", re.ASCII)
_MODE_CODE = re.compile(r"^[-a-z0-9_]{1,30}$")

F = TypeVar("F", bound="CatalogueFilters")


def param_text(params: Mapping[str, Any], name: str) -> str:
    """Parameter ``name`` stripped, or "" when missing or not text."""
    value = params.get(name)
    return value.strip() if isinstance(value, str) else ""


def parse_sort(value: Any, allowed: Collection[str], default: str) -> str:
    """``value`` when it is one of ``allowed`` sorts, else ``default``."""
    return value if isinstance(value, str) and value in allowed else default


def parse_per_page(value: Any, *, default: int, maximum: int) -> int:
    """A page size: ``default`` when missing or malformed, at most ``maximum``."""
    return parse_int(value, minimum=1, maximum=maximum, default=default, clamp=True)


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor narrowed listings to; empty values mean "any"."""

    field: str = ""  # TechField code: top-level ("04") or sub-field ("0401")
    region: str = ""  # GB/T 2260 code of a province, city or district
    stage: str = ""  # MaturityStage value
    trl: int | None = None  # readiness level 1–9
    mode: str = ""  # CooperationMode code
    price: str = ""  # a PRICE_BANDS key or NEGOTIABLE

    @classmethod
    def from_params(cls: type[F], params: Mapping[str, Any]) -> F:
        """Filters from query parameters; malformed values are dropped, never an error."""
        return cls(**cls.parse(params))

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        """The valid value of each dimension (subclasses add their own)."""
        field, region = param_text(params, "field"), param_text(params, "region")
        stage, mode = param_text(params, "stage"), param_text(params, "mode")
        price = param_text(params, "price")
        return {
            "field": field if _FIELD_CODE.match(field) else "",
            "region": region if is_region_code(region) else "",
            "stage": stage if stage in STAGE_LEVELS else "",
            "trl": parse_int(params.get("trl"), minimum=1, maximum=9, default=None),
            "mode": mode if _MODE_CODE.match(mode) else "",
            "price": price if price in PRICE_BANDS or price == NEGOTIABLE else "",
        }

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The dimensions, in the order they appear in links."""
        return _names(cls)

    def without(self: F, name: str) -> F:
        """The same filters with one dimension cleared (for its facet's counts)."""
        cleared: dict[str, Any] = {name: None if name == "trl" else ""}
        return dataclasses.replace(self, **cleared)

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as query parameters."""
        # Not dataclasses.asdict(): it deep-copies, and every catalogue page asks.
        return {
            key: str(value)
            for key in self.names()
            if (value := getattr(self, key)) not in ("", None)
        }

    @property
    def active(self) -> bool:
        """Whether any dimension is narrowed."""
        return any(getattr(self, key) not in ("", None) for key in self.names())


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        order = getattr(cls, "PARAM_ORDER", ())
        fields = [f.name for f in dataclasses.fields(cls)]
        names = _NAMES[cls] = (
            *(n for n in order if n in fields),
            *(n for n in fields if n not in order),
        )
    return names


# --- The challenge board (榜单大厅) -----------------------------------------------------

# Band → (from, below) in 10k CNY: "from" inclusive, "below" exclusive, as boards
# announce them: under 50 万, 50–200 万, 200–1000 万, 1000 万 and more.
BOUNTY_BANDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "lt50": (None, Decimal(50)),
    "50-200": (Decimal(50), Decimal(200)),
    "200-1000": (Decimal(200), Decimal(1000)),
    "gte1000": (Decimal(1000), None),
}

# What the board's status filter offers → the life-cycle statuses it stands for.
CHALLENGE_STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": (ChallengeStatus.PUBLISHED,),
    "review": (ChallengeStatus.CLOSED, ChallengeStatus.UNDER_REVIEW),
    "awarded": (ChallengeStatus.AWARDED,),
    "in_progress": (ChallengeStatus.IN_PROGRESS,),
    "completed": (ChallengeStatus.ACCEPTED, ChallengeStatus.PAID_OUT),
    "failed": (ChallengeStatus.FAILED, ChallengeStatus.TERMINATED),
}

# The longest text search the board runs (the search box's maxlength).
MAX_QUERY_LENGTH = 100
# Database ids are 32-bit.
MAX_ID = 2_147_483_647


@dataclass(frozen=True)
class ChallengeFilters:
    """What a visitor narrowed the challenge board to; empty values mean "any"."""

    field: str = ""  # TechField code, top-level or sub-field
    region: str = ""  # GB/T 2260 code of a province, city or district
    bounty: str = ""  # a BOUNTY_BANDS key
    status: str = ""  # a CHALLENGE_STATUS_GROUPS key
    campaign: int | None = None  # Campaign id
    q: str = ""  # words in the title, background or objectives

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ChallengeFilters:
        """Filters from query parameters; malformed values are dropped, never an error."""
        field, region = param_text(params, "field"), param_text(params, "region")
        bounty, status = param_text(params, "bounty"), param_text(params, "status")
        # PostgreSQL refuses NUL in text: a query holding one would be a 500.
        query = " ".join(param_text(params, "q").replace("\x00", "").split())
        return cls(
            field=field if _FIELD_CODE.match(field) else "",
            region=region if is_region_code(region) else "",
            bounty=bounty if bounty in BOUNTY_BANDS else "",
            status=status if status in CHALLENGE_STATUS_GROUPS else "",
            campaign=parse_int(
                params.get("campaign"), minimum=1, maximum=MAX_ID, default=None
            ),
            q=query[:MAX_QUERY_LENGTH],
        )

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as query parameters."""
        return {
            f.name: str(value)
            for f in dataclasses.fields(self)
            if (value := getattr(self, f.name)) not in ("", None)
        }

    @property
    def active(self) -> bool:
        """Whether any dimension is narrowed."""
        return bool(self.as_params())
