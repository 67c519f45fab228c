"""Reads of the public catalogue: published listings by kind, filtered, sorted, counted.

``catalogue()`` is the one place the catalogue query lives, so that the search issue
can swap the database for the search engine behind the same signature.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from market.models import (
    STAGE_LEVELS,
    Confidentiality,
    CooperationMode,
    Demand,
    Listing,
    ListingKind,
    ListingStatus,
    MaturityStage,
    Organisation,
    Outcome,
    OutcomeAttachment,
    OutcomeImage,
    Region,
    TechField,
)
from market.params import parse_int

PER_PAGE = 20

NEGOTIABLE = "negotiable"

# Band → (above, up to) in 10k CNY; "above" is exclusive, "up to" inclusive.
PRICE_BANDS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "le50": (None, Decimal(50)),
    "50-200": (Decimal(50), Decimal(200)),
    "200-1000": (Decimal(200), Decimal(1000)),
    "gt1000": (Decimal(1000), None),
}

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
# Sorts that only one kind has: demands close, outcomes do not.
_KIND_SORTS: dict[str, str] = {"deadline": ListingKind.DEMAND}


def sorts_for(kind: str) -> dict[str, str | Promise]:
    """The sort orders the catalogue of ``kind`` offers, by name, with their labels."""
    return {
        name: label
        for name, label in SORTS.items()
        if _KIND_SORTS.get(name, kind) == kind
    }


# ASCII digits only: \d alone also matches "²" and "٣".
_FIELD_CODE = re.compile(r"^\d{2}(\d{2})?$", re.ASCII)
_REGION_CODE = re.compile(r"^\d{6}$", re.ASCII)
_MODE_CODE = re.compile(r"^[-a-z0-9_]{1,30}$")

_MODELS: dict[str, type[Listing]] = {
    ListingKind.OUTCOME: Outcome,
    ListingKind.DEMAND: Demand,
}
# The readiness level a kind is filtered by: what an outcome has, what a demand wants.
_LEVEL_FIELD: dict[str, str] = {
    ListingKind.OUTCOME: "maturity",
    ListingKind.DEMAND: "expected_maturity",
}
_NEGOTIABLE_FIELD: dict[str, str] = {
    ListingKind.OUTCOME: "price_negotiable",
    ListingKind.DEMAND: "budget_negotiable",
}


@dataclass(frozen=True)
class CatalogueFilters:
    """What a visitor narrowed the catalogue to; empty values mean "any"."""

    field: str = ""  # TechField code: top-level ("04") or sub-field ("0401")
    region: str = ""  # GB/T 2260 code of a province, city or district
    stage: str = ""  # MaturityStage value
    trl: int | None = None  # readiness level 1–9
    mode: str = ""  # CooperationMode code
    price: str = ""  # a PRICE_BANDS key or NEGOTIABLE

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CatalogueFilters:
        """Filters from query parameters; malformed values are dropped, never an error."""

        def text(name: str) -> str:
            value = params.get(name)
            return value.strip() if isinstance(value, str) else ""

        field = text("field")
        region = text("region")
        stage = text("stage")
        mode = text("mode")
        price = text("price")
        trl = parse_int(params.get("trl"), minimum=1, maximum=9, default=None)
        return cls(
            field=field if _FIELD_CODE.match(field) else "",
            region=region if _REGION_CODE.match(region) else "",
            stage=stage if stage in STAGE_LEVELS else "",
            trl=trl,
            mode=mode if _MODE_CODE.match(mode) else "",
            price=price if price in PRICE_BANDS or price == NEGOTIABLE else "",
        )

    def without(self, name: str) -> CatalogueFilters:
        """The same filters with one dimension cleared (for facet counts)."""
        cleared: dict[str, Any] = {name: None if name == "trl" else ""}
        return dataclasses.replace(self, **cleared)

    def as_params(self) -> dict[str, str]:
        """The non-empty filters as query parameters."""
        # Not dataclasses.asdict(): it deep-copies, and every catalogue page asks.
        return {
            key: str(value)
            for key in _FILTER_NAMES
            if (value := getattr(self, key)) not in ("", None)
        }

    @property
    def active(self) -> bool:
        return any(getattr(self, key) not in ("", None) for key in _FILTER_NAMES)


_FILTER_NAMES = tuple(field.name for field in dataclasses.fields(CatalogueFilters))


def _model(kind: str) -> type[Listing]:
    try:
        return _MODELS[kind]
    except KeyError:
        raise ValueError(f"Unknown listing kind {kind!r}") from None


def _amount(kind: str) -> Any:
    """The amount a listing is priced and sorted by: price, or the top of the budget."""
    if kind == ListingKind.OUTCOME:
        return F("price_wan")
    return Coalesce("budget_max_wan", "budget_min_wan")


def _region_prefix(code: str) -> str:
    """The code prefix every division inside ``code`` shares (GB/T 2260 layout)."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _filtered(kind: str, filters: CatalogueFilters) -> QuerySet[Any]:
    model = _model(kind)
    # ``kind`` repeats what the model implies, so that PostgreSQL walks the
    # (kind, status, published_at) index instead of sorting the whole kind.
    queryset: QuerySet[Any] = model.objects.filter(
        kind=kind, status=ListingStatus.PUBLISHED
    ).annotate(amount=_amount(kind))
    if filters.field:
        queryset = queryset.filter(
            Q(field__code=filters.field) | Q(field__parent__code=filters.field)
        )
    if filters.region:
        queryset = queryset.filter(
            region__code__startswith=_region_prefix(filters.region)
        )
    level = _LEVEL_FIELD[kind]
    if filters.stage:
        queryset = queryset.filter(**{f"{level}__in": STAGE_LEVELS[filters.stage]})
    if filters.trl is not None:
        queryset = queryset.filter(**{level: filters.trl})
    if filters.mode:
        queryset = queryset.filter(modes__code=filters.mode)
    if filters.price == NEGOTIABLE:
        queryset = queryset.filter(**{_NEGOTIABLE_FIELD[kind]: True})
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
    related = ["organisation", "field"]
    prefetch: list[Any] = [
        "modes",
        Prefetch("region", queryset=Region.objects.select_related("parent__parent")),
    ]
    if kind == ListingKind.OUTCOME:
        related.append("cover_image")
        prefetch.append("cover_image__renditions")
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
    chosen_province = filters.region[:2] + "0000" if filters.region else ""
    for row in _grouped(catalogue(kind, filters.without("region")), "region__code"):
        code = row["region__code"]
        if not code:
            continue
        province = code[:2] + "0000"
        province_counts[province] = province_counts.get(province, 0) + row["n"]
        if province == chosen_province:
            city = code[:4] + "00"
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
    level_field = _LEVEL_FIELD[kind]
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
    aggregates[NEGOTIABLE] = Count("pk", filter=Q(**{_NEGOTIABLE_FIELD[kind]: True}))
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
    model = _model(kind)
    queryset: QuerySet[Any] = model.objects.select_related(
        "organisation", "field__parent", "region__parent__parent"
    ).prefetch_related("modes")
    if kind == ListingKind.OUTCOME:
        queryset = queryset.select_related("cover_image").prefetch_related(
            "cover_image__renditions",
            "ip_rights",
            Prefetch(
                "gallery",
                queryset=OutcomeImage.objects.select_related("image").prefetch_related(
                    "image__renditions"
                ),
            ),
            Prefetch(
                "attachments",
                queryset=OutcomeAttachment.objects.select_related("document"),
            ),
        )
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
        outcomes=Count("pk", filter=Q(kind=ListingKind.OUTCOME)),
        demands=Count("pk", filter=Q(kind=ListingKind.DEMAND)),
    )
    return MarketCounts(
        outcomes=counts["outcomes"],
        demands=counts["demands"],
        organisations=Organisation.objects.verified().count(),
    )


def published_listings(kind: str | None = None) -> QuerySet[Listing]:
    """Every published listing (of one kind when given), newest first, without joins."""
    queryset = Listing.objects.published()
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-published_at", "-pk")
