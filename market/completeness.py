"""How complete a listing is for a buyer (or a solver) to judge it, with concrete advice.

Pure Python over a listing: no query is made for relations that were prefetched
(``ip_rights``, ``gallery``, ``attachments``), and an unsaved listing simply has none.
The checks are guidance, not rules: submission is governed by
``market.services.listings.missing_for_submission``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.models import Demand, Listing, Outcome
from market.sanitize import rich_text_to_plain

SUMMARY_MIN_CHARS = 60
SUMMARY_MAX_CHARS = 600
MIN_KEYWORDS = 3
PROBLEM_MIN_CHARS = 150
TEXT_MIN_CHARS = 10

# A figure with a unit or a ratio: "+12 %", "320 MPa", "2×", "降低30%", "寿命提高2倍".
_CN_UNITS = (
    "倍|万元|亿元|元|吨|千克|公斤|克|千米|公里|厘米|毫米|微米|纳米|米|小时|分钟|毫秒|秒|"
    "天|周|个月|月|年|次|摄氏度|度|千瓦|瓦|伏|安|兆帕|帕|毫升|升|立方米|平方米|亩|"
    "个百分点|个|台|套|件|项|人|家|颗|片|层|级|转|赫兹"
)
_QUANTITY_RE = re.compile(
    r"\d+(?:[.,]\d+)?\s*(?:[%％‰×]|(?:"
    + _CN_UNITS
    + r")|[A-Za-zµμΩ°℃℉][A-Za-z0-9µμΩ°℃℉/²³·]*)"
)
_DIGIT_RE = re.compile(r"\d")

Text = str | Promise


@dataclass(frozen=True)
class Check:
    """One thing a complete listing has: done or not, its weight, and how to do it."""

    name: str
    label: Text
    done: bool
    weight: int
    guidance: Text
    field: str


@dataclass(frozen=True)
class Completeness:
    """A score from 0 to 100 and the checks it is made of."""

    score: int
    checks: tuple[Check, ...]

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.done]

    @property
    def passed(self) -> list[Check]:
        return [check for check in self.checks if check.done]

    @property
    def level(self) -> str:
        """``low``, ``medium`` or ``high``, for styling."""
        if self.score >= 80:
            return "high"
        if self.score >= 50:
            return "medium"
        return "low"


def is_quantified(text: str) -> bool:
    """Whether ``text`` states at least one figure with a unit or percentage."""
    return bool(_QUANTITY_RE.search(text or ""))


def assess(listing: Listing, *, today: dt.date | None = None) -> Completeness:
    """Score ``listing`` (an Outcome or a Demand) and list what it still lacks."""
    specific = listing.get_specific() if listing.pk else listing
    checks = _common_checks(specific)
    if isinstance(specific, Outcome):
        checks += _outcome_checks(specific)
    elif isinstance(specific, Demand):
        checks += _demand_checks(specific, today or timezone.localdate())
    total = sum(check.weight for check in checks) or 1
    earned = sum(check.weight for check in checks if check.done)
    return Completeness(score=round(100 * earned / total), checks=tuple(checks))


def _common_checks(listing: Listing) -> list[Check]:
    summary = (listing.summary or "").strip()
    keywords = [k for k in (listing.keywords or []) if str(k).strip()]
    return [
        Check(
            name="summary",
            label=_("Summary of 60–600 characters"),
            done=SUMMARY_MIN_CHARS <= len(summary) <= SUMMARY_MAX_CHARS,
            weight=10,
            guidance=_(
                "Write a summary of 60 to 600 characters: what it is, who it is for "
                "and its key figure. Visitors and search results show it first."
            ),
            field="summary",
        ),
        Check(
            name="keywords",
            label=_("At least three keywords"),
            done=len(keywords) >= MIN_KEYWORDS,
            weight=5,
            guidance=_(
                "Add at least three keywords people would search for: the material, "
                "the process, the product or the industry."
            ),
            field="keywords",
        ),
    ]


def _outcome_checks(outcome: Outcome) -> list[Check]:
    ip_rights = _related(outcome, "ip_rights")
    has_images = bool(outcome.cover_image_id) or bool(_related(outcome, "gallery"))
    return [
        Check(
            name="advantages",
            label=_("Quantified advantages"),
            done=is_quantified(outcome.advantages),
            weight=15,
            guidance=_(
                "State the advantages as figures with units: yield +12 %, cost −30 %, "
                "strength 320 MPa, service life 2×."
            ),
            field="advantages",
        ),
        Check(
            name="comparison",
            label=_("Comparison with alternatives"),
            done=_has_text(outcome.comparison),
            weight=10,
            guidance=_(
                "Compare it with the technologies buyers use today: what is better, "
                "by how much, and at what cost."
            ),
            field="comparison",
        ),
        Check(
            name="ip_numbers",
            label=_("IP rights with their numbers"),
            done=any((right.number or "").strip() for right in ip_rights),
            weight=10,
            guidance=_(
                "List the patents or software copyrights with their numbers "
                "(e.g. ZL202310123456.7) so buyers can check their legal status."
            ),
            field="ip_rights",
        ),
        Check(
            name="maturity",
            label=_("Maturity level"),
            done=outcome.maturity is not None,
            weight=10,
            guidance=_(
                "Choose the technology readiness level (TRL) the outcome has "
                "actually reached."
            ),
            field="maturity",
        ),
        Check(
            name="maturity_evidence",
            label=_("Evidence of maturity"),
            done=_has_text(outcome.maturity_evidence),
            weight=10,
            guidance=_(
                "Name the evidence behind the level: test reports, pilot runs, "
                "certifications or customers."
            ),
            field="maturity_evidence",
        ),
        Check(
            name="price",
            label=_("Price, or marked negotiable"),
            done=outcome.price_wan is not None or outcome.price_negotiable,
            weight=10,
            guidance=_("Give an indicative price in 10k CNY, or tick “negotiable”."),
            field="price_wan",
        ),
        Check(
            name="images",
            label=_("Images"),
            done=has_images,
            weight=10,
            guidance=_(
                "Add a cover image or photos of the product, the prototype or the "
                "test rig."
            ),
            field="cover_image",
        ),
        Check(
            name="attachments",
            label=_("PDF attachments"),
            done=bool(_related(outcome, "attachments")),
            weight=10,
            guidance=_("Attach a brochure or a test report as a PDF."),
            field="attachments",
        ),
    ]


def _demand_checks(demand: Demand, today: dt.date) -> list[Check]:
    objectives = [str(o).strip() for o in (demand.objectives or []) if str(o).strip()]
    problem_chars = len(rich_text_to_plain(demand.problem or ""))
    return [
        Check(
            name="objectives",
            label=_("Measurable objectives"),
            done=bool(objectives) and all(_DIGIT_RE.search(o) for o in objectives),
            weight=25,
            guidance=_(
                "Write every objective as a figure with its unit: nickel in the "
                "effluent ≤ 0.1 mg/L, treatment cost ≤ 3 yuan per tonne."
            ),
            field="objectives",
        ),
        Check(
            name="budget",
            label=_("Budget, or marked negotiable"),
            done=(
                demand.budget_min_wan is not None
                or demand.budget_max_wan is not None
                or demand.budget_negotiable
            ),
            weight=15,
            guidance=_("Give a budget range in 10k CNY, or tick “negotiable”."),
            field="budget_min_wan",
        ),
        Check(
            name="deadline",
            label=_("Deadline"),
            done=demand.deadline is not None and demand.deadline >= today,
            weight=10,
            guidance=_(
                "Set a deadline that has not passed, so solvers know how much time "
                "they have."
            ),
            field="deadline",
        ),
        Check(
            name="expected_maturity",
            label=_("Expected maturity"),
            done=demand.expected_maturity is not None,
            weight=10,
            guidance=_(
                "Choose the readiness level the solution should reach, for example "
                "pilot scale."
            ),
            field="expected_maturity",
        ),
        Check(
            name="problem",
            label=_("Detailed problem description"),
            done=problem_chars >= PROBLEM_MIN_CHARS,
            weight=25,
            guidance=_(
                "Describe the problem in at least 150 characters: the current "
                "process, what goes wrong, and the constraints a solution must meet."
            ),
            field="problem",
        ),
    ]


def _has_text(value: str | None) -> bool:
    return len((value or "").strip()) >= TEXT_MIN_CHARS


def _related(listing: Listing, name: str) -> list[Any]:
    """Rows of a reverse relation, from the prefetch cache when there is one."""
    cache = getattr(listing, "_prefetched_objects_cache", {})
    if name in cache:
        return list(cache[name])
    if listing.pk is None:
        return []
    return list(getattr(listing, name).all())
