"""The figures: one pure selector per figure, a period and cuts in, plain rows out.

Every page, download and JSON answer calls these and nothing else, so what a manager
reads, downloads and fetches are the same numbers. A row is a ``dict`` of plain
values (``str``, ``int``, ``float``, ``Decimal``); months are ``"YYYY-MM"`` in the
site's time zone. "Posted" means first published in the period, whatever the listing's
status today (it was public then).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from market.models import (
    DEAL_STAGE_ORDER,
    Challenge,
    Deal,
    DealMode,
    DealPayment,
    DealStage,
    DealTransition,
    InterestRequest,
    Listing,
    ListingKind,
    Organisation,
    Region,
    TechField,
)
from market.regions import prefix, province_of
from matching.models import Decision, DecisionAction, Introduction
from reports.params import Cuts, Period

Row = dict[str, Any]
UNSPECIFIED = "—"


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_key(value: dt.datetime | dt.date) -> str:
    """``"YYYY-MM"`` of a date, or of an instant in the site's time zone."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(_zone())
    return value.strftime("%Y-%m")


def _months(period: Period) -> list[str]:
    return [month.strftime("%Y-%m") for month in period.months()]


def listing_cut_q(cuts: Cuts, path: str = "", organisation: str = "organisation") -> Q:
    """Listings (at ``path``) in the cuts' field, region and institution."""
    q = Q()
    if cuts.field is not None:
        q &= Q(**{f"{path}field": cuts.field}) | Q(
            **{f"{path}field__parent": cuts.field}
        )
    if cuts.region is not None:
        q &= Q(**{f"{path}region__code__startswith": prefix(cuts.region.code)})
    if cuts.institution is not None:
        q &= Q(**{f"{path}{organisation}": cuts.institution})
    return q


def posted_listings(period: Period, cuts: Cuts) -> QuerySet[Listing]:
    """Listings first published in the period, in the cuts."""
    return Listing.objects.filter(
        listing_cut_q(cuts),
        first_published_at__gte=period.start,
        first_published_at__lt=period.end,
    )


def posted_challenges(period: Period, cuts: Cuts) -> QuerySet[Challenge]:
    """Challenges published (发榜) in the period, in the cuts."""
    return Challenge.objects.filter(
        listing_cut_q(cuts, organisation="issuer"),
        published_at__gte=period.start,
        published_at__lt=period.end,
    )


# -- listings: outcomes, demands and challenges by month, field and region ----------


def listings_by_month(period: Period, cuts: Cuts) -> list[Row]:
    """Outcomes, demands and challenges posted in each month of the period."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    zone = _zone()
    for row in (
        posted_listings(period, cuts)
        .annotate(month=TruncMonth("first_published_at", tzinfo=zone))
        .values("month", "kind")
        .annotate(n=Count("pk"))
    ):
        counts[month_key(row["month"])][row["kind"]] += row["n"]
    for row in (
        posted_challenges(period, cuts)
        .annotate(month=TruncMonth("published_at", tzinfo=zone))
        .values("month")
        .annotate(n=Count("pk"))
    ):
        counts[month_key(row["month"])]["challenge"] += row["n"]
    return [
        {
            "month": month,
            "outcomes": counts[month][ListingKind.OUTCOME],
            "demands": counts[month][ListingKind.DEMAND],
            "challenges": counts[month]["challenge"],
        }
        for month in _months(period)
    ]


def _top_field_codes() -> dict[int, TechField]:
    """Every field's id → its top-level field."""
    fields = {field.pk: field for field in TechField.objects.all()}
    return {
        pk: fields.get(field.parent_id, field) if field.parent_id else field
        for pk, field in fields.items()
    }


def listings_by_field(period: Period, cuts: Cuts) -> list[Row]:
    """Outcomes, demands and challenges posted in the period per top-level field."""
    tops = _top_field_codes()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in (
        posted_listings(period, cuts).values("field_id", "kind").annotate(n=Count("pk"))
    ):
        top = tops.get(row["field_id"])
        counts[top.code if top else ""][row["kind"]] += row["n"]
    for row in (
        posted_challenges(period, cuts).values("field_id").annotate(n=Count("pk"))
    ):
        top = tops.get(row["field_id"])
        counts[top.code if top else ""]["challenge"] += row["n"]
    return _by_label(counts, _field_labels())


