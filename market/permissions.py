"""Who may see and do what with listings: the one place these rules live.

The market knows people only through Django permissions and the membership source
``accounts`` registers (``market.membership``); it imports no other app.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from market.membership import active_organisation_ids
from market.models import (
    AccessReason,
    AccessRequest,
    AccessRequestStatus,
    Listing,
    ListingStatus,
)

EDITABLE_STATUSES = {
    ListingStatus.DRAFT,
    ListingStatus.REJECTED,
    ListingStatus.PUBLISHED,
    ListingStatus.ARCHIVED,
    ListingStatus.EXPIRED,
}


def member_organisation_ids(user: Any) -> set[int]:
    """Organisations the user actively belongs to (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_market_org_ids", None)
    if cached is None:
        cached = active_organisation_ids(user.pk)
        user._market_org_ids = cached
    return cached


def can_moderate(user: Any) -> bool:
    """Moderators review, publish, reject and archive any listing."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "market.moderate_listing"
    )


def is_agent(user: Any) -> bool:
    """Transfer agents (and moderators) read every listing's protected details."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm(
        "market.view_protected_details"
    )


def is_owner(user: Any, listing: Listing) -> bool:
    return listing.organisation_id in member_organisation_ids(user)


def can_view(user: Any, listing: Listing) -> bool:
    """Published listings are public; the rest only to their organisation and moderators."""
    return (
        listing.status == ListingStatus.PUBLISHED
        or is_owner(user, listing)
        or can_moderate(user)
    )


def visible_listings(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """The listings of ``queryset`` that ``can_view`` shows ``user``, as one query.

    Every admin view, chooser, bulk action and log that lists or looks up listings
    goes through this, so an agent never sees another organisation's unpublished one.
    """
    if can_moderate(user):
        return queryset
    return queryset.filter(
        Q(status=ListingStatus.PUBLISHED)
        | Q(organisation_id__in=member_organisation_ids(user))
    )


def can_edit(user: Any, listing: Listing) -> bool:
    """Owners edit their listings except while a moderator reviews them."""
    return is_owner(user, listing) and listing.status in EDITABLE_STATUSES


def can_create_for(user: Any, organisation_id: int) -> bool:
    return organisation_id in member_organisation_ids(user)


def can_see_owner(user: Any, listing: Listing) -> bool:
    """Anonymous listings hide their organisation from all but owner, agents, moderators."""
    return not listing.owner_hidden or is_owner(user, listing) or is_agent(user)


def can_see_contact(user: Any, listing: Listing) -> bool:
    """Contact details: logged-in users for public listings; never the public at large."""
    if is_owner(user, listing) or is_agent(user):
        return True
    return bool(getattr(user, "is_authenticated", False)) and not listing.owner_hidden


def protected_access_reason(user: Any, listing: Listing) -> str | None:
    """Why ``user`` may read the protected details, or None when they may not."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_owner(user, listing):
        return AccessReason.OWNER
    if can_moderate(user):
        return AccessReason.MODERATOR
    if is_agent(user):
        return AccessReason.AGENT
    granted = AccessRequest.objects.filter(
        listing=listing, requester=user, status=AccessRequestStatus.GRANTED
    ).exists()
    return AccessReason.GRANT if granted else None
