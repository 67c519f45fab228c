"""The listing life cycle: draft → submitted → published | rejected → archived (or expired).

Every write here owns its transaction, locks the row it changes, keeps a Wagtail revision
of the content, and announces status changes with ``listing_status_changed``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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
from market.signals import (
    listing_changes,
    listing_status_changed,
    listings_changed,
    listings_status_changed,
)

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


def missing_for_submission(
    listing: Listing, *, has_modes: bool | None = None
) -> dict[str, str | Promise]:
    """Field name → message for everything a reviewer needs that is still empty.

    ``has_modes`` spares the query when the caller knows (bulk steps ask once).
    """
    specific = listing.get_specific()
    missing: dict[str, str | Promise] = {}
    required = _("This field is required before submitting.")
    for name in ("title", "summary", "field_id", "region_id", "contact_name"):
        if not getattr(specific, name):
            missing[name.removesuffix("_id")] = required
    if has_modes is None:
        has_modes = not specific.pk or specific.modes.exists()
    if not has_modes:
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
    children: dict[str, Any] | None = None,
) -> Listing:
    """Create or update a listing from its owner's form, keeping a revision.

    ``children`` (an outcome's IP rights, gallery and attachment changes, see
    ``CHILD_KEYS``) is only taken for a published listing, where it waits with the
    rest of the changes; otherwise the caller writes those rows itself.

    ``loaded_revision_id`` is the listing's latest revision when the editor loaded
    it (0 when it had none; None skips the check): if anyone saved it since (another editor, a moderator, an import), the edit
    is refused with ``EditConflict`` rather than silently undoing their change. Edits
    of one listing are serialised by its row lock, so each accepted edit leaves
    exactly one revision.

    Editing a published listing leaves it published as it was: the edit is kept as a
    pending revision for the moderators (``publish_changes`` applies it), and the row,
    the search index and the caches keep the live version until then.
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
        if current.status == S.PUBLISHED:
            return _save_pending(
                listing, by_user_id=by_user_id, modes=modes, children=children
            )
        # Not (or no longer) published: the row is the draft, nothing waits aside.
        listing.pending_revision = None
        listing.pending_submitted_at = None
        listing.pending_rejection_reason = ""
        listing._state.adding = False
    listing.save()
    if modes is not None:
        listing.modes.set(list(modes))
    listing.save_revision(user=_user(by_user_id), clean=False)
    return listing


# -- Changes to a published listing ---------------------------------------------------
#
# The Listing row is always the live version. An owner's edit of a published listing
# is a revision beside it (``pending_revision``); the review queue shows it with a
# diff, and approving it copies its content onto the row.

# Fields an owner's edit never carries over to the live row (besides SYSTEM_FIELDS).
_NOT_CONTENT = frozenset(
    {
        "id",
        "listing_ptr",
        "kind",
        "organisation",
        "created_at",
        "updated_at",
        "import_batch",
        "defaults_applied",
        "pending_revision",
        "pending_submitted_at",
        "pending_rejection_reason",
        "latest_revision",
        *(name.removesuffix("_id") for name in SYSTEM_FIELDS),
    }
)
MODES_KEY = "_modes"


def content_fields(listing: Listing) -> list[Any]:
    """The model fields an owner edits (what a pending change may alter)."""
    return [
        f
        for f in listing._meta.concrete_fields
        if f.name not in _NOT_CONTENT and not f.primary_key
    ]


# An outcome's rows beside the listing, as a pending change carries them: the IP
# rights as they should be, and images / documents to add (stored, not yet shown) or
# rows to remove.
CHILD_KEYS = (
    "_ip_rights",
    "_gallery_add",
    "_gallery_remove",
    "_attachments_add",
    "_attachments_remove",
)


def pending_children(listing: Listing) -> dict[str, Any]:
    """The child-row changes waiting with a listing's pending revision."""
    revision = listing.pending_revision if listing.pending_revision_id else None
    if revision is None:
        return {}
    return {k: revision.content[k] for k in CHILD_KEYS if k in revision.content}


