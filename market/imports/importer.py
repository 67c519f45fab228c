"""The import service: validate a catalogue, then save all of it or nothing — or, when
asked (``skip_invalid``), the good rows, returning the rejected ones as a file.

Idempotent by external ID per kind: importing the same file again updates the same
listings (or leaves them unchanged) and creates nothing new.

Rows are written in batches: new listings with one INSERT per thousand rows, changed
ones with one UPDATE per chunk, revisions, cooperation modes, IP rights and Wagtail's
reference index in bulk. Publishing goes through the life cycle's bulk step
(``publish_listings``: submitted, then published by the importing user) rather than
writing ``status="published"``: the listings get the same revisions, history, review
fields, validity and announcement (``listings_status_changed``, once per chunk) as
listings a moderator approves, so search indexing and notifications need no special
case.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from market.imports.parsing import (
    MAX_FILE_SIZE,
    FileRejected,
    Table,
    read_table,
    table_from_rows,
)
from market.imports.rejected import rejected_rows_file
from market.imports.validation import (
    CODECS,
    ImportDefaults,
    Issue,
    Plan,
    PlannedRow,
    resolve_defaults,
    sync_ip_rights,
    validate_table,
)
from market.kinds import registry as kinds
from market.models import (
    Demand,
    ImportBatch,
    IPRight,
    Listing,
    ListingKind,
    ListingStatus,
    Organisation,
    Outcome,
)
from market.services.listings import publish_listings, save_revisions
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
    skip_invalid: bool = False
    rejected: int = 0
    # One text per column whose values were normalised (in the active language).
    normalised: list[str] = field(default_factory=list)
    # Operator defaults used: "region" / "contact" / "deadline" → rows.
    defaults_used: dict[str, int] = field(default_factory=dict)
    batch_id: int | None = None
    # The life cycle refused a row validation let through: nothing was saved.
    aborted: bool = False
    # CSV of the rejected rows with their problems (not kept in the cache's copy).
    rejected_file: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        """Nothing stops the import: no problem at all, or (skipping invalid rows)
        none with the file as a whole."""
        if self.aborted:
            return False
        if self.skip_invalid:
            return not any(issue.line is None for issue in self.issues)
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
            "rejected": self.rejected,
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
        if self.skip_invalid and self.rejected:
            counts["rows"] = self.rows - self.rejected
            text += " " + (
                ngettext(
                    "%(rejected)s row is rejected and will be skipped.",
                    "%(rejected)s rows are rejected and will be skipped.",
                    self.rejected,
                )
                if self.dry_run
                else ngettext(
                    "%(rejected)s row was rejected and skipped.",
                    "%(rejected)s rows were rejected and skipped.",
                    self.rejected,
                )
            )
        return text % counts

    def defaults_lines(self) -> list[str]:
        """What the operator's defaults filled in: one line per part."""
        labels = {
            "region": _("region"),
            "contact": _("contact (service desk)"),
            "deadline": _("deadline (default validity)"),
        }
        return [
            ngettext(
                "%(part)s provided by the operator in %(count)s row",
                "%(part)s provided by the operator in %(count)s rows",
                count,
            )
            % {"part": labels.get(part, part), "count": count}
            for part, count in self.defaults_used.items()
            if count
        ]

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the cache); messages are already in the active language."""
        data = asdict(self)
        data.pop("rejected_file")
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
    skip_invalid: bool = False,
    defaults: dict[str, Any] | None = None,
    filename: str = "",
) -> ImportReport:
    """Check a catalogue of outcomes or demands and, unless a dry run, import it.

    A file with any problem imports nothing, unless ``skip_invalid``: then the good
    rows are imported and ``report.rejected_file`` holds the others with their
    problems. ``default_status`` is ``draft`` or ``published``; publishing needs
    ``by_user_id`` (recorded as the reviewer). ``defaults`` are the operator's values
    for rows without region, contact or deadline and the validity of publications
    (keys of ``validation.DEFAULT_KEYS``). Existing listings keep their status;
    import never unpublishes.
    """
    if kind not in ListingKind.values:
        raise ValueError(f"unknown listing kind {kind!r}")
    if default_status not in IMPORT_STATUSES:
        raise ValueError(
            f"imported listings are draft or published, not {default_status!r}"
        )
    report = ImportReport(
        kind=kind, dry_run=dry_run, status=default_status, skip_invalid=skip_invalid
    )
    publish = default_status == ListingStatus.PUBLISHED
    if publish and by_user_id is None:
        report.issues.append(
            Issue(None, "", _("Publishing needs the user who imports the file."))
        )
        return report
    operator, default_issues = resolve_defaults(defaults)
    if default_issues:
        report.issues.extend(default_issues)
        return report
    try:
        table = read_source(rows_or_file)
    except FileRejected as error:
        report.issues.append(Issue(None, "", str(error.message)))
        return report
    report.rows = len(table.rows)
    report.encoding = table.encoding
    options: dict[str, Any] = {
        "publish": publish,
        "create_organisations": create_organisations,
        "defaults": operator,
    }

    if dry_run:
        plan = validate_table(kind, table, **options)
        _count(report, plan)
        if skip_invalid and report.ok and plan.issues:
            report.rejected_file = rejected_rows_file(table, plan.issues)
        return report
    try:
        with transaction.atomic():
            plan = validate_table(kind, table, lock=True, **options)
            _count(report, plan)
            if not report.ok:
                report.created = report.updated = report.unchanged = 0
                report.published = 0
                return report
            if not plan.rows:
                if plan.issues:
                    report.rejected_file = rejected_rows_file(table, plan.issues)
                return report
            batch = ImportBatch.objects.create(
                kind=kind,
                filename=filename[:255],
                created_by_id=by_user_id,
                status=default_status,
                created=report.created,
                updated=report.updated,
                published=report.published,
                rejected=report.rejected,
                defaults=_defaults_record(operator),
            )
            report.batch_id = batch.pk
            report.listing_ids = _save(plan, by_user_id, batch=batch, defaults=operator)
            if plan.issues:
                report.rejected_file = rejected_rows_file(table, plan.issues)
    except _RowFailed as failure:
        # The life cycle refused something validation let through: nothing was saved.
        report.issues.append(Issue(failure.line, "", failure.message))
        report.aborted = True
        report.created = report.updated = report.unchanged = report.published = 0
        report.listing_ids = []
        report.batch_id = None
        report.rejected_file = b""
    if report.imported:
        logger.info(
            "imported %s %s rows by user %s: %s created, %s updated, %s unchanged, "
            "%s published, %s rejected",
            report.rows,
            kind,
            by_user_id,
            report.created,
            report.updated,
            report.unchanged,
            report.published,
            report.rejected,
        )
    return report


def _defaults_record(defaults: ImportDefaults) -> dict[str, Any]:
    record: dict[str, Any] = {}
    if defaults.region is not None:
        record["region"] = defaults.region.pk
    if defaults.has_contact:
        record["contact"] = defaults.contact
    if defaults.valid_days:
        record["valid_days"] = defaults.valid_days
    return record


def _count(report: ImportReport, plan: Plan) -> None:
    report.issues.extend(plan.issues)
    report.new_organisations = sorted(plan.new_organisations)
    report.normalised = [str(entry) for entry in plan.normalised.values()]
    actions = [row.action for row in plan.rows]
    report.created = actions.count("create")
    report.updated = actions.count("update")
    report.unchanged = actions.count("unchanged")
    report.published = sum(row.publish for row in plan.rows)
    report.rejected = len(plan.rejected_lines)
    used: dict[str, int] = {}
    for row in plan.rows:
        for part in row.defaults_applied:
            used[part] = used.get(part, 0) + 1
    report.defaults_used = used


# Chunk of the INSERT and UPDATE statements: ~35 parameters a row stays far below
# PostgreSQL's 65,535 per statement.
CHUNK = 1000
# Fields an import writes on a listing it updates (what the columns fill, plus the
# import's own bookkeeping); the life cycle's fields are never among them.
_UPDATED_FIELDS: dict[str, list[str]] = {}


def _updated_fields(kind: str) -> list[str]:
    if kind not in _UPDATED_FIELDS:
        names: list[str] = []
        for codec in CODECS.values():
            names.extend(codec.fields)
        names += [
            "field",
            "region",
            "organisation",
            "defaults_applied",
            "import_batch",
            "valid_until",
            "updated_at",
        ]
        model = kinds.get(kind).model
        own = {f.name for f in model._meta.concrete_fields}
        _UPDATED_FIELDS[kind] = [
            name
            for name in dict.fromkeys(names)
            if name in own and name != "external_id"
        ]
    return _UPDATED_FIELDS[kind]


def _save(
    plan: Plan,
    by_user_id: int | None,
    *,
    batch: ImportBatch,
    defaults: ImportDefaults,
) -> list[int]:
    """Write a valid plan in batches; runs inside the caller's transaction."""
    organisations = {
        name: Organisation.objects.create(
            name=new.name, kind=new.kind, is_verified=False
        )
        for name, new in plan.new_organisations.items()
    }
    now = timezone.now()
    creating: list[PlannedRow] = []
    updating: list[PlannedRow] = []
    for row in plan.rows:
        listing = row.listing
        if row.new_organisation is not None:
            listing.organisation = organisations[row.new_organisation.name]
        if row.creating:
            listing.kind = plan.kind
            listing.created_by_id = by_user_id
            listing.status = ListingStatus.DRAFT
            listing.import_batch = batch
            creating.append(row)
        elif row.changed:
            if (
                isinstance(listing, Demand)
                and listing.status == ListingStatus.PUBLISHED
                and listing.deadline
                and listing.valid_until
                and listing.deadline < listing.valid_until
            ):
                listing.valid_until = listing.deadline
            listing.import_batch = batch
            listing.updated_at = now
            updating.append(row)

    _insert(plan.kind, [row.listing for row in creating])
    if updating:
        model = kinds.get(plan.kind).model
        model.objects.bulk_update(  # type: ignore[attr-defined]
            [row.listing for row in updating],
            _updated_fields(plan.kind),
            batch_size=CHUNK // 2,
        )
    _write_modes(creating, updating)
    _write_ip_rights(creating, updating)
    # A row published now gets its revisions from the submission and publication
    # steps (the same content); the others keep one of the imported content.
    save_revisions(
        [row.listing for row in [*creating, *updating] if not row.publish],
        by_user_id=by_user_id,
    )
    _index_references([row.listing for row in creating], new=True)
    _index_references([row.listing for row in updating], new=False)

    to_publish = [row for row in plan.rows if row.publish]
    changed_public = [
        row.listing.pk
        for row in updating
        if row.listing.status == ListingStatus.PUBLISHED and not row.publish
    ]
    if to_publish:
        assert by_user_id is not None  # checked before validation
        result = publish_listings(
            [row.listing.pk for row in to_publish],
            by_user_id=by_user_id,
            valid_days=defaults.valid_days,
            submit_drafts=True,
        )
        if result.skipped:
            lines = {row.listing.pk: row.line for row in to_publish}
            pk, message = min(result.skipped.items(), key=lambda i: lines[i[0]])
            raise _RowFailed(lines[pk], message)
    if changed_public:
        # Moderators' edits of public listings stay public; search re-reads them.
        listings_changed.send(sender=Listing, listing_ids=changed_public)
    return [row.listing.pk for row in plan.rows]