def _field_labels() -> dict[str, str]:
    return {
        field.code: field.label
        for field in TechField.objects.filter(parent__isnull=True).order_by("code")
    }


def _province_labels() -> dict[str, str]:
    return {
        region.code: region.label
        for region in Region.objects.filter(code__endswith="0000").order_by("code")
    }


def _by_label(counts: dict[str, Counter[str]], labels: dict[str, str]) -> list[Row]:
    """One row per label that has something (in the labels' order), unknown last."""
    rows = [
        {
            "code": code,
            "name": labels.get(code, code),
            "outcomes": counts[code][ListingKind.OUTCOME],
            "demands": counts[code][ListingKind.DEMAND],
            "challenges": counts[code]["challenge"],
        }
        for code in [*labels, *sorted(set(counts) - set(labels) - {""}), ""]
        if code in counts
    ]
    for row in rows:
        if row["code"] == "":
            row["name"] = UNSPECIFIED
    return rows


def listings_by_region(period: Period, cuts: Cuts) -> list[Row]:
    """Outcomes, demands and challenges posted in the period per province."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in (
        posted_listings(period, cuts)
        .values("region__code", "kind")
        .annotate(n=Count("pk"))
    ):
        code = row["region__code"]
        counts[province_of(code) if code else ""][row["kind"]] += row["n"]
    for row in (
        posted_challenges(period, cuts).values("region__code").annotate(n=Count("pk"))
    ):
        counts[province_of(row["region__code"])]["challenge"] += row["n"]
    return _by_label(counts, _province_labels())


# -- the funnel ---------------------------------------------------------------------

FUNNEL_STAGES = (
    "posted",
    "viewed",
    "interest",
    "introduction",
    "deal",
    "signed",
    "registered",
    "paid",
)


def funnel_stage_labels() -> dict[str, str]:
    return {
        "posted": _("Posted"),
        "viewed": _("Viewed"),
        "interest": _("Interest shown"),
        "introduction": _("Introduced by an agent"),
        "deal": _("Reached a deal"),
        "signed": _("Signed a contract"),
        "registered": _("Registered a contract"),
        "paid": _("Payment received"),
    }


def _introduced_q(path: str = "") -> Q:
    """The listing took part in an introduction, on either side."""
    return Q(
        Exists(
            Introduction.objects.filter(
                Q(proposal__demand_id=OuterRef(f"{path}pk"))
                | Q(proposal__outcome_id=OuterRef(f"{path}pk"))
            )
        )
    )


def funnel(period: Period, cuts: Cuts) -> list[Row]:
    """Listings posted in the period and how many of them reached each later stage.

    Viewed: its detail page was counted at least once; interest: someone sent an
    interest or consultation request; introduction: an agent introduced it to a
    counterpart (either side of the pair); deal: the outcome or demand of a deal at
    any stage; signed, registered: of a deal with a signing or registration date
    (whatever happened to it since); paid: of a deal with a recorded payment. Each
    stage counts listings, not events, up to today.
    """
    counts = posted_listings(period, cuts).aggregate(**_stage_counts())
    labels = funnel_stage_labels()
    return [
        {"stage": stage, "name": labels[stage], "listings": counts[stage]}
        for stage in FUNNEL_STAGES
    ]


def _stage_counts() -> dict[str, Count]:
    """Per stage, the listings (of a queryset of listings) that reached it."""
    interested = InterestRequest.objects.filter(listing_id=OuterRef("pk"))
    party = Q(outcome_id=OuterRef("pk")) | Q(demand_id=OuterRef("pk"))
    deals = Deal.objects.filter(party)
    paid = DealPayment.objects.filter(
        Q(deal__outcome_id=OuterRef("pk")) | Q(deal__demand_id=OuterRef("pk"))
    )
    return {
        "posted": Count("pk"),
        "viewed": Count("pk", filter=Q(view_count__gt=0)),
        "interest": Count("pk", filter=Q(Exists(interested))),
        "introduction": Count("pk", filter=_introduced_q()),
        "deal": Count("pk", filter=Q(Exists(deals))),
        "signed": Count("pk", filter=Q(Exists(deals.filter(signed_on__isnull=False)))),
        "registered": Count(
            "pk", filter=Q(Exists(deals.filter(registered_on__isnull=False)))
        ),
        "paid": Count("pk", filter=Q(Exists(paid))),
    }


def _funnel_grouped(
    period: Period, cuts: Cuts, column: str, key: Callable[[Any], str]
) -> dict[str, Counter[str]]:
    """Stage counts per group: ``column`` of the listing, mapped to a group by ``key``."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for row in (
        posted_listings(period, cuts)
        .order_by()
        .values(column)
        .annotate(**_stage_counts())
    ):
        group = groups[key(row[column])]
        for stage in FUNNEL_STAGES:
            group[stage] += row[stage]
    return groups