def _merge_children(
    previous: dict[str, Any], new: dict[str, Any] | None
) -> dict[str, Any]:
    """A further edit of pending changes keeps what the earlier one added."""
    merged = dict(previous)
    for key, value in (new or {}).items():
        if key == "_ip_rights":
            merged[key] = value
        else:
            merged[key] = sorted(set(merged.get(key, [])) | set(value))
    return merged


def _save_pending(
    listing: Listing,
    *,
    by_user_id: int,
    modes: Iterable[CooperationMode] | None,
    children: dict[str, Any] | None = None,
) -> Listing:
    from wagtail.models import Revision

    current = Listing.objects.select_related("pending_revision").get(pk=listing.pk)
    content = listing.serializable_data()
    content.update(_merge_children(pending_children(current), children))
    content.pop("modes", None)
    content[MODES_KEY] = sorted(
        m.pk
        for m in (modes if modes is not None else listing.modes.all())  # type: ignore[union-attr]
    )
    user = _user(by_user_id)
    revision = Revision.objects.create(
        content_object=listing,
        base_content_type=listing.get_base_content_type(),
        user=user,
        content=content,
        object_str=str(listing),
    )
    now = timezone.now()
    # Only these columns: the row keeps the live version's content.
    Listing.objects.filter(pk=listing.pk).update(
        pending_revision=revision,
        pending_submitted_at=now,
        pending_rejection_reason="",
        latest_revision=revision,
    )
    listing.pending_revision = revision
    listing.pending_submitted_at = now
    listing.pending_rejection_reason = ""
    listing.latest_revision = revision
    log(
        instance=listing,
        action="market.submit_changes_listing",
        user=user,
        revision=revision,
    )
    # Moderators hear once per round of review, not at every save of the draft.
    if current.pending_revision_id is None or current.pending_rejection_reason:
        listing_changes.send(
            sender=type(listing),
            listing_id=listing.pk,
            event="submitted",
            by_user_id=by_user_id,
            reason="",
        )
    return listing


def pending_draft(listing: Listing) -> Listing | None:
    """The owner's edited version waiting beside the live one, or None."""
    if listing.pending_revision_id is None:
        return None
    from wagtail.models import Revision

    revision = Revision.objects.filter(pk=listing.pending_revision_id).first()
    if revision is None:
        return None
    draft = revision.as_object()
    draft._state.adding = False
    draft.pending_revision = revision
    draft.pending_submitted_at = listing.pending_submitted_at
    draft.pending_rejection_reason = listing.pending_rejection_reason
    draft.latest_revision_id = listing.latest_revision_id
    draft.pending_modes = list(  # type: ignore[attr-defined]
        CooperationMode.objects.filter(pk__in=revision.content.get(MODES_KEY, []))
    )
    return draft


def _locked_pending(listing_id: int) -> tuple[Listing, Listing]:
    listing = _lock(listing_id)
    draft = pending_draft(listing)
    if draft is None or listing.status != S.PUBLISHED:
        raise ListingError(
            _("This listing has no changes awaiting review."), code="no_changes"
        )
    return listing, draft


