"""Reads of the public catalogue: published listings by kind, filtered, sorted, counted.

``catalogue()`` is the one place the catalogue query lives, so that the search issue
can swap the database for the search engine behind the same signature.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market import regions
from market.filters import NEGOTIABLE, PRICE_BANDS, CatalogueFilters, ChallengeFilters
from market.kinds import DEMAND, OUTCOME, registry
from market.models import (
    STAGE_LEVELS,
    Confidentiality,
    CooperationMode,
    Demand,
    Listing,
    ListingStatus,
    MaturityStage,
    Organisation,
    Region,
    TechField,
)

__all__ = [
    "DEFAULT_SORT",
    "NEGOTIABLE",
    "PER_PAGE",
    "PRICE_BANDS",
    "PRICE_BAND_LABELS",
    "SORTS",
    "CatalogueEntry",
    "CatalogueFilters",
    "FacetOption",
    "Facets",
    "MarketCounts",
    "catalogue",
    "catalogue_count",
    "catalogue_entries",
    "catalogue_facets",
    "latest_listings",
    "listing_detail",
    "market_counts",
    "published_listings",
    "sorts_for",
]

PER_PAGE = 20

PRICE_BAND_LABELS: dict[str, str | Promise] = {
    "le50": _("Up to 500k CNY"),
    "50-200": _("500k–2M CNY"),
    "200-1000": _("2M–10M CNY"),
    "gt1000": _("Over 10M CNY"),
    NEGOTIABLE: _("Negotiable"),
}

SORTS: dict[str, str | Promise] = {
    "newest": _("Newest first"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
    "views": _("Most viewed"),
    "deadline": _("Closing soon"),
}
DEFAULT_SORT = "newest"
# Sorts that only some kinds have (demands close, outcomes do not).
_KIND_SORTS = {name for spec in registry for name in spec.own_sorts}


def sorts_for(kind: str) -> dict[str, str | Promise]:
    """The sort orders the catalogue of ``kind`` offers, by name, with their labels."""
    own = registry.get(kind).own_sorts
    return {
        name: label
        for name, label in SORTS.items()
        if name not in _KIND_SORTS or name in own
    }


def _model(kind: str) -> type[Listing]:
    return registry.get(kind).model


def _filtered(kind: str, filters: CatalogueFilters) -> QuerySet[Any]:
    spec = registry.get(kind)
    model = spec.model
    # ``kind`` repeats what the model implies, so that PostgreSQL walks the
    # (kind, status, published_at) index instead of sorting the whole kind.
    queryset: QuerySet[Any] = model.objects.filter(
        kind=kind, status=ListingStatus.PUBLISHED
    ).annotate(amount=spec.amount())
    if filters.field:
        queryset = queryset.filter(
            Q(field__code=filters.field) | Q(field__parent__code=filters.field)
        )
    if filters.region:
        queryset = queryset.filter(
            region__code__startswith=regions.prefix(filters.region)
        )
    level = spec.level_field
    if filters.stage:
        queryset = queryset.filter(**{f"{level}__in": STAGE_LEVELS[filters.stage]})
    if filters.trl is not None:
        queryset = queryset.filter(**{level: filters.trl})
    if filters.mode:
        queryset = queryset.filter(modes__code=filters.mode)
    if filters.price == NEGOTIABLE:
        queryset = queryset.filter(**{spec.negotiable_field: True})
    elif filters.price:
        above, up_to = PRICE_BANDS[filters.price]
        if above is not None:
            queryset = queryset.filter(amount__gt=above)
        if up_to is not None:
            queryset = queryset.filter(amount__lte=up_to)
    return queryset


def catalogue(
    kind: str,
    filters: CatalogueFilters | None = None,
    sort: str = DEFAULT_SORT,
) -> QuerySet[Any]:
    """Published outcomes or demands matching ``filters``, in ``sort`` order, ready to list.

    An unknown ``sort`` falls back to newest first. Each row carries ``amount``
    (price, or the top of the budget, in 10k CNY) and its organisation, field, region
    (with the regions above it) and cooperation modes, so a page of rows costs a
    fixed number of queries. Regions come in their own query: joined, their three
    levels made the query cost more to plan than to run.
    """
    queryset = _filtered(kind, filters or CatalogueFilters())
    spec = registry.get(kind)
    related = ["organisation", "field", *spec.card_related]
    prefetch: list[Any] = [
        "modes",
        Prefetch("region", queryset=Region.objects.select_related("parent__parent")),
        *spec.card_prefetch,
    ]
    queryset = queryset.select_related(*related).prefetch_related(*prefetch)
    return _sorted(queryset, sort)


def _sorted(queryset: QuerySet[Any], sort: str) -> QuerySet[Any]:
    newest = ("-published_at", "-pk")
    if sort == "price":
        return queryset.order_by(F("amount").asc(nulls_last=True), *newest)
    if sort == "-price":
        return queryset.order_by(F("amount").desc(nulls_last=True), *newest)
    if sort == "views":
        return queryset.order_by("-view_count", *newest)
    if sort == "deadline" and queryset.model is Demand:
        return queryset.order_by(F("deadline").asc(nulls_last=True), *newest)
    return queryset.order_by(*newest)


@dataclass(frozen=True)
class CatalogueEntry:
    """A listing's place in the catalogue and what decides who may see its owner."""

    pk: int
    organisation_id: int
    confidentiality: str

    @property
    def owner_hidden(self) -> bool:
        return self.confidentiality == Confidentiality.ANONYMOUS