def _funnel_rows(
    groups: dict[str, Counter[str]], keys: list[str], labels: dict[str, str]
) -> list[Row]:
    return [
        {
            "code": code,
            "name": labels.get(code) or UNSPECIFIED,
            **{stage: groups[code][stage] for stage in FUNNEL_STAGES},
        }
        for code in keys
    ]


def funnel_by_field(period: Period, cuts: Cuts) -> list[Row]:
    """The funnel per top-level field (sub-fields counted in theirs)."""
    tops = _top_field_codes()

    def top_code(field_id: int | None) -> str:
        top = tops.get(field_id) if field_id else None
        return top.code if top else ""

    groups = _funnel_grouped(period, cuts, "field_id", top_code)
    labels = _field_labels()
    return _funnel_rows(groups, [c for c in [*labels, ""] if c in groups], labels)


def funnel_by_region(period: Period, cuts: Cuts) -> list[Row]:
    """The funnel per province of the listing's region."""
    groups = _funnel_grouped(
        period, cuts, "region__code", lambda code: province_of(code) if code else ""
    )
    labels = _province_labels()
    keys = [*[c for c in labels if c in groups], *([""] if "" in groups else [])]
    return _funnel_rows(groups, keys, labels)


FUNNEL_INSTITUTIONS = 20


def funnel_by_institution(period: Period, cuts: Cuts) -> list[Row]:
    """The funnel of the twenty institutions that posted most (ties by name)."""
    groups = _funnel_grouped(period, cuts, "organisation_id", str)
    names = {
        str(pk): name
        for pk, name in Organisation.objects.filter(
            pk__in=[int(key) for key in groups]
        ).values_list("pk", "name")
    }
    keys = sorted(groups, key=lambda k: (-groups[k]["posted"], names.get(k, "")))
    rows = _funnel_rows(groups, keys[:FUNNEL_INSTITUTIONS], names)
    for row in rows:
        row["code"] = int(row["code"])
    return rows


# -- the matcher: acceptance and time to the first introduction ----------------------


def _pair_cut_q(cuts: Cuts, path: str) -> Q:
    """A pair is in a cut when its demand or its outcome is."""
    return listing_cut_q(cuts, f"{path}demand__") | listing_cut_q(
        cuts, f"{path}outcome__"
    )


