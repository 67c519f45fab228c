"""Reads of the workbench: an owner's listings with what their rows show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch
from wagtail.images import get_image_model

from market.completeness import Completeness, assess
from market.models import Demand, Listing, ListingStatus, Organisation, Outcome

S = ListingStatus
PAGE_SIZE = 20
THUMBNAIL = "fill-96x72"

# The life-cycle steps an owner may take from each status (see market.services.listings).
OWNER_ACTIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: ("submit",),
    S.SUBMITTED: ("withdraw",),
    S.PUBLISHED: ("renew", "archive"),
    S.REJECTED: ("submit",),
    S.ARCHIVED: ("renew",),
    S.EXPIRED: ("renew", "archive"),
}


@dataclass
class WorkbenchRow:
    """One listing in the owner's list, with its completeness and next steps."""

    listing: Listing
    completeness: Completeness
    actions: tuple[str, ...]
    days_left: int | None
    editable: bool


@dataclass
class Workbench:
    """The page of rows shown, the status counts and the owner's organisations."""

    organisations: list[Organisation]
    rows: list[WorkbenchRow]
    page: Page[Any] | None
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.status_counts.values())


def organisations_of(organisation_ids: set[int]) -> list[Organisation]:
    """The organisations a user acts for, by name."""
    if not organisation_ids:
        return []
    return list(Organisation.objects.filter(pk__in=organisation_ids).order_by("name"))


def workbench(
    organisation_ids: set[int], *, status: str = "", page_number: int = 1
) -> Workbench:
    """The listings of ``organisation_ids``, newest change first, in a fixed number of queries."""
    organisations = organisations_of(organisation_ids)
    if not organisations:
        return Workbench(organisations=[], rows=[], page=None)
    owned = Listing.objects.filter(organisation_id__in=organisation_ids)
    status_counts = {
        row["status"]: row["n"]
        for row in owned.order_by().values("status").annotate(n=Count("pk"))
    }
    if status in S.values:
        owned = owned.filter(status=status)
    keys = owned.order_by("-updated_at", "-pk").values_list("pk", "kind")
    page = Paginator(keys, PAGE_SIZE).get_page(page_number)
    ids_by_kind: dict[str, list[int]] = {}
    for pk, kind in page.object_list:
        ids_by_kind.setdefault(kind, []).append(pk)
    by_pk: dict[int, Listing] = {}
    if ids_by_kind.get("outcome"):
        images = get_image_model().objects.prefetch_renditions(THUMBNAIL)
        outcomes = (
            Outcome.objects.filter(pk__in=ids_by_kind["outcome"])
            .select_related("organisation")
            .prefetch_related(
                Prefetch("cover_image", queryset=images),
                "ip_rights",
                "gallery",
                "attachments",
            )
        )
        by_pk.update({o.pk: o for o in outcomes})
    if ids_by_kind.get("demand"):
        demands = Demand.objects.filter(pk__in=ids_by_kind["demand"]).select_related(
            "organisation"
        )
        by_pk.update({d.pk: d for d in demands})
    rows = [_row(by_pk[pk]) for pk, _kind in page.object_list if pk in by_pk]
    return Workbench(
        organisations=organisations,
        rows=rows,
        page=page,
        status_counts=status_counts,
    )


def _row(listing: Listing) -> WorkbenchRow:
    return WorkbenchRow(
        listing=listing,
        completeness=assess(listing),
        actions=OWNER_ACTIONS.get(listing.status, ()),
        days_left=listing.days_left() if listing.status == S.PUBLISHED else None,
        editable=listing.status != S.SUBMITTED,
    )