def catalogue_count(kind: str, filters: CatalogueFilters | None = None) -> int:
    """How many published listings of ``kind`` match ``filters`` (one query)."""
    return _filtered(kind, filters or CatalogueFilters()).count()


def catalogue_entries(
    kind: str,
    filters: CatalogueFilters | None = None,
    sort: str = DEFAULT_SORT,
    *,
    start: int = 0,
    stop: int = PER_PAGE,
) -> list[CatalogueEntry]:
    """Positions ``start`` to ``stop`` of ``catalogue()``, without content (one query)."""
    rows = _sorted(_filtered(kind, filters or CatalogueFilters()), sort).values_list(
        "pk", "organisation_id", "confidentiality"
    )
    return [CatalogueEntry(*row) for row in rows[start:stop]]


@dataclass(frozen=True)
class FacetOption:
    """One value a visitor can narrow a dimension to, with how many listings it has."""

    value: str
    label: str
    count: int


@dataclass
class Facets:
    """Counts per option of each filter dimension, each under the other filters."""

    fields: list[FacetOption]
    subfields: list[FacetOption]
    provinces: list[FacetOption]
    cities: list[FacetOption]
    stages: list[FacetOption]
    levels: list[FacetOption]
    modes: list[FacetOption]
    prices: list[FacetOption]


def _grouped(queryset: QuerySet[Any], *names: str) -> list[dict[str, Any]]:
    # No ordering (it would join the GROUP BY) and no prefetching (rows are dicts).
    grouped = queryset.order_by().prefetch_related(None).values(*names)
    return list(grouped.annotate(n=Count("pk")))