def _insert(kind: str, listings: list[Outcome | Demand]) -> None:
    """INSERT new listings: the shared table (ids returned), then the kind's table.

    ``bulk_create`` refuses multi-table children, so both tables are written with the
    same low-level insert Django's ``save()`` uses, a thousand rows per statement.
    """
    if not listings:
        return
    model: Any = kinds.get(kind).model
    parent_fields = [f for f in Listing._meta.concrete_fields if not f.primary_key]
    child_fields = model._meta.local_concrete_fields
    changed_at = Listing._meta.get_field("status_changed_at")
    for start in range(0, len(listings), CHUNK):
        chunk = listings[start : start + CHUNK]
        # One expression makes it INSERT … VALUES, not UNNEST arrays, whose quoting
        # is slow for long texts (see market.services.listings.insert_as_values).
        first = chunk[0]
        plain = first.status_changed_at
        first.status_changed_at = Value(plain, output_field=changed_at)  # type: ignore[assignment]
        try:
            rows = Listing._base_manager._insert(  # type: ignore[attr-defined]
                chunk,
                fields=parent_fields,
                returning_fields=Listing._meta.db_returning_fields,
            )
        finally:
            first.status_changed_at = plain
        for listing, (pk,) in zip(chunk, rows, strict=True):
            listing.pk = listing.listing_ptr_id = pk  # type: ignore[union-attr]
        model._base_manager._insert(chunk, fields=child_fields, raw=True)
        for listing in chunk:
            listing._state.adding = False
            listing._state.db = "default"