def proposal_acceptance(period: Period, cuts: Cuts) -> list[Row]:
    """Agents' accept and reject decisions on proposals per month, and the rate.

    The rate is accepted ÷ (accepted + rejected) in percent, one decimal; ``None``
    for a month without either. Claims, releases and snoozes are not decisions here.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in (
        Decision.objects.filter(
            _pair_cut_q(cuts, "proposal__"),
            action__in=[DecisionAction.ACCEPT, DecisionAction.REJECT],
            created_at__gte=period.start,
            created_at__lt=period.end,
        )
        .annotate(month=TruncMonth("created_at", tzinfo=_zone()))
        .values("month", "action")
        .annotate(n=Count("pk"))
    ):
        counts[month_key(row["month"])][row["action"]] += row["n"]
    rows = []
    for month in _months(period):
        accepted = counts[month][DecisionAction.ACCEPT]
        rejected = counts[month][DecisionAction.REJECT]
        rows.append(
            {
                "month": month,
                "accepted": accepted,
                "rejected": rejected,
                "rate": _percent(accepted, accepted + rejected),
            }
        )
    return rows


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def time_to_first_introduction(period: Period, cuts: Cuts) -> list[Row]:
    """Demands first introduced in each month: how many, and the days it took.

    Days from the demand's first publication to its first introduction (whole days
    and fractions, one decimal): mean and median per month of that introduction.
    """
    waits = _waits_for_first_introduction(period, cuts)
    return [
        {
            "month": month,
            "demands": len(waits[month]),
            "mean_days": _round(statistics.fmean(waits[month]))
            if waits[month]
            else None,
            "median_days": _round(statistics.median(waits[month]))
            if waits[month]
            else None,
        }
        for month in _months(period)
    ]


def _waits_for_first_introduction(period: Period, cuts: Cuts) -> dict[str, list[float]]:
    """Per month of a demand's first introduction, the days each demand waited."""
    firsts = (
        Introduction.objects.filter(listing_cut_q(cuts, "proposal__demand__"))
        .values("proposal__demand_id", "proposal__demand__first_published_at")
        .annotate(first=Min("created_at"))
        .filter(first__gte=period.start, first__lt=period.end)
    )
    waits: dict[str, list[float]] = defaultdict(list)
    for row in firsts:
        published = row["proposal__demand__first_published_at"]
        if published is None:
            continue
        seconds = (row["first"] - published).total_seconds()
        waits[month_key(row["first"])].append(max(seconds, 0) / 86400)
    return waits


def key_figures(period: Period, cuts: Cuts) -> list[Row]:
    """The period's totals: what was posted, the matcher's acceptance rate, the days to
    a first introduction and the registered contracts with their amounts."""
    posted = listings_by_month(period, cuts)
    decided = proposal_acceptance(period, cuts)
    accepted = sum(row["accepted"] for row in decided)
    rejected = sum(row["rejected"] for row in decided)
    waits = [
        wait
        for month in _waits_for_first_introduction(period, cuts).values()
        for wait in month
    ]
    contracts = contracts_by_month(period, cuts)
    values: list[tuple[str, str, Any]] = [
        ("outcomes", _("Research outcomes posted"), sum(r["outcomes"] for r in posted)),
        ("demands", _("Technology demands posted"), sum(r["demands"] for r in posted)),
        ("challenges", _("Challenges published"), sum(r["challenges"] for r in posted)),
        ("accepted", _("Proposals accepted by agents"), accepted),
        ("rejected", _("Proposals rejected by agents"), rejected),
        (
            "acceptance_rate",
            _("Acceptance rate of proposals (%)"),
            _percent(accepted, accepted + rejected),
        ),
        ("introduced", _("Demands introduced for the first time"), len(waits)),
        (
            "median_days",
            _("Median days to the first introduction"),
            _round(statistics.median(waits)) if waits else None,
        ),
        (
            "contracts",
            _("Technology contracts registered"),
            sum(r["contracts"] for r in contracts),
        ),
        (
            "contract_amount",
            _("Contract turnover (10k CNY)"),
            _sum(r["contract_amount"] for r in contracts),
        ),
        (
            "transaction_amount",
            _("Technology turnover (10k CNY)"),
            _sum(r["transaction_amount"] for r in contracts),
        ),
    ]
    return [
        {"measure": key, "name": name, "value": value} for key, name, value in values
    ]


def _round(value: float) -> float:
    return round(value, 1)


def earliest_month() -> dt.date | None:
    """The first month anything was posted (the start of the "all" preset)."""
    firsts: Iterable[Any] = (
        Listing.objects.aggregate(first=Min("first_published_at"))["first"],
        Challenge.objects.aggregate(first=Min("published_at"))["first"],
    )
    known = [value for value in firsts if value is not None]
    if not known:
        return None
    return min(value.astimezone(_zone()).date() for value in known).replace(day=1)


# -- deals ----------------------------------------------------------------------------
#
# A deal is placed in time by the date of the step a figure is about: opened (its
# first recorded transition), signed (``signed_on``), registered (``registered_on``,
# 技术合同认定登记). Registered contracts are what the torch statistics count.