def catalogue_facets(kind: str, filters: CatalogueFilters) -> Facets:
    """Option counts for every dimension of the catalogue (eight queries, any size).

    Each dimension is counted under all the *other* filters, so a visitor sees how
    many listings choosing an option would show.
    """
    # Fields: top-level counts, and sub-field counts inside the chosen top-level field.
    top_counts: dict[str, int] = {}
    sub_counts: dict[str, int] = {}
    chosen_top = ""
    for row in _grouped(
        catalogue(kind, filters.without("field")), "field__code", "field__parent__code"
    ):
        code, parent = row["field__code"], row["field__parent__code"]
        if code is None:
            continue
        top_counts[parent or code] = top_counts.get(parent or code, 0) + row["n"]
        if parent:
            sub_counts[code] = row["n"]
    field_rows = list(
        TechField.objects.filter(
            Q(parent__isnull=True)
            | Q(code=filters.field)
            | Q(parent__code=filters.field)
            | Q(parent__children__code=filters.field)
        )
        .distinct()
        .select_related("parent")
        if filters.field
        else TechField.objects.filter(parent__isnull=True)
    )
    for field in field_rows:
        if field.code == filters.field:
            chosen_top = field.parent.code if field.parent else field.code
    fields = [
        FacetOption(field.code, field.label, top_counts.get(field.code, 0))
        for field in field_rows
        if field.parent is None
        and (top_counts.get(field.code) or field.code == chosen_top)
    ]
    subfields = [
        FacetOption(field.code, field.label, sub_counts.get(field.code, 0))
        for field in field_rows
        if field.parent is not None
        and field.parent.code == chosen_top
        and (sub_counts.get(field.code) or field.code == filters.field)
    ]

    # Regions: provinces, and cities inside the chosen province.
    province_counts: dict[str, int] = {}
    city_counts: dict[str, int] = {}
    chosen_province = regions.province_of(filters.region) if filters.region else ""
    for row in _grouped(catalogue(kind, filters.without("region")), "region__code"):
        code = row["region__code"]
        if not code:
            continue
        province = regions.province_of(code)
        province_counts[province] = province_counts.get(province, 0) + row["n"]
        if province == chosen_province:
            city = regions.city_of(code)
            city_counts[city] = city_counts.get(city, 0) + row["n"]
    province_codes = set(province_counts)
    if chosen_province:
        province_codes.add(chosen_province)
    region_names = {
        region.code: region.label
        for region in Region.objects.filter(
            code__in=province_codes | set(city_counts)
        ).only("code", "name", "name_en")
    }
    provinces = [
        FacetOption(code, region_names.get(code, code), province_counts.get(code, 0))
        for code in sorted(province_codes)
    ]
    cities = [
        FacetOption(code, region_names.get(code, code), count)
        for code, count in sorted(city_counts.items())
    ]

    # Maturity: stages and readiness levels from one grouping by level.
    spec = registry.get(kind)
    level_field = spec.level_field
    level_counts: dict[int, int] = {}
    for row in _grouped(
        catalogue(kind, dataclasses.replace(filters, stage="", trl=None)), level_field
    ):
        if row[level_field] is not None:
            level_counts[row[level_field]] = row["n"]
    stages = [
        FacetOption(
            str(stage),
            str(MaturityStage(stage).label),
            sum(level_counts.get(level, 0) for level in levels),
        )
        for stage, levels in STAGE_LEVELS.items()
    ]
    levels_options = [
        FacetOption(str(level), f"TRL {level}", level_counts.get(level, 0))
        for level in range(1, 10)
    ]

    # Cooperation modes.
    mode_counts = {
        row["modes__code"]: row["n"]
        for row in _grouped(catalogue(kind, filters.without("mode")), "modes__code")
        if row["modes__code"]
    }
    modes = [
        FacetOption(mode.code, str(mode), mode_counts.get(mode.code, 0))
        for mode in CooperationMode.objects.all()
    ]

    # Price or budget bands, counted in one aggregate.
    base = catalogue(kind, filters.without("price")).order_by()
    aggregates: dict[str, Any] = {}
    for band, (above, up_to) in PRICE_BANDS.items():
        condition = Q(amount__isnull=False)
        if above is not None:
            condition &= Q(amount__gt=above)
        if up_to is not None:
            condition &= Q(amount__lte=up_to)
        aggregates[band] = Count("pk", filter=condition)
    aggregates[NEGOTIABLE] = Count("pk", filter=Q(**{spec.negotiable_field: True}))
    price_counts = base.aggregate(**aggregates)
    prices = [
        FacetOption(band, str(PRICE_BAND_LABELS[band]), price_counts[band])
        for band in [*PRICE_BANDS, NEGOTIABLE]
    ]

    return Facets(
        fields=fields,
        subfields=subfields,
        provinces=provinces,
        cities=cities,
        stages=stages,
        levels=levels_options,
        modes=modes,
        prices=prices,
    )


