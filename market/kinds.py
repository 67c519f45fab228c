"""One registry of listing kinds: what differs between outcomes, demands (and later
challenges) is said here once, as data or as a function the entry points to.

Each kind is a frozen ``KindSpec``: its model, labels, admin URL namespace, the plural
slug its catalogue, feed, sitemap and search index are named after, the fields its
filters read (readiness level, negotiable flag, amount), the sorts only it has, the
related rows its pages need, and the permission codenames of its model.

Other apps attach their own per-kind parts without ``market`` importing them:
``registry.attach(kind, "search.document_builder", fn)`` from ``search``,
``registry.attach(kind, "cms.index_page", OutcomeIndexPage)`` from ``cms``, read back
with ``registry.part(kind, name)``. Adding a kind is one entry here, its model and
its templates (see docs/architecture.md, "Listing kinds").
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from market.models import (
    Demand,
    Listing,
    ListingKind,
    Outcome,
    OutcomeAttachment,
    OutcomeImage,
)


def _outcome_count(count: int) -> str:
    return ngettext("%(counter)s outcome", "%(counter)s outcomes", count) % {
        "counter": count
    }


def _demand_count(count: int) -> str:
    return ngettext("%(counter)s demand", "%(counter)s demands", count) % {
        "counter": count
    }


def _outcome_detail(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """What an outcome's page shows beyond a demand's: cover, gallery, files, IP."""
    return queryset.select_related("cover_image").prefetch_related(
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


@dataclass(frozen=True)
class KindSpec:
    """Everything that differs between two kinds of listing, as data."""

    key: str  # the value stored in Listing.kind
    model: type[Listing]
    label: str | Promise  # "Research outcome"
    plural: str  # "outcomes": catalogue, feed, sitemap and search index names
    admin_namespace: str  # the Wagtail admin view set's URL namespace
    # What the catalogue filters and facets read on this kind's rows.
    level_field: str  # readiness level: what an outcome has, what a demand wants
    negotiable_field: str
    amount: Callable[[], Any]  # expression: the amount rows are priced and sorted by
    amount_label: str | Promise  # "Price" / "Budget"
    level_label: str | Promise  # "Maturity" / "Expected maturity"
    count_text: Callable[[int], str]  # "128 outcomes"
    body_field: str  # the long rich-text description
    # Sorts only this kind offers (beyond the common ones).
    own_sorts: tuple[str, ...] = ()
    # Related rows a catalogue card and a detail page need beyond the common ones.
    card_related: tuple[str, ...] = ()
    card_prefetch: tuple[str, ...] = ()
    # The kind's own columns that a search document is built from.
    own_values: tuple[str, ...] = ()
    # Adds what the detail page shows beyond the common related rows.
    detail_related: Callable[[QuerySet[Any]], QuerySet[Any]] | None = None
    facets: tuple[str, ...] = ("field", "region", "stage", "trl", "mode", "price")
    parts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def permission(self, action: str) -> str:
        """The Django permission codename for ``action`` on this kind's model."""
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"


class KindRegistry:
    """The kinds of listing the market knows, by key and by model."""

    def __init__(self) -> None:
        self._kinds: dict[str, KindSpec] = {}

    def register(self, spec: KindSpec) -> KindSpec:
        if spec.key in self._kinds:
            raise ValueError(f"Listing kind {spec.key!r} is already registered")
        self._kinds[spec.key] = spec
        return spec

    def get(self, key: str) -> KindSpec:
        """The kind stored as ``key``; ValueError for an unknown one."""
        try:
            return self._kinds[str(key)]
        except KeyError:
            raise ValueError(f"Unknown listing kind {key!r}") from None

    def of(self, listing: Listing) -> KindSpec:
        """The kind of a listing (parent ``Listing`` rows included)."""
        return self.get(listing.kind)

    def for_model(self, model: type[Any]) -> KindSpec:
        """The kind whose model is ``model`` (or a subclass of it)."""
        for spec in self._kinds.values():
            if issubclass(model, spec.model):
                return spec
        raise ValueError(f"{model!r} is not a listing kind's model")

    def for_plural(self, plural: str) -> KindSpec:
        """The kind named ``plural`` in URLs and index names ("outcomes")."""
        for spec in self._kinds.values():
            if spec.plural == plural:
                return spec
        raise ValueError(f"Unknown listing kind {plural!r}")

    def all(self) -> tuple[KindSpec, ...]:
        """Every kind, in registration order."""
        return tuple(self._kinds.values())

    def keys(self) -> tuple[str, ...]:
        return tuple(self._kinds)

    def __iter__(self) -> Iterator[KindSpec]:
        return iter(self.all())

    def __contains__(self, key: object) -> bool:
        return key in self._kinds

    def attach(self, key: str, name: str, value: Any) -> None:
        """Attach another app's per-kind part (a document builder, a page model…)."""
        self.get(key).parts[name] = value

    def part(self, key: str, name: str) -> Any:
        """A part attached with ``attach``; LookupError when the app did not attach it."""
        try:
            return self.get(key).parts[name]
        except KeyError:
            raise LookupError(f"No {name!r} attached to kind {key!r}") from None


registry = KindRegistry()

OUTCOME = registry.register(
    KindSpec(
        key=ListingKind.OUTCOME.value,
        model=Outcome,
        label=ListingKind.OUTCOME.label,
        plural="outcomes",
        admin_namespace="market_outcomes",
        level_field="maturity",
        negotiable_field="price_negotiable",
        amount=lambda: F("price_wan"),
        amount_label=_("Price"),
        level_label=_("Maturity"),
        count_text=_outcome_count,
        body_field="description",
        card_related=("cover_image",),
        card_prefetch=("cover_image__renditions",),
        detail_related=_outcome_detail,
        own_values=("maturity", "price_wan", "price_max_wan", "price_negotiable"),
    )
)

DEMAND = registry.register(
    KindSpec(
        key=ListingKind.DEMAND.value,
        model=Demand,
        label=ListingKind.DEMAND.label,
        plural="demands",
        admin_namespace="market_demands",
        level_field="expected_maturity",
        negotiable_field="budget_negotiable",
        # A budget is priced by its top, or its floor when it has no top.
        amount=lambda: Coalesce("budget_max_wan", "budget_min_wan"),
        amount_label=_("Budget"),
        level_label=_("Expected maturity"),
        count_text=_demand_count,
        body_field="problem",
        own_sorts=("deadline",),
        own_values=(
            "expected_maturity",
            "budget_min_wan",
            "budget_max_wan",
            "budget_negotiable",
        ),
    )
)