@transaction.atomic
def publish_changes(listing_id: int, *, by_user_id: int) -> Listing:
    """Approve the owner's changes to a published listing: they become the live
    version (revision, history, index and caches follow)."""
    listing, draft = _locked_pending(listing_id)
    if listing.pending_rejection_reason:
        raise ListingError(
            _("These changes were not approved; the owner has to change them first."),
            code="changes_rejected",
        )
    for model_field in content_fields(listing):
        setattr(listing, model_field.attname, getattr(draft, model_field.attname))
    now = timezone.now()
    listing.pending_revision = None
    listing.pending_submitted_at = None
    listing.pending_rejection_reason = ""
    listing.reviewed_at = now
    listing.reviewed_by_id = by_user_id
    if (
        isinstance(listing, Demand)
        and listing.deadline
        and listing.valid_until
        and listing.deadline < listing.valid_until
    ):
        listing.valid_until = listing.deadline
    content = draft.pending_revision.content  # type: ignore[union-attr]
    children = {k: content[k] for k in CHILD_KEYS if k in content}
    listing.save()
    listing.modes.set(getattr(draft, "pending_modes", []))
    if isinstance(listing, Outcome):
        _apply_children(listing, children)
    user = _user(by_user_id)
    revision = listing.save_revision(user=user, clean=False)
    log(
        instance=listing,
        action="market.publish_changes_listing",
        user=user,
        revision=revision,
    )
    listings_changed.send(sender=type(listing), listing_ids=[listing.pk])
    listing_changes.send(
        sender=type(listing),
        listing_id=listing.pk,
        event="published",
        by_user_id=by_user_id,
        reason="",
    )
    return listing


def _apply_children(outcome: Outcome, children: dict[str, Any]) -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    from market.models import IPRight, OutcomeAttachment, OutcomeImage

    if "_ip_rights" in children:
        outcome.ip_rights.all().delete()
        IPRight.objects.bulk_create(
            [
                IPRight(outcome=outcome, sort_order=order, **row)
                for order, row in enumerate(children["_ip_rights"])
            ]
        )
    OutcomeImage.objects.filter(
        outcome=outcome, pk__in=children.get("_gallery_remove", [])
    ).delete()
    OutcomeAttachment.objects.filter(
        outcome=outcome, pk__in=children.get("_attachments_remove", [])
    ).delete()
    order = outcome.gallery.count()
    for image in get_image_model().objects.filter(
        pk__in=children.get("_gallery_add", [])
    ):
        order += 1
        OutcomeImage.objects.create(outcome=outcome, image=image, sort_order=order)
    order = outcome.attachments.count()
    for document in get_document_model().objects.filter(
        pk__in=children.get("_attachments_add", [])
    ):
        order += 1
        OutcomeAttachment.objects.create(
            outcome=outcome, document=document, sort_order=order
        )


@transaction.atomic
def reject_changes(listing_id: int, *, by_user_id: int, reason: str) -> Listing:
    """Refuse the owner's changes: the published version stays, the draft is kept
    with the reason for its owner to change it."""
    reason = (reason or "").strip()
    if not reason:
        raise ListingError(
            _("Give the author a reason for the rejection."), code="reason_required"
        )
    listing, _draft = _locked_pending(listing_id)
    listing.pending_rejection_reason = reason
    Listing.objects.filter(pk=listing.pk).update(pending_rejection_reason=reason)
    log(
        instance=listing,
        action="market.reject_changes_listing",
        user=_user(by_user_id),
        revision=listing.pending_revision,
        data={"reason": reason},
    )
    listing_changes.send(
        sender=type(listing),
        listing_id=listing.pk,
        event="rejected",
        by_user_id=by_user_id,
        reason=reason,
    )
    return listing


@transaction.atomic
def discard_changes(listing_id: int, *, by_user_id: int) -> Listing:
    """The owner withdraws their changes: only the published version remains."""
    listing = _lock(listing_id)
    if listing.pending_revision_id is None:
        raise ListingError(
            _("This listing has no changes awaiting review."), code="no_changes"
        )
    listing.pending_revision = None
    listing.pending_submitted_at = None
    listing.pending_rejection_reason = ""
    listing.save(
        update_fields=[
            "pending_revision",
            "pending_submitted_at",
            "pending_rejection_reason",
        ]
    )
    user = _user(by_user_id)
    # The latest revision is the live content again (the edit form starts from it).
    revision = listing.save_revision(user=user, clean=False)
    log(
        instance=listing,
        action="market.discard_changes_listing",
        user=user,
        revision=revision,
    )
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


