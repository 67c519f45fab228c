"""The figures a report shows: title, columns, chart and who may read each.

``FIGURES`` maps a figure's name (its address in ``/statistics/data/<name>.json``)
to its selector; pages, downloads and JSON all go through ``compute``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reports import selectors
from reports.params import Cuts, Period

Selector = Callable[[Period, Cuts], list[dict[str, Any]]]


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    # "code" (for machines: in downloads, not on the page), "label" (text),
    # "count", "amount" (10k CNY), "percent" or "days"
    kind: str = "count"


@dataclass(frozen=True)
class FigureSpec:
    name: str
    title: str | Promise
    selector: Selector
    columns: tuple[Column, ...]
    # The category column and the columns drawn as bars.
    chart_label: str
    chart_series: tuple[str, ...]
    # Public figures may be read by anyone (no institution cut); the others by
    # managers, moderators and administrators.
    public: bool = False
    note: str | Promise = ""
    group: str = field(default="listings")
    # Shown on the managers' dashboard (the public copies of a figure are not).
    dashboard: bool = True


_KINDS = (
    Column("outcomes", _("Research outcomes")),
    Column("demands", _("Technology demands")),
    Column("challenges", _("Challenges")),
)
_MONTH = Column("month", _("Month"), "label")
_STAGES = tuple(
    Column(stage, label)
    for stage, label in (
        ("posted", _("Posted")),
        ("viewed", _("Viewed")),
        ("interest", _("Interest shown")),
        ("introduction", _("Introduced by an agent")),
        ("deal", _("Reached a deal")),
        ("signed", _("Signed a contract")),
        ("registered", _("Registered a contract")),
        ("paid", _("Payment received")),
    )
)
_NAME = Column("name", _("Name"), "label")

_SPECS = [
    FigureSpec(
        "key_figures",
        _("Key figures of the period"),
        selectors.key_figures,
        (
            Column("measure", _("Measure code"), "code"),
            _NAME,
            Column("value", _("Value")),
        ),
        "name",
        (),
        group="summary",
    ),
    FigureSpec(
        "funnel",
        _("Funnel: listings posted in the period and how far they came"),
        selectors.funnel,
        (
            Column("stage", _("Stage code"), "code"),
            _NAME,
            Column("listings", _("Listings")),
        ),
        "name",
        ("listings",),
        note=_(
            "Each stage counts the listings posted in the period that reached it: "
            "viewed at least once, an interest or consultation request, an "
            "introduction by a transfer agent."
        ),
        group="funnel",
    ),
    *(
        FigureSpec(
            f"funnel_by_{cut}",
            title,
            selector,
            (Column("code", code_label, "code"), _NAME, *_STAGES),
            "name",
            ("posted", "introduction", "deal", "registered"),
            group="funnel",
        )
        for cut, title, code_label, selector in (
            (
                "field",
                _("Funnel per technology field"),
                _("Field code"),
                selectors.funnel_by_field,
            ),
            (
                "region",
                _("Funnel per province"),
                _("Region code"),
                selectors.funnel_by_region,
            ),
            (
                "institution",
                _("Funnel of the twenty institutions that posted most"),
                _("Organisation id"),
                selectors.funnel_by_institution,
            ),
        )
    ),
    FigureSpec(
        "listings_by_month",
        _("Outcomes, demands and challenges posted per month"),
        selectors.listings_by_month,
        (_MONTH, *_KINDS),
        "month",
        ("outcomes", "demands", "challenges"),
        public=True,
    ),
    FigureSpec(
        "listings_by_field",
        _("Outcomes, demands and challenges posted per technology field"),
        selectors.listings_by_field,
        (Column("code", _("Field code"), "code"), _NAME, *_KINDS),
        "name",
        ("outcomes", "demands", "challenges"),
        public=True,
    ),
    FigureSpec(
        "listings_by_region",
        _("Outcomes, demands and challenges posted per province"),
        selectors.listings_by_region,
        (Column("code", _("Region code"), "code"), _NAME, *_KINDS),
        "name",
        ("outcomes", "demands", "challenges"),
        public=True,
    ),
    FigureSpec(
        "proposal_acceptance",
        _("Matcher's proposals accepted and rejected by agents per month"),
        selectors.proposal_acceptance,
        (
            _MONTH,
            Column("accepted", _("Accepted")),
            Column("rejected", _("Rejected")),
            Column("rate", _("Acceptance rate (%)"), "percent"),
        ),
        "month",
        ("accepted", "rejected"),
        note=_("Acceptance rate: accepted ÷ (accepted + rejected)."),
        group="matching",
    ),
    FigureSpec(
        "time_to_first_introduction",
        _("Days from a demand's publication to its first introduction"),
        selectors.time_to_first_introduction,
        (
            Column("month", _("Month of the first introduction"), "label"),
            Column("demands", _("Demands introduced")),
            Column("mean_days", _("Mean (days)"), "days"),
            Column("median_days", _("Median (days)"), "days"),
        ),
        "month",
        ("median_days",),
        group="matching",
    ),
]

_CONTRACTS = (
    Column("contracts", _("Registered contracts")),
    Column("contract_amount", _("Contract turnover (10k CNY)"), "amount"),
    Column("transaction_amount", _("Technology turnover (10k CNY)"), "amount"),
)
_REGISTERED_NOTE = _(
    "Technology contracts registered (技术合同认定登记) in the period, by the date of "
    "registration, whatever happened to them since."
)
_PUBLIC_NOTE = _(
    "Registered technology contracts by the date of registration. Where fewer than "
    "%(least)s contracts make a figure, its amounts are not shown: they could reveal "
    "one contract's price."
)

_SPECS += [
    FigureSpec(
        "deals_by_stage",
        _("Deals opened in the period, by their stage today"),
        selectors.deals_by_stage,
        (
            Column("stage", _("Stage code"), "code"),
            _NAME,
            Column("deals", _("Deals opened")),
        ),
        "name",
        ("deals",),
        group="deals",
    ),
    FigureSpec(
        "contracts_by_month",
        _("Registered technology contracts and amounts per month"),
        selectors.contracts_by_month,
        (_MONTH, *_CONTRACTS),
        "month",
        ("contract_amount", "transaction_amount"),
        note=_REGISTERED_NOTE,
        group="deals",
    ),
    FigureSpec(
        "contracts_by_field",
        _("Registered technology contracts and amounts per technology field"),
        selectors.contracts_by_field,
        (Column("code", _("Field code"), "code"), _NAME, *_CONTRACTS),
        "name",
        ("contract_amount", "transaction_amount"),
        note=_REGISTERED_NOTE,
        group="deals",
    ),
    FigureSpec(
        "contracts_by_mode",
        _("Registered technology contracts and amounts per contract type"),
        selectors.contracts_by_mode,
        (Column("mode", _("Contract type code"), "code"), _NAME, *_CONTRACTS),
        "name",
        ("contract_amount", "transaction_amount"),
        note=_REGISTERED_NOTE,
        group="deals",
    ),
    FigureSpec(
        "technology_flows",
        _("Technology flows of the zone: output and absorption"),
        selectors.technology_flows,
        (Column("flow", _("Flow code"), "code"), _NAME, *_CONTRACTS),
        "name",
        ("contract_amount",),
        note=_(
            "Registered contracts whose seller (output) or buyer (absorption) was in "
            "the zone's regions when the deal was made (setting "
            "TECHMATCH_ZONE_REGION_CODES; empty without it)."
        ),
        group="deals",
    ),
    FigureSpec(
        "top_institutions",
        _("Top institutions by registered contract amount"),
        selectors.top_institutions,
        (Column("organisation", _("Organisation id"), "code"), _NAME, *_CONTRACTS),
        "name",
        ("contract_amount",),
        note=_("Each contract counts for its seller and its buyer."),
        group="deals",
    ),
    FigureSpec(
        "public_contracts_by_month",
        _("Registered technology contracts per month"),
        selectors.public_contracts_by_month,
        (_MONTH, *_CONTRACTS),
        "month",
        ("contracts",),
        public=True,
        dashboard=False,
        note=_PUBLIC_NOTE,
        group="deals",
    ),
    FigureSpec(
        "public_contracts_by_field",
        _("Registered technology contracts per technology field"),
        selectors.public_contracts_by_field,
        (Column("code", _("Field code"), "code"), _NAME, *_CONTRACTS),
        "name",
        ("contracts",),
        public=True,
        dashboard=False,
        note=_PUBLIC_NOTE,
        group="deals",
    ),
]

FIGURES: dict[str, FigureSpec] = {spec.name: spec for spec in _SPECS}


def register(spec: FigureSpec) -> None:
    """Add a figure (the deal figures are added by ``reports.deals``)."""
    FIGURES[spec.name] = spec


def compute(name: str, period: Period, cuts: Cuts) -> list[dict[str, Any]]:
    """The rows of one figure."""
    return FIGURES[name].selector(period, cuts)


def page_table(
    spec: FigureSpec, rows: list[dict[str, Any]]
) -> tuple[list[str], list[list[Any]]]:
    """What the page's table shows: the download's columns but the codes."""
    shown = [column for column in spec.columns if column.kind != "code"]
    return [str(column.label) for column in shown], [
        [row.get(column.key) for column in shown] for row in rows
    ]


def table(
    spec: FigureSpec, rows: list[dict[str, Any]]
) -> tuple[list[str], list[list[Any]]]:
    """Header (column labels) and cells, in the columns' order: what a download holds."""
    header = [str(column.label) for column in spec.columns]
    return header, [[row.get(column.key) for column in spec.columns] for row in rows]