def listing_detail(kind: str, pk: int) -> Listing | None:
    """One outcome or demand, whatever its status, with everything its page shows."""
    spec = registry.get(kind)
    model = spec.model
    queryset: QuerySet[Any] = model.objects.select_related(
        "organisation", "field__parent", "region__parent__parent"
    ).prefetch_related("modes")
    if spec.detail_related is not None:
        queryset = spec.detail_related(queryset)
    return queryset.filter(pk=pk).first()


def latest_listings(kind: str, *, featured: bool = False, limit: int = 6) -> list[Any]:
    """The newest published listings of a kind (only featured ones when asked)."""
    queryset = catalogue(kind)
    if featured:
        queryset = queryset.filter(is_featured=True)
    return list(queryset[:limit])


@dataclass(frozen=True)
class MarketCounts:
    """Headline numbers of the market for the home page."""

    outcomes: int
    demands: int
    organisations: int


def market_counts() -> MarketCounts:
    """Published outcomes and demands, and verified organisations (two queries)."""
    counts = Listing.objects.published().aggregate(
        **{
            spec.plural: Count("pk", filter=Q(kind=spec.key))
            for spec in (OUTCOME, DEMAND)
        }
    )
    return MarketCounts(
        outcomes=counts[OUTCOME.plural],
        demands=counts[DEMAND.plural],
        organisations=Organisation.objects.verified().count(),
    )


def published_listings(kind: str | None = None) -> QuerySet[Listing]:
    """Every published listing (of one kind when given), newest first, without joins."""
    queryset = Listing.objects.published()
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-published_at", "-pk")


# -- Challenges -----------------------------------------------------------------------


def challenges_awaiting_review() -> QuerySet[Any]:
    """Submitted challenges, oldest first, as the moderators' queue lists them."""
    from market.models import Challenge

    return Challenge.objects.awaiting_review().select_related(  # type: ignore[attr-defined]
        "issuer", "field", "campaign"
    )


def challenge_history(challenge_id: int) -> QuerySet[Any]:
    """The recorded steps of a challenge's life cycle, oldest first."""
    from market.models import ChallengeTransition

    return ChallengeTransition.objects.filter(challenge_id=challenge_id).select_related(
        "by_user"
    )


def applications_visible_to(
    user: Any, challenge_id: int | None = None
) -> QuerySet[Any]:
    """The applications ``user`` may read (market.permissions.can_view_application),
    of one challenge or all, with what their pages show."""
    from market.models import ChallengeApplication
    from market.permissions import visible_applications

    queryset = ChallengeApplication.objects.select_related(
        "challenge", "lead_organisation", "proposal_document"
    ).prefetch_related("members__organisation", "responses__indicator", "milestones")
    if challenge_id is not None:
        queryset = queryset.filter(challenge_id=challenge_id)
    return visible_applications(queryset, user)


# -- The public side of challenges: board, detail, campaigns, honour list -------------

# On the board: published and everything after it, never a challenge withdrawn.
BOARD_PER_PAGE = 20
HONOURED_STATUSES = ("accepted", "paid_out")
# Steps before publication (submission, recall, rejection) stay between the issuer
# and the moderators: the public timeline starts at 发榜.
_PRIVATE_STATUSES = ("draft", "submitted", "rejected")


def board_challenges(
    filters: ChallengeFilters, *, found_ids: list[int] | None = None
) -> QuerySet[Any]:
    """Public challenges matching ``filters``, newest publication first.

    ``found_ids``: the challenges the search index found for ``filters.q`` (the
    board's text search); without them the text is searched in the database (title,
    background and objectives), as when the search engine is down.
    """
    from market.filters import BOUNTY_BANDS, CHALLENGE_STATUS_GROUPS
    from market.models import PUBLIC_CHALLENGE_STATUSES, Challenge

    queryset = Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATUSES)
    if filters.status:
        queryset = queryset.filter(status__in=CHALLENGE_STATUS_GROUPS[filters.status])
    if filters.field:
        queryset = queryset.filter(
            Q(field__code=filters.field) | Q(field__parent__code=filters.field)
        )
    if filters.region:
        queryset = queryset.filter(
            region__code__startswith=regions.prefix(filters.region)
        )
    if filters.bounty:
        low, below = BOUNTY_BANDS[filters.bounty]
        if low is not None:
            queryset = queryset.filter(bounty_wan__gte=low)
        if below is not None:
            queryset = queryset.filter(bounty_wan__lt=below)
    if filters.campaign:
        queryset = queryset.filter(campaign_id=filters.campaign)
    if found_ids is not None:
        queryset = queryset.filter(pk__in=found_ids)
    for word in filters.q.split() if found_ids is None else ():
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(background__icontains=word)
            | Q(objectives__icontains=word)
        )
    return queryset.select_related(
        "issuer", "field__parent", "region__parent__parent", "campaign"
    ).order_by("-published_at", "-pk")