# -- Many listings at once ------------------------------------------------------------
#
# The same steps as above for a selection (the review queue's bulk actions, an import
# that publishes): every listing is locked, checked against TRANSITIONS, gets its
# revision and history entry, but the rows, revisions and entries are written with
# one statement per chunk, and the change is announced once per chunk with
# ``listings_status_changed`` (search indexes the chunk in one task, authors get one
# message for all their listings, caches are retired once).

BULK_CHUNK = 500
# Fields the life cycle writes; bulk steps update exactly these (and latest_revision).
_LIFE_CYCLE_FIELDS = [
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
    "updated_at",
]


def _write_life_cycle(listings: list[Listing]) -> None:
    """UPDATE the life-cycle fields: one statement per distinct set of values (a
    chunk's steps share nearly all of them), then every latest revision at once."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for listing in listings:
        values = tuple(getattr(listing, name) for name in _LIFE_CYCLE_FIELDS)
        groups.setdefault(values, []).append(listing.pk)
    for values, ids in groups.items():
        Listing.objects.filter(pk__in=ids).update(
            **dict(zip(_LIFE_CYCLE_FIELDS, values, strict=True))
        )
    _write_latest_revisions(listings)


def _write_latest_revisions(listings: list[Listing]) -> None:
    from django.db import connection

    pairs = [(x.pk, x.latest_revision_id) for x in listings if x.latest_revision_id]
    if not pairs:
        return
    table = Listing._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS l SET latest_revision_id = v.revision "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, revision) "
            "WHERE l.id = v.id",
            [[pk for pk, _r in pairs], [r for _pk, r in pairs]],
        )


@dataclass
class BulkResult:
    """What a bulk step did: the listings it moved, and those it left with why."""

    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _locked_specifics(ids: list[int]) -> list[Listing]:
    """The listings, locked in id order (no deadlock with another bulk step), as
    Outcome or Demand."""
    kinds = dict(
        Listing.objects.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "kind")
    )
    found: dict[int, Listing] = {}
    for kind, model in ((ListingKind.OUTCOME, Outcome), (ListingKind.DEMAND, Demand)):
        wanted = [pk for pk, k in kinds.items() if k == kind]
        if wanted:
            found.update({row.pk: row for row in model.objects.filter(pk__in=wanted)})
    return [found[pk] for pk in sorted(found)]


def insert_as_values(
    model: Any, objs: list[Any], *, field: str, batch_size: int = BULK_CHUNK
) -> None:
    """``bulk_create`` written as ``INSERT … VALUES``, not Django's ``UNNEST`` arrays.

    Django quotes the parameters on the client (psycopg's client-side binding); inside
    an array every quote of a long JSON or text value is escaped by a regular
    expression in Python, which doubles the time of inserting revisions. A value that
    is an expression makes Django fall back to VALUES, where libpq escapes each
    value: ``field`` of the first object of each batch is passed as one.
    """
    from django.db.models import Value

    model_field = model._meta.get_field(field)
    for start in range(0, len(objs), batch_size):
        batch = objs[start : start + batch_size]
        first = batch[0]
        plain = getattr(first, model_field.attname)
        setattr(first, model_field.attname, Value(plain, output_field=model_field))
        try:
            model.objects.bulk_create(batch)
        finally:
            setattr(first, model_field.attname, plain)


class _Steps:
    """Revisions and history entries of a chunk, written in two statements."""

    def __init__(self, by_user_id: int | None, now: dt.datetime) -> None:
        from django.contrib.contenttypes.models import ContentType

        self.by_user_id = by_user_id
        self.now = now
        self.base_type = ContentType.objects.get_for_model(Listing)
        self.types = {
            model: ContentType.objects.get_for_model(model, for_concrete_model=False)
            for model in (Outcome, Demand)
        }
        self.entries: list[tuple[Listing, str, str, Any]] = []
        self.contents: dict[int, dict[str, Any]] = {}

    def _content(self, listing: Listing) -> dict[str, Any]:
        # A second step of the same listing (submit, then publish) changed only the
        # life-cycle fields: serialise those instead of the whole listing again.
        from modelcluster.models import get_field_value

        previous = self.contents.get(listing.pk)
        if previous is None:
            content: dict[str, Any] = listing.serializable_data()
        else:
            content = dict(previous)
            for name in _LIFE_CYCLE_FIELDS:
                model_field = listing._meta.get_field(name)
                content[model_field.name] = get_field_value(model_field, listing)
        self.contents[listing.pk] = content
        return content

    def step(self, listing: Listing, action: str, reason: str = "") -> None:
        """Record ``action`` of ``listing`` in its current (already changed) state."""
        from wagtail.models import Revision

        revision = Revision(
            content_type=self.types[type(listing)],
            base_content_type=self.base_type,
            object_id=str(listing.pk),
            user_id=self.by_user_id,
            content=self._content(listing),
            object_str=str(listing),
            created_at=self.now,
        )
        self.entries.append((listing, action, reason, revision))

    def write(self, *, log: bool = True) -> None:
        from wagtail.models import ModelLogEntry, Revision

        insert_as_values(
            Revision, [entry[3] for entry in self.entries], field="created_at"
        )
        for listing, _action, _reason, revision in self.entries:
            listing.latest_revision = revision
        if not log:
            return
        ModelLogEntry.objects.bulk_create(
            [
                ModelLogEntry(
                    content_type=self.types[type(listing)],
                    object_id=str(listing.pk),
                    label=str(listing),
                    action=f"market.{action}_listing",
                    timestamp=self.now,
                    data={"reason": reason} if reason else {},
                    user_id=self.by_user_id,
                    revision=revision,
                )
                for listing, action, reason, revision in self.entries
            ]
        )


def save_revisions(listings: Iterable[Listing], *, by_user_id: int | None) -> None:
    """Keep a revision of each listing's current content (an edit, no status change),
    written in bulk: what ``save_revision`` does for one."""
    chunk = list(listings)
    for start in range(0, len(chunk), BULK_CHUNK):
        part = chunk[start : start + BULK_CHUNK]
        steps = _Steps(by_user_id, timezone.now())
        for listing in part:
            steps.step(listing, "")
        steps.write(log=False)
        _write_latest_revisions(part)


def _allowed(listing: Listing, action: str) -> str:
    """Why ``action`` cannot start from the listing's status, or ''."""
    allowed_from, _target = TRANSITIONS[action]
    if listing.status in allowed_from:
        return ""
    return str(
        _("A listing that is “%(status)s” cannot be %(action)s.")
        % {"status": listing.get_status_display(), "action": ACTION_LABELS[action]}
    )


def _bulk(
    listing_ids: Iterable[int],
    change: Any,
    *,
    new_status: str,
    by_user_id: int | None,
    reason: str = "",
) -> BulkResult:
    """Run ``change(listing, steps, now) -> why not | ''`` over locked chunks."""
    result = BulkResult()
    ids = sorted({int(pk) for pk in listing_ids})
    for start in range(0, len(ids), BULK_CHUNK):
        chunk = ids[start : start + BULK_CHUNK]
        now = timezone.now()
        steps = _Steps(by_user_id, now)
        listings = _locked_specifics(chunk)
        result.skipped.update(
            {
                pk: str(_("It no longer exists."))
                for pk in set(chunk) - {row.pk for row in listings}
            }
        )
        old: dict[int, str] = {}
        moved: list[Listing] = []
        for listing in listings:
            before = listing.status
            why_not = change(listing, steps, now)
            if why_not:
                result.skipped[listing.pk] = why_not
                continue
            old[listing.pk] = before
            listing.status = new_status
            listing.status_changed_at = now
            listing.updated_at = now
            moved.append(listing)
        if not moved:
            continue
        steps.write()
        _write_life_cycle(moved)
        result.done.extend(listing.pk for listing in moved)
        listings_status_changed.send(
            sender=Listing,
            listing_ids=[listing.pk for listing in moved],
            kinds=sorted({listing.kind for listing in moved}),
            old_statuses=old,
            new_status=new_status,
            by_user_id=by_user_id,
            reason=reason,
        )
    return result


def _modes_present(ids: list[int]) -> set[int]:
    return set(
        Listing.modes.through.objects.filter(listing_id__in=ids).values_list(
            "listing_id", flat=True
        )
    )


@transaction.atomic
def publish_listings(
    listing_ids: Iterable[int],
    *,
    by_user_id: int,
    valid_days: int | None = None,
    submit_drafts: bool = False,
) -> BulkResult:
    """Publish the submitted listings of a selection; with ``submit_drafts``, drafts
    (and rejected, archived, expired ones) are submitted first if complete.

    Each publication is what ``publish_listing`` does: reviewer, validity, a revision
    and a history entry per step, announced once per chunk.
    """
    ids = sorted({int(pk) for pk in listing_ids})
    with_modes = _modes_present(ids)

    def change(listing: Listing, steps: _Steps, now: dt.datetime) -> str:
        if submit_drafts and not _allowed(listing, "submit"):
            missing = missing_for_submission(
                listing, has_modes=listing.pk in with_modes
            )
            if missing:
                return str(
                    _("Incomplete: %(fields)s.")
                    % {"fields": ", ".join(_field_names(listing, missing))}
                )
            listing.status = S.SUBMITTED
            listing.submitted_at = now
            listing.rejection_reason = ""
            steps.step(listing, "submit")
        why_not = _allowed(listing, "publish")
        if why_not:
            return why_not
        listing.status = S.PUBLISHED
        listing.published_at = now
        listing.first_published_at = listing.first_published_at or now
        listing.reviewed_at = now
        listing.reviewed_by_id = by_user_id
        listing.rejection_reason = ""
        listing.renewal_reminded_at = None
        listing.archived_at = None
        listing.valid_until = _valid_until(listing, valid_days)
        steps.step(listing, "publish")
        return ""

    return _bulk(ids, change, new_status=S.PUBLISHED, by_user_id=by_user_id)


@transaction.atomic
def reject_listings(
    listing_ids: Iterable[int], *, by_user_id: int, reason: str
) -> BulkResult:
    """Send the submitted listings of a selection back to their authors, one reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ListingError(
            _("Give the author a reason for the rejection."), code="reason_required"
        )

    def change(listing: Listing, steps: _Steps, now: dt.datetime) -> str:
        why_not = _allowed(listing, "reject")
        if why_not:
            return why_not
        listing.status = S.REJECTED
        listing.reviewed_at = now
        listing.reviewed_by_id = by_user_id
        listing.rejection_reason = reason
        steps.step(listing, "reject", reason)
        return ""

    return _bulk(
        listing_ids, change, new_status=S.REJECTED, by_user_id=by_user_id, reason=reason
    )


@transaction.atomic
def archive_listings(
    listing_ids: Iterable[int], *, by_user_id: int | None, reason: str = ""
) -> BulkResult:
    """Take the published (or expired) listings of a selection off the market."""

    def change(listing: Listing, steps: _Steps, now: dt.datetime) -> str:
        why_not = _allowed(listing, "archive")
        if why_not:
            return why_not
        listing.status = S.ARCHIVED
        listing.archived_at = now
        steps.step(listing, "archive", reason)
        return ""

    return _bulk(
        listing_ids, change, new_status=S.ARCHIVED, by_user_id=by_user_id, reason=reason
    )


def _field_names(listing: Listing, missing: dict[str, Any]) -> list[str]:
    names = []
    for name in missing:
        try:
            model_field = listing._meta.get_field(name)
        except Exception:  # a pseudo-field such as "price_wan" of another kind
            names.append(name)
            continue
        names.append(str(getattr(model_field, "verbose_name", name)))
    return names
