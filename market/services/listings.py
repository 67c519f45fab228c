"""The listing life cycle: draft → submitted → published | rejected → archived (or expired).

Every write here owns its transaction, locks the row it changes, keeps a Wagtail revision
of the content, and announces status changes with ``listing_status_changed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from market.models import (
    CooperationMode,
    Demand,
    Listing,
    ListingKind,
    ListingStatus,
    Outcome,
)
from market.signals import listing_status_changed, listings_changed

S = ListingStatus


class ListingError(Exception):
    """A request the life cycle refuses; ``message`` is shown to the user."""

    def __init__(self, message: str | Promise, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class IllegalTransition(ListingError):
    """The listing's current status does not allow the requested step."""


class EditConflict(ListingError):
    """The listing changed since the editor loaded it; saving would undo that change."""


@dataclass
class SubmissionIncomplete(ListingError):
    """Required fields are missing; ``missing`` maps field name → message."""

    missing: dict[str, str | Promise]

    def __post_init__(self) -> None:
        super().__init__(
            _("Complete the required fields before submitting."), "incomplete"
        )


# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.REJECTED, S.ARCHIVED, S.EXPIRED}), S.SUBMITTED),
    "withdraw": (frozenset({S.SUBMITTED}), S.DRAFT),
    "publish": (frozenset({S.SUBMITTED}), S.PUBLISHED),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "archive": (frozenset({S.PUBLISHED, S.EXPIRED}), S.ARCHIVED),
    "expire": (frozenset({S.PUBLISHED}), S.EXPIRED),
    # An owner's edit of a published listing sends it back to the moderators.
    "resubmit": (frozenset({S.PUBLISHED}), S.SUBMITTED),
}


def validity_days() -> int:
    """How long a publication stays valid before its owner must renew it."""
    return int(getattr(settings, "LISTING_VALIDITY_DAYS", 365))


def missing_for_submission(listing: Listing) -> dict[str, str | Promise]:
    """Field name → message for everything a reviewer needs that is still empty."""
    specific = listing.get_specific()
    missing: dict[str, str | Promise] = {}
    required = _("This field is required before submitting.")
    for name in ("title", "summary", "field_id", "region_id", "contact_name"):
        if not getattr(specific, name):
            missing[name.removesuffix("_id")] = required
    if specific.pk and not specific.modes.exists():
        missing["modes"] = _("Choose at least one cooperation mode.")
    if isinstance(specific, Outcome):
        if not specific.description:
            missing["description"] = required
        if specific.maturity is None:
            missing["maturity"] = required
        if specific.price_wan is None and not specific.price_negotiable:
            missing["price_wan"] = _("Give a price or mark it as negotiable.")
    elif isinstance(specific, Demand):
        if not specific.problem:
            missing["problem"] = required
        if not specific.objectives:
            missing["objectives"] = _("List at least one technical objective.")
        if (
            specific.budget_min_wan is None
            and specific.budget_max_wan is None
            and not specific.budget_negotiable
        ):
            missing["budget_max_wan"] = _("Give a budget or mark it as negotiable.")
        if specific.deadline is None:
            missing["deadline"] = required
        elif specific.deadline < timezone.localdate():
            missing["deadline"] = _("The deadline has passed; choose a later date.")
    return missing


def _valid_until(listing: Listing, valid_days: int | None) -> dt.date:
    """Today plus the validity period; a demand's publication ends at its deadline."""
    until = timezone.localdate() + dt.timedelta(days=valid_days or validity_days())
    if isinstance(listing, Demand) and listing.deadline and listing.deadline < until:
        return listing.deadline
    return until


def _lock(listing_id: int) -> Listing:
    listing = Listing.objects.select_for_update().get(pk=listing_id)
    return listing.get_specific()


def _step(
    listing: Listing,
    action: str,
    *,
    by_user_id: int | None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Listing:
    allowed_from, target = TRANSITIONS[action]
    if listing.status not in allowed_from:
        raise IllegalTransition(
            _("A listing that is “%(status)s” cannot be %(action)s.")
            % {"status": listing.get_status_display(), "action": ACTION_LABELS[action]},
            code="illegal_transition",
        )
    old = listing.status
    listing.status = target
    listing.status_changed_at = now or timezone.now()
    listing.save()
    user = _user(by_user_id)
    revision = listing.save_revision(user=user, clean=False)
    # Wagtail's history view lists these next to the admin's own edits.
    log(
        instance=listing,
        action=f"market.{action}_listing",
        user=user,
        revision=revision,
        data={"reason": reason} if reason else {},
    )
    listing_status_changed.send(
        sender=type(listing),
        listing_id=listing.pk,
        kind=listing.kind,
        old_status=old,
        new_status=target,
        by_user_id=by_user_id,
        reason=reason,
    )
    return listing


ACTION_LABELS = {
    "submit": _("submitted"),
    "withdraw": _("withdrawn"),
    "publish": _("published"),
    "reject": _("rejected"),
    "archive": _("archived"),
    "expire": _("expired"),
    "resubmit": _("submitted"),
}


def _user(user_id: int | None):  # type: ignore[no-untyped-def]
    if user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=user_id).first()


# What the owner's form never sets: the life cycle, the moderators and the view
# counter own these. An edit keeps them as stored when it is saved, not as they were
# when the editor loaded the listing.
SYSTEM_FIELDS = (
    "status",
    "status_changed_at",
    "submitted_at",
    "first_published_at",
    "published_at",
    "reviewed_at",
    "reviewed_by_id",
    "rejection_reason",
    "valid_until",
    "renewal_reminded_at",
    "archived_at",
    "is_featured",
    "view_count",
    "external_id",
    "created_by_id",
    "latest_revision_id",
)