@dataclass(frozen=True)
class BoardOption:
    """One choice of a board filter."""

    value: str
    label: str


@dataclass(frozen=True)
class BoardFacets:
    """What the board's filters offer: only values some public challenge has."""

    fields: list[BoardOption]
    regions: list[BoardOption]
    campaigns: list[BoardOption]


def board_facets() -> BoardFacets:
    """The fields (top level), provinces and campaigns of the public challenges."""
    from market.models import PUBLIC_CHALLENGE_STATUSES, Campaign, Challenge

    public = Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATUSES)
    field_codes = set()
    for code, parent in public.values_list("field__code", "field__parent__code"):
        field_codes.add(parent or code)
    provinces = {
        regions.province_of(code)
        for code in public.values_list("region__code", flat=True)
        if code
    }
    fields = TechField.objects.filter(code__in=field_codes).order_by("code")
    places = Region.objects.filter(code__in=provinces).order_by("code")
    campaigns = (
        Campaign.objects.filter(challenges__in=public)
        .exclude(status="draft")
        .distinct()
        .order_by("-opens_on", "-pk")
    )
    return BoardFacets(
        fields=[BoardOption(f.code, f.label) for f in fields],
        regions=[BoardOption(r.code, r.label) for r in places],
        campaigns=[BoardOption(str(c.pk), c.title) for c in campaigns],
    )


def challenge_detail(challenge_id: int) -> Any:
    """A challenge with what its public page shows, or None (visibility: the caller)."""
    from market.models import Challenge

    return (
        Challenge.objects.select_related(
            "issuer",
            "field__parent",
            "region__parent__parent",
            "campaign",
            "awarded_application__lead_organisation",
        )
        .prefetch_related("indicators", "attachments__document")
        .filter(pk=challenge_id)
        .first()
    )


def public_timeline(challenge_id: int) -> list[Any]:
    """The steps of a challenge's life the public sees: from publication on."""
    from market.models import ChallengeTransition

    return list(
        ChallengeTransition.objects.filter(challenge_id=challenge_id)
        .exclude(to_status__in=_PRIVATE_STATUSES)
        .order_by("at", "pk")
    )


def public_campaign(campaign_id: int) -> Any:
    """A campaign once it is open (never one in preparation), or None."""
    from market.models import Campaign

    return (
        Campaign.objects.select_related("operator")
        .exclude(status="draft")
        .filter(pk=campaign_id)
        .first()
    )