def deal_cut_q(cuts: Cuts, path: str = "") -> Q:
    """Deals in the cuts: their field; either party's region; either party."""
    q = Q()
    if cuts.field is not None:
        q &= Q(**{f"{path}field": cuts.field}) | Q(
            **{f"{path}field__parent": cuts.field}
        )
    if cuts.region is not None:
        area = prefix(cuts.region.code)
        q &= Q(**{f"{path}supplier_region__code__startswith": area}) | Q(
            **{f"{path}buyer_region__code__startswith": area}
        )
    if cuts.institution is not None:
        q &= Q(**{f"{path}supplier": cuts.institution}) | Q(
            **{f"{path}buyer": cuts.institution}
        )
    return q


def registered_deals(period: Period, cuts: Cuts) -> QuerySet[Deal]:
    """Deals whose contract was registered in the period (later termination or not)."""
    return Deal.objects.filter(
        deal_cut_q(cuts),
        registered_on__gte=period.first,
        registered_on__lt=period.end_date,
    )


def opened_deals(period: Period, cuts: Cuts) -> QuerySet[Deal]:
    """Deals opened (their first recorded transition) in the period."""
    opened = (
        DealTransition.objects.filter(deal_id=OuterRef("pk"))
        .order_by("at", "pk")
        .values("at")[:1]
    )
    return (
        Deal.objects.filter(deal_cut_q(cuts))
        .annotate(opened_at=Subquery(opened))
        .filter(opened_at__gte=period.start, opened_at__lt=period.end)
    )


def deal_stage_labels() -> dict[str, str]:
    return {stage.value: str(stage.label) for stage in DealStage}


def deals_by_stage(period: Period, cuts: Cuts) -> list[Row]:
    """Deals opened in the period by the stage they are at today."""
    counts = Counter(
        dict(
            opened_deals(period, cuts)
            .values("stage")
            .annotate(n=Count("pk"))
            .values_list("stage", "n")
        )
    )
    labels = deal_stage_labels()
    return [
        {"stage": stage, "name": labels[stage], "deals": counts[stage]}
        for stage in [*DEAL_STAGE_ORDER, DealStage.TERMINATED]
    ]


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((value for value in values if value is not None), Decimal("0.00"))


def _amount_rows(groups: dict[str, list[Deal]], keys: list[str]) -> list[Row]:
    return [
        {
            "key": key,
            "contracts": len(groups[key]),
            "contract_amount": _sum(deal.contract_amount_wan for deal in groups[key]),
            "transaction_amount": _sum(
                deal.transaction_amount_wan for deal in groups[key]
            ),
        }
        for key in keys
    ]


def _registered(period: Period, cuts: Cuts) -> list[Deal]:
    return list(
        registered_deals(period, cuts).only(
            "pk",
            "field_id",
            "mode",
            "registered_on",
            "contract_amount_wan",
            "transaction_amount_wan",
        )
    )


def contracts_by_month(period: Period, cuts: Cuts) -> list[Row]:
    """Registered technology contracts per month of registration: how many, amounts."""
    groups: dict[str, list[Deal]] = defaultdict(list)
    for deal in _registered(period, cuts):
        assert deal.registered_on is not None
        groups[month_key(deal.registered_on)].append(deal)
    return [
        {"month": row["key"], **_amounts(row)}
        for row in _amount_rows(groups, _months(period))
    ]


def contracts_by_field(period: Period, cuts: Cuts) -> list[Row]:
    """Registered technology contracts per top-level field."""
    tops = _top_field_codes()
    groups: dict[str, list[Deal]] = defaultdict(list)
    for deal in _registered(period, cuts):
        top = tops.get(deal.field_id) if deal.field_id else None
        groups[top.code if top else ""].append(deal)
    labels = _field_labels()
    keys = [code for code in [*labels, ""] if code in groups]
    return [
        {
            "code": row["key"],
            "name": labels.get(row["key"], UNSPECIFIED),
            **_amounts(row),
        }
        for row in _amount_rows(groups, keys)
    ]


def _amounts(row: Row) -> Row:
    return {
        "contracts": row["contracts"],
        "contract_amount": row["contract_amount"],
        "transaction_amount": row["transaction_amount"],
    }


def contracts_by_mode(period: Period, cuts: Cuts) -> list[Row]:
    """Registered technology contracts per contract type (技术开发, 转让, 许可 …)."""
    groups: dict[str, list[Deal]] = defaultdict(list)
    for deal in _registered(period, cuts):
        groups[deal.mode].append(deal)
    labels = {mode.value: str(mode.label) for mode in DealMode}
    keys = [mode for mode in labels if mode in groups]
    return [
        {"mode": row["key"], "name": labels[row["key"]], **_amounts(row)}
        for row in _amount_rows(groups, keys)
    ]