@transaction.atomic
def save_listing(
    listing: Listing,
    *,
    by_user_id: int,
    modes: Iterable[CooperationMode] | None = None,
    loaded_revision_id: int | None = None,
) -> Listing:
    """Create or update a listing from its owner's form, keeping a revision.

    ``loaded_revision_id`` is the listing's latest revision when the editor loaded
    it (0 when it had none; None skips the check): if anyone saved it since (another editor, a moderator, an import), the edit
    is refused with ``EditConflict`` rather than silently undoing their change. Edits
    of one listing are serialised by its row lock, so each accepted edit leaves
    exactly one revision.

    Editing a published listing sends it back to review: the public keeps seeing it
    only after a moderator has approved the change (see README, known limitations).
    """
    creating = listing.pk is None
    if creating:
        listing.created_by_id = by_user_id
        listing.status = S.DRAFT
    else:
        current = Listing.objects.select_for_update().get(pk=listing.pk)
        if (
            loaded_revision_id is not None
            and (current.latest_revision_id or 0) != loaded_revision_id
        ):
            raise EditConflict(
                _(
                    "Someone else changed this listing after you opened it, so your "
                    "changes were not saved (they are still in the form). Reload the "
                    "page to see the current version, then make your changes again."
                ),
                code="edit_conflict",
            )
        if current.status == S.SUBMITTED:
            raise IllegalTransition(
                _("Withdraw the listing from review before editing it."),
                code="under_review",
            )
        for name in SYSTEM_FIELDS:
            setattr(listing, name, getattr(current, name))
    listing.save()
    if modes is not None:
        listing.modes.set(list(modes))
    if not creating and listing.status == S.PUBLISHED:
        listing.submitted_at = timezone.now()
        return _step(listing, "resubmit", by_user_id=by_user_id, reason="edited")
    listing.save_revision(user=_user(by_user_id), clean=False)
    return listing


@transaction.atomic
def submit_listing(listing_id: int, *, by_user_id: int) -> Listing:
    """Send a draft (or a rejected, archived or expired listing) to the moderators."""
    listing = _lock(listing_id)
    missing = missing_for_submission(listing)
    if missing:
        raise SubmissionIncomplete(missing)
    listing.submitted_at = timezone.now()
    listing.rejection_reason = ""
    return _step(listing, "submit", by_user_id=by_user_id)


@transaction.atomic
def withdraw_listing(listing_id: int, *, by_user_id: int) -> Listing:
    """Take a listing back from review to draft."""
    return _step(_lock(listing_id), "withdraw", by_user_id=by_user_id)


@transaction.atomic
def publish_listing(
    listing_id: int, *, by_user_id: int, valid_days: int | None = None
) -> Listing:
    """Approve a submitted listing: it becomes public and valid for ``valid_days``."""
    listing = _lock(listing_id)
    now = timezone.now()
    listing.published_at = now
    listing.first_published_at = listing.first_published_at or now
    listing.reviewed_at = now
    listing.reviewed_by_id = by_user_id
    listing.rejection_reason = ""
    listing.renewal_reminded_at = None
    listing.archived_at = None
    listing.valid_until = _valid_until(listing, valid_days)
    return _step(listing, "publish", by_user_id=by_user_id, now=now)


@transaction.atomic
def reject_listing(listing_id: int, *, by_user_id: int, reason: str) -> Listing:
    """Send a submitted listing back to its author with a reason they will see."""
    reason = (reason or "").strip()
    if not reason:
        raise ListingError(
            _("Give the author a reason for the rejection."), code="reason_required"
        )
    listing = _lock(listing_id)
    listing.reviewed_at = timezone.now()
    listing.reviewed_by_id = by_user_id
    listing.rejection_reason = reason
    return _step(listing, "reject", by_user_id=by_user_id, reason=reason)


@transaction.atomic
def archive_listing(
    listing_id: int, *, by_user_id: int | None, reason: str = ""
) -> Listing:
    """Take a published (or expired) listing off the market; it stays readable to its owner."""
    listing = _lock(listing_id)
    listing.archived_at = timezone.now()
    return _step(listing, "archive", by_user_id=by_user_id, reason=reason)


@transaction.atomic
def expire_listing(listing_id: int) -> Listing:
    """Mark a published demand whose deadline has passed as expired (the system does this)."""
    listing = _lock(listing_id)
    if listing.kind != ListingKind.DEMAND:
        raise IllegalTransition(
            _("Only demands expire; outcomes are archived."), code="not_demand"
        )
    return _step(listing, "expire", by_user_id=None, reason="deadline")


@transaction.atomic
def renew_listing(
    listing_id: int, *, by_user_id: int, valid_days: int | None = None
) -> Listing:
    """Extend a published listing's validity from today; a lapsed one goes back to review."""
    listing = _lock(listing_id)
    if listing.status == S.PUBLISHED:
        listing.valid_until = _valid_until(listing, valid_days)
        listing.renewal_reminded_at = None
        listing.save()
        listing.save_revision(user=_user(by_user_id), clean=False)
        listings_changed.send(sender=type(listing), listing_ids=[listing.pk])
        return listing
    if listing.status in (S.ARCHIVED, S.EXPIRED):
        missing = missing_for_submission(listing)
        if missing:
            raise SubmissionIncomplete(missing)
        listing.submitted_at = timezone.now()
        return _step(listing, "submit", by_user_id=by_user_id, reason="renewal")
    raise IllegalTransition(
        _("Only published, archived or expired listings can be renewed."),
        code="illegal_transition",
    )