def campaign_challenges(campaign_id: int) -> QuerySet[Any]:
    """The public challenges of a campaign, newest publication first."""
    return board_challenges(ChallengeFilters(campaign=campaign_id))


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator of a challenge: its target, the winner's promise, the value the
    acceptance measured and whether it meets the target (None: not measured)."""

    indicator: Any
    promised: Decimal | None
    achieved: Decimal | None
    met: bool | None


@dataclass(frozen=True)
class HonourEntry:
    """A completed challenge and, per indicator, what was promised and achieved."""

    challenge: Any
    achievements: list[IndicatorResult]


def achieved_values(challenge_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """(challenge id, indicator id) → the achieved value: the one measured at the
    final acceptance, else the one of the milestone accepted last."""
    from market.models import IndicatorMeasurement

    values: dict[tuple[int, int], Decimal] = {}
    # Milestones in the order they were accepted, the final acceptance last: each
    # later value replaces an earlier one.
    rows = (
        IndicatorMeasurement.objects.filter(challenge_id__in=challenge_ids)
        .order_by(
            F("milestone__accepted_at").asc(nulls_last=True),
            F("milestone_id").asc(nulls_last=True),
            "pk",
        )
        .values_list("challenge_id", "indicator_id", "measured_value")
    )
    for challenge_id, indicator_id, value in rows:
        values[(challenge_id, indicator_id)] = value
    return values


def _results(
    challenge: Any,
    promised: dict[tuple[int, int], Decimal],
    achieved: dict[tuple[int, int], Decimal],
) -> list[IndicatorResult]:
    results = []
    for indicator in challenge.indicators.all():
        value = achieved.get((challenge.pk, indicator.pk))
        results.append(
            IndicatorResult(
                indicator=indicator,
                promised=promised.get(
                    (challenge.awarded_application_id or 0, indicator.pk)
                ),
                achieved=value,
                met=indicator.is_met_by(value),
            )
        )
    return results


def _promised(application_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    from market.models import IndicatorResponse

    return {
        (r.application_id, r.indicator_id): r.promised_value
        for r in IndicatorResponse.objects.filter(application_id__in=application_ids)
    }


def indicator_results(challenge: Any) -> list[IndicatorResult]:
    """Per indicator of ``challenge``: target, promise, achieved value, met or not."""
    winners = (
        [challenge.awarded_application_id] if challenge.awarded_application_id else []
    )
    return _results(challenge, _promised(winners), achieved_values([challenge.pk]))


def honour_list() -> list[HonourEntry]:
    """Accepted and paid-out challenges with the winner's promise and the achieved
    value per indicator, most recently completed first."""
    from market.models import Challenge

    challenges = list(
        Challenge.objects.filter(status__in=HONOURED_STATUSES)
        .select_related("issuer", "field", "awarded_application__lead_organisation")
        .prefetch_related("indicators")
        .order_by("-status_changed_at", "-pk")
    )
    promised = _promised(
        [c.awarded_application_id for c in challenges if c.awarded_application_id]
    )
    achieved = achieved_values([c.pk for c in challenges])
    return [
        HonourEntry(
            challenge=challenge, achievements=_results(challenge, promised, achieved)
        )
        for challenge in challenges
    ]


def latest_public_challenges(limit: int) -> QuerySet[Any]:
    """The most recently published challenges (the feed), newest first."""
    return board_challenges(ChallengeFilters()).exclude(published_at__isnull=True)[
        :limit
    ]


def campaigns_with_results(limit: int) -> QuerySet[Any]:
    """Campaigns that published their results, most recently updated first."""
    from market.models import Campaign

    return (
        Campaign.objects.filter(status="results")
        .select_related("operator")
        .order_by("-updated_at", "-pk")[:limit]
    )


# -- Expert review --------------------------------------------------------------------


def blind_codes(challenge_id: int) -> dict[int, str]:
    """Application id → the code experts know it by in a blind review ("A01", …),
    numbered in the order the applications were created."""
    from market.models import ApplicationStatus, ChallengeApplication

    ids = ChallengeApplication.objects.filter(
        challenge_id=challenge_id, status=ApplicationStatus.SUBMITTED
    ).order_by("created_at", "pk")
    return {
        pk: f"A{position:02d}"
        for position, pk in enumerate(ids.values_list("pk", flat=True), start=1)
    }


def submitted_applications(challenge_id: int) -> QuerySet[Any]:
    """A challenge's submitted applications with their formal check, oldest first."""
    from market.models import ApplicationStatus, ChallengeApplication

    return (
        ChallengeApplication.objects.filter(
            challenge_id=challenge_id, status=ApplicationStatus.SUBMITTED
        )
        .select_related("lead_organisation", "formal_check", "formal_check__checked_by")
        .order_by("created_at", "pk")
    )