def _write_modes(creating: list[PlannedRow], updating: list[PlannedRow]) -> None:
    through: Any = Listing.modes.through
    replaced = [row.listing.pk for row in updating if row.modes is not None]
    if replaced:
        through.objects.filter(listing_id__in=replaced).delete()
    through.objects.bulk_create(
        [
            through(listing_id=row.listing.pk, cooperationmode_id=mode.pk)
            for row in [*creating, *updating]
            if row.modes
            for mode in row.modes
        ],
        batch_size=5 * CHUNK,
    )


def _write_ip_rights(creating: list[PlannedRow], updating: list[PlannedRow]) -> None:
    IPRight.objects.bulk_create(
        [
            IPRight(
                outcome_id=row.listing.pk,
                kind=entry.kind,
                number=entry.number,
                legal_status=entry.legal_status,
                sort_order=order,
            )
            for row in creating
            if row.ip_rights
            for order, entry in enumerate(row.ip_rights)
        ],
        batch_size=5 * CHUNK,
    )
    for row in updating:
        if row.ip_rights is not None:
            sync_ip_rights(row.listing, row.ip_rights, new=False)  # type: ignore[arg-type]


def _index_references(listings: list[Listing], *, new: bool) -> None:
    """Wagtail's reference index (usage of organisations, fields, images) of the
    listings, as ``post_save`` would keep it; new listings in one INSERT."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    if not listings or not ReferenceIndex.model_is_indexable(type(listings[0])):
        return
    if not new:
        for listing in listings:
            ReferenceIndex.create_or_update_for_object(listing)
        return
    content_type = ContentType.objects.get_for_model(
        type(listings[0]), for_concrete_model=False
    )
    base_type = ContentType.objects.get_for_model(Listing, for_concrete_model=False)
    ReferenceIndex.objects.bulk_create(
        [
            ReferenceIndex(
                content_type=content_type,
                base_content_type=base_type,
                object_id=listing.pk,
                to_content_type_id=to_type,
                to_object_id=to_id,
                model_path=model_path,
                content_path=content_path,
                content_path_hash=ReferenceIndex._get_content_path_hash(content_path),
            )
            for listing in listings
            for to_type, to_id, model_path, content_path in set(
                ReferenceIndex._extract_references_from_object(listing)
            )
        ],
        batch_size=5 * CHUNK,
        ignore_conflicts=True,
    )