def zone_region_codes() -> list[str]:
    """The region codes of the zone (setting ``TECHMATCH_ZONE_REGION_CODES``)."""
    return list(getattr(settings, "TECHMATCH_ZONE_REGION_CODES", []) or [])


def in_zone(code: str | None, zone: list[str]) -> bool:
    """Whether a region code lies in one of the zone's regions."""
    return bool(code) and any(str(code).startswith(prefix(area)) for area in zone)


FLOWS = ("output", "output_outside", "absorption", "absorption_outside")


def flow_labels() -> dict[str, str]:
    return {
        "output": _("Output: sellers in the zone"),
        "output_outside": _("… of which to buyers outside the zone"),
        "absorption": _("Absorption: buyers in the zone"),
        "absorption_outside": _("… of which from sellers outside the zone"),
    }


def technology_flows(period: Period, cuts: Cuts) -> list[Row]:
    """Registered contracts leaving and entering the zone (技术输出 / 技术吸纳).

    Output: the supplier's region (when the deal was made) lies in the zone;
    absorption: the buyer's. A party without a region is outside. Empty when no zone
    is configured.
    """
    zone = zone_region_codes()
    if not zone:
        return []
    groups: dict[str, list[Deal]] = defaultdict(list)
    for deal in registered_deals(period, cuts).select_related(
        "supplier_region", "buyer_region"
    ):
        seller = in_zone(
            deal.supplier_region.code if deal.supplier_region else None, zone
        )
        buyer = in_zone(deal.buyer_region.code if deal.buyer_region else None, zone)
        if seller:
            groups["output"].append(deal)
            if not buyer:
                groups["output_outside"].append(deal)
        if buyer:
            groups["absorption"].append(deal)
            if not seller:
                groups["absorption_outside"].append(deal)
    labels = flow_labels()
    return [
        {"flow": row["key"], "name": labels[row["key"]], **_amounts(row)}
        for row in _amount_rows(groups, list(FLOWS))
    ]


TOP_INSTITUTIONS = 10


def top_institutions(period: Period, cuts: Cuts) -> list[Row]:
    """The ten organisations with the largest registered contract amount as a party.

    Each contract counts for both its supplier and its buyer; ties by name.
    """
    groups: dict[str, list[Deal]] = defaultdict(list)
    for deal in registered_deals(period, cuts).only(
        "pk", "supplier_id", "buyer_id", "contract_amount_wan", "transaction_amount_wan"
    ):
        groups[str(deal.supplier_id)].append(deal)
        groups[str(deal.buyer_id)].append(deal)
    names = {
        str(pk): name
        for pk, name in Organisation.objects.filter(
            pk__in=[int(key) for key in groups]
        ).values_list("pk", "name")
    }
    rows = [
        {
            "organisation": int(row["key"]),
            "name": names.get(row["key"], ""),
            **_amounts(row),
        }
        for row in _amount_rows(groups, list(groups))
    ]
    rows.sort(key=lambda row: (-row["contract_amount"], row["name"]))
    return rows[:TOP_INSTITUTIONS]


# -- public deal figures: registered contracts, small cells without amounts ----------


def public_min_deals() -> int:
    """Below this many contracts a cell shows no amount (setting, default 3)."""
    return int(getattr(settings, "REPORTS_PUBLIC_MIN_DEALS", 3))


def _suppressed(rows: list[Row]) -> list[Row]:
    least = public_min_deals()
    for row in rows:
        if 0 < row["contracts"] < least:
            row["contract_amount"] = row["transaction_amount"] = None
    return rows


def public_contracts_by_month(period: Period, cuts: Cuts) -> list[Row]:
    """Registered contracts per month; amounts hidden where fewer than the minimum."""
    return _suppressed(contracts_by_month(period, cuts))


def public_contracts_by_field(period: Period, cuts: Cuts) -> list[Row]:
    """Registered contracts per field; amounts hidden where fewer than the minimum."""
    return _suppressed(contracts_by_field(period, cuts))