def panel_applications(challenge_id: int) -> QuerySet[Any]:
    """The applications that passed the formal check: what the experts review."""
    from market.models import FormalCheckOutcome

    return submitted_applications(challenge_id).filter(
        formal_check__outcome=FormalCheckOutcome.COMPLETE
    )


def panel_assignments(challenge_id: int) -> QuerySet[Any]:
    """The experts on a challenge's panel, in the order they were assigned."""
    from market.models import ExpertAssignment

    return ExpertAssignment.objects.filter(challenge_id=challenge_id).select_related(
        "expert", "assigned_by"
    )


def expert_assignments(user: Any) -> QuerySet[Any]:
    """The panels ``user`` sits on, newest challenge first."""
    from market.models import ExpertAssignment

    return (
        ExpertAssignment.objects.filter(expert_id=user.pk)
        .select_related("challenge", "challenge__review_panel")
        .order_by("-challenge__closed_at", "-pk")
    )


def available_experts(challenge_id: int) -> QuerySet[Any]:
    """Active users with the expert role who are not on the challenge's panel yet."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(
        content_type__app_label="market", codename="serve_on_panel"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions=permission) | Q(user_permissions=permission))
        .exclude(expert_assignments__challenge_id=challenge_id)
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class RankedApplication:
    """One complete application in the ranking, with its combined scores."""

    application: Any
    code: str
    aggregate: Any
    rank: int | None


def review_ranking(challenge_id: int) -> list[RankedApplication]:
    """The complete applications by combined score, highest first (market.scoring);
    those nobody scored come last, unranked."""
    from market.models import ScoreSheet
    from market.scoring import aggregate

    codes = blind_codes(challenge_id)
    applications = list(panel_applications(challenge_id))
    totals: dict[int, list[Any]] = {a.pk: [] for a in applications}
    for application_id, total in ScoreSheet.objects.filter(
        application_id__in=totals
    ).values_list("application_id", "total"):
        totals[application_id].append(total)
    rows = [
        (application, codes.get(application.pk, ""), aggregate(totals[application.pk]))
        for application in applications
    ]
    rows.sort(key=lambda row: (row[2].result is None, -(row[2].result or 0), row[1]))
    ranked: list[RankedApplication] = []
    for position, (application, code, combined) in enumerate(rows, start=1):
        rank = position if combined.result is not None else None
        ranked.append(RankedApplication(application, code, combined, rank))
    return ranked


# -- Delivery -------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryOverview:
    """What the delivery page shows of an awarded challenge."""

    milestones: list[Any]
    final_measurements: list[Any]
    final_evidence: list[Any]
    payouts: list[Any]
    paid: Decimal
    remaining: Decimal
    results: list[IndicatorResult]
    log: list[Any]


def delivery_overview(challenge: Any) -> DeliveryOverview:
    """Milestones with their indicators, values and evidence; the final acceptance;
    the payouts with their total; the results per indicator; the delivery log."""
    from market.models import (
        DeliveryEvidence,
        DeliveryLogEntry,
        DeliveryMilestone,
        IndicatorMeasurement,
        Payout,
    )

    milestones = list(
        DeliveryMilestone.objects.filter(challenge=challenge)
        .select_related("accepted_by")
        .prefetch_related(
            "indicators",
            Prefetch(
                "measurements",
                queryset=IndicatorMeasurement.objects.select_related(
                    "indicator", "recorded_by"
                ),
            ),
            Prefetch(
                "evidence",
                queryset=DeliveryEvidence.objects.select_related("document"),
            ),
        )
    )
    payouts = list(
        Payout.objects.filter(challenge=challenge).select_related(
            "milestone", "recorded_by"
        )
    )
    paid = sum((p.amount_wan for p in payouts), Decimal("0"))
    return DeliveryOverview(
        milestones=milestones,
        final_measurements=list(
            IndicatorMeasurement.objects.filter(
                challenge=challenge, milestone__isnull=True
            ).select_related("indicator", "recorded_by")
        ),
        final_evidence=list(
            DeliveryEvidence.objects.filter(
                challenge=challenge, milestone__isnull=True
            ).select_related("document")
        ),
        payouts=payouts,
        paid=paid,
        remaining=challenge.bounty_wan - paid,
        results=indicator_results(challenge),
        log=list(
            DeliveryLogEntry.objects.filter(challenge=challenge).select_related(
                "by_user"
            )
        ),
    )


# -- Deals ------------------------------------------------------------------------------


def deals_with_parties() -> QuerySet[Any]:
    """Deals with what a list shows (parties, agent, field) fetched in the same query."""
    from market.models import Deal

    return Deal.objects.select_related("supplier", "buyer", "agent", "field")


@dataclass
class PipelineColumn:
    """One stage of an agent's pipeline and its deals."""

    stage: str
    label: Any
    deals: list[Any]


