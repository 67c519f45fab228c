"""The import service: validate a catalogue, then save all of it or nothing.

Idempotent by external ID per kind: importing the same file again updates the same
listings (or leaves them unchanged) and creates nothing new.

Publishing goes through the life cycle (``submit_listing`` then ``publish_listing``)
rather than writing ``status="published"``: the listing gets the same revisions,
review fields, validity date and ``listing_status_changed`` signal as a listing a
moderator approves by hand, so search indexing and notifications need no special case.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from market.imports.parsing import (
    MAX_FILE_SIZE,
    FileRejected,
    Table,
    read_table,
    table_from_rows,
)
from market.imports.validation import Issue, Plan, sync_ip_rights, validate_table
from market.models import Demand, Listing, ListingKind, ListingStatus, Organisation
from market.services.listings import ListingError, publish_listing, submit_listing
from market.signals import listings_changed

logger = logging.getLogger(__name__)

IMPORT_STATUSES = (ListingStatus.DRAFT.value, ListingStatus.PUBLISHED.value)

Source = bytes | IO[bytes] | Path | str | Table | Sequence[Mapping[str, Any]]


@dataclass
class ImportReport:
    """What an import found and did (or, for a dry run, would do)."""

    kind: str
    dry_run: bool
    status: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    issues: list[Issue] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    listing_ids: list[int] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def imported(self) -> bool:
        return self.ok and not self.dry_run

    def error_lines(self) -> list[str]:
        """One line per problem: ``line 7, column 价格（万元）: "三百" is not a number``."""
        return [str(issue) for issue in self.issues]

    def summary(self) -> str:
        counts = {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text = ngettext(
                "%(rows)s row checked: %(created)s to create, %(updated)s to update, "
                "%(unchanged)s unchanged.",
                "%(rows)s rows checked: %(created)s to create, %(updated)s to update, "
                "%(unchanged)s unchanged.",
                self.rows,
            )
        else:
            text = ngettext(
                "%(rows)s row imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                "%(rows)s rows imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged.",
                self.rows,
            )
        return text % counts

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the cache); messages are already in the active language."""
        data = asdict(self)
        data["issues"] = [
            [issue.line, issue.column, issue.message] for issue in self.issues
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        issues = [
            Issue(line, column, message) for line, column, message in data["issues"]
        ]
        return cls(**{**data, "issues": issues})


class _RowFailed(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_source(source: Source) -> Table:
    """A table from bytes, a binary file, a path, a table or a list of dicts."""
    if isinstance(source, Table):
        return source
    if isinstance(source, bytes):
        return read_table(source)
    # Read one byte past the limit, never a whole oversized file.
    if isinstance(source, Path | str):
        with Path(source).open("rb") as file:
            return read_table(file.read(MAX_FILE_SIZE + 1))
    if hasattr(source, "read"):
        return read_table(source.read(MAX_FILE_SIZE + 1))
    return table_from_rows(source)


def import_listings(
    kind: str,
    rows_or_file: Source,
    *,
    dry_run: bool,
    by_user_id: int | None,
    default_status: str = ListingStatus.DRAFT,
    create_organisations: bool = False,
) -> ImportReport:
    """Check a catalogue of outcomes or demands and, unless a dry run, import all of it.

    A file with any problem imports nothing. ``default_status`` is ``draft`` or
    ``published``; publishing needs ``by_user_id`` (recorded as the reviewer).
    Existing listings keep their status; import never unpublishes.
    """
    if kind not in ListingKind.values:
        raise ValueError(f"unknown listing kind {kind!r}")
    if default_status not in IMPORT_STATUSES:
        raise ValueError(
            f"imported listings are draft or published, not {default_status!r}"
        )
    report = ImportReport(kind=kind, dry_run=dry_run, status=default_status)
    publish = default_status == ListingStatus.PUBLISHED
    if publish and by_user_id is None:
        report.issues.append(
            Issue(None, "", _("Publishing needs the user who imports the file."))
        )
        return report
    try:
        table = read_source(rows_or_file)
    except FileRejected as error:
        report.issues.append(Issue(None, "", str(error.message)))
        return report
    report.rows = len(table.rows)
    report.encoding = table.encoding
    options = {"publish": publish, "create_organisations": create_organisations}

    if dry_run:
        _count(report, validate_table(kind, table, **options))
        return report
    try:
        with transaction.atomic():
            plan = validate_table(kind, table, lock=True, **options)
            if not plan.ok:
                report.issues.extend(plan.issues)
                return report
            _count(report, plan)
            report.listing_ids = _save(plan, by_user_id)
    except _RowFailed as failure:
        # The life cycle refused something validation let through: nothing was saved.
        report.issues.append(Issue(failure.line, "", failure.message))
        report.created = report.updated = report.unchanged = report.published = 0
        report.listing_ids = []
    if report.imported:
        logger.info(
            "imported %s %s rows by user %s: %s created, %s updated, %s unchanged",
            report.rows,
            kind,
            by_user_id,
            report.created,
            report.updated,
            report.unchanged,
        )
    return report


def _count(report: ImportReport, plan: Plan) -> None:
    report.issues.extend(plan.issues)
    report.new_organisations = sorted(plan.new_organisations)
    actions = [row.action for row in plan.rows]
    report.created = actions.count("create")
    report.updated = actions.count("update")
    report.unchanged = actions.count("unchanged")
    report.published = sum(row.publish for row in plan.rows)


def _save(plan: Plan, by_user_id: int | None) -> list[int]:
    """Write a valid plan; runs inside the caller's transaction."""
    user = (
        get_user_model().objects.filter(pk=by_user_id).first()
        if by_user_id is not None
        else None
    )
    organisations = {
        name: Organisation.objects.create(
            name=new.name, kind=new.kind, is_verified=False
        )
        for name, new in plan.new_organisations.items()
    }
    changed_public: list[int] = []
    for row in plan.rows:
        listing = row.listing
        if row.new_organisation is not None:
            listing.organisation = organisations[row.new_organisation.name]
        if row.creating:
            listing.created_by_id = by_user_id
            listing.status = ListingStatus.DRAFT
        if row.changed:
            if (
                isinstance(listing, Demand)
                and listing.status == ListingStatus.PUBLISHED
                and listing.deadline
                and listing.valid_until
                and listing.deadline < listing.valid_until
            ):
                listing.valid_until = listing.deadline
            listing.save()
            if row.modes and row.creating:
                listing.modes.add(*row.modes)
            elif row.modes is not None and not row.creating:
                listing.modes.set(row.modes)
            if row.ip_rights is not None:
                sync_ip_rights(listing, row.ip_rights, new=row.creating)  # type: ignore[arg-type]
            listing.save_revision(user=user, clean=False)
            if listing.status == ListingStatus.PUBLISHED:
                changed_public.append(listing.pk)
        if row.publish:
            _publish(listing, row.line, by_user_id)
    if changed_public:
        # Moderators' edits of public listings stay public; search re-reads them.
        listings_changed.send(sender=Listing, listing_ids=changed_public)
    return [row.listing.pk for row in plan.rows]


def _publish(listing: Listing, line: int, by_user_id: int | None) -> None:
    assert by_user_id is not None  # checked before validation
    try:
        if listing.status != ListingStatus.SUBMITTED:
            submit_listing(listing.pk, by_user_id=by_user_id)
        publish_listing(listing.pk, by_user_id=by_user_id)
    except ListingError as error:
        raise _RowFailed(line, str(error.message)) from error