def agent_pipeline(agent_id: int) -> tuple[list[PipelineColumn], list[Any]]:
    """The agent's deals by stage (the columns in order) and their terminated ones,
    with their notes (two queries)."""
    from market.models import DEAL_STAGE_ORDER, DealStage

    columns = {
        stage: PipelineColumn(stage, DealStage(stage).label, [])
        for stage in DEAL_STAGE_ORDER
    }
    terminated: list[Any] = []
    for deal in (
        deals_with_parties()
        .filter(agent_id=agent_id)
        .prefetch_related("notes")
        .order_by("stage_changed_at", "pk")
    ):
        if deal.stage == DealStage.TERMINATED:
            terminated.append(deal)
        else:
            columns[deal.stage].deals.append(deal)
    terminated.sort(key=lambda deal: deal.stage_changed_at, reverse=True)
    return list(columns.values()), terminated


@dataclass
class AgentPipelineSummary:
    """A manager's line for one agent: deals and contract amounts by stage, commission."""

    agent: Any
    counts: dict[str, int]
    amounts: dict[str, Decimal]
    commission_wan: Decimal
    open_count: int

    def cells(self) -> list[tuple[int, Decimal]]:
        from market.models import DEAL_STAGE_ORDER, DealStage

        return [
            (self.counts.get(stage, 0), self.amounts.get(stage, Decimal("0")))
            for stage in (*DEAL_STAGE_ORDER, DealStage.TERMINATED)
        ]


def pipelines_by_agent() -> tuple[list[AgentPipelineSummary], AgentPipelineSummary]:
    """Every agent's pipeline (deals without an agent under ``None``) and the totals.

    Commission counts the signed stages only (a terminated or unsigned deal earns none).
    """
    from django.contrib.auth import get_user_model

    from market.models import SIGNED_STAGES, Deal

    rows: dict[int | None, AgentPipelineSummary] = {}
    total = AgentPipelineSummary(None, {}, {}, Decimal("0"), 0)
    for deal in Deal.objects.only(
        "agent_id",
        "stage",
        "contract_amount_wan",
        "transaction_amount_wan",
        "commission_rate",
        "commission_fixed_wan",
    ):
        line = rows.setdefault(
            deal.agent_id,
            AgentPipelineSummary(deal.agent_id, {}, {}, Decimal("0"), 0),
        )
        amount = deal.contract_amount_wan or Decimal("0")
        for summary in (line, total):
            summary.counts[deal.stage] = summary.counts.get(deal.stage, 0) + 1
            summary.amounts[deal.stage] = (
                summary.amounts.get(deal.stage, Decimal("0")) + amount
            )
            if deal.is_open:
                summary.open_count += 1
            if deal.stage in SIGNED_STAGES and deal.commission_wan is not None:
                summary.commission_wan += deal.commission_wan
    users = get_user_model().objects.in_bulk([pk for pk in rows if pk is not None])
    for agent_id, line in rows.items():
        line.agent = users.get(agent_id) if agent_id is not None else None
    lines = sorted(
        rows.values(),
        key=lambda line: (line.agent is None, str(line.agent or "")),
    )
    return lines, total


def deal_timeline(deal_id: int) -> QuerySet[Any]:
    """A deal's recorded stage changes, oldest first, with who made them."""
    from market.models import DealTransition

    return DealTransition.objects.filter(deal_id=deal_id).select_related("by_user")
