"""Checking a catalogue table and planning the import: one path for dry and real runs.

``validate_table`` reads every row, reports each problem with its line and column, and
returns the listings with their new values applied in memory (not saved). The dry run
stops there; the real run calls it again inside its transaction and saves the plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from market.imports import values as v
from market.imports.columns import (
    BY_KEY,
    IGNORED_HEADERS,
    REQUIRED_KEYS,
    accepted_names,
    columns_for,
    header_index,
    normalise_header,
)
from market.imports.parsing import Table
from market.models import (
    CooperationMode,
    Demand,
    IPRight,
    Listing,
    ListingKind,
    ListingStatus,
    Organisation,
    Outcome,
)
from market.services.listings import missing_for_submission

# Export writes this ID for listings without one (made in the portal or the admin), so
# importing the file again finds them by their number instead of creating copies.
LOCAL_ID = re.compile(r"techmatch:(\d+)", re.IGNORECASE)


def local_id(pk: int) -> str:
    """The ID export writes for a listing that has no external ID."""
    return f"techmatch:{pk}"


MODELS: dict[str, type[Outcome] | type[Demand]] = {
    ListingKind.OUTCOME: Outcome,
    ListingKind.DEMAND: Demand,
}
SUMMARY_MAX_LENGTH = 600


@dataclass
class Issue:
    """One problem: its line (None for the file or its header), column and message."""

    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.line is None:
            if self.column:
                return _("column %(column)s: %(message)s") % {
                    "column": self.column,
                    "message": self.message,
                }
            return self.message
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("line %(line)s: %(message)s") % {
            "line": self.line,
            "message": self.message,
        }


@dataclass
class PlannedRow:
    """A valid row: the listing with its new values set in memory, and what to do."""

    line: int
    listing: Outcome | Demand
    creating: bool
    changed: bool
    publish: bool
    modes: list[CooperationMode] | None = None
    ip_rights: list[v.IPEntry] | None = None
    new_organisation: v.NewOrganisation | None = None

    @property
    def action(self) -> str:
        if self.creating:
            return "create"
        return "update" if self.changed or self.publish else "unchanged"


@dataclass
class Plan:
    """The outcome of validation: problems, or the rows ready to be saved."""

    kind: str
    issues: list[Issue] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    new_organisations: dict[str, v.NewOrganisation] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues


# ---------------------------------------------------------------- column codecs


@dataclass(frozen=True)
class _Context:
    kind: str
    reference: v.Reference
    create_organisations: bool


@dataclass(frozen=True)
class Codec:
    """How one column is read from a cell and a listing, written and shown."""

    parse: Callable[[Any, _Context], Any]
    cell: Callable[[Any, v.Reference], str]
    get: Callable[[Any], Any]
    # None: written after the listing is saved (modes, IP rights, organisations).
    put: Callable[[Any, Any], None] | None
    fields: tuple[str, ...] = ()


def _attribute(name: str, *, parse: Callable[[Any], Any] = v.text) -> Codec:
    return Codec(
        parse=lambda raw, ctx: parse(raw),
        cell=lambda value, ref: value or "",
        get=lambda listing: getattr(listing, name) or "",
        put=lambda listing, value: setattr(listing, name, value),
        fields=(name,),
    )


def _rich(name: str) -> Codec:
    return Codec(
        parse=lambda raw, ctx: v.rich_text(raw),
        cell=lambda value, ref: v.format_rich_text(value),
        get=lambda listing: getattr(listing, name) or "",
        put=lambda listing, value: setattr(listing, name, value),
        fields=(name,),
    )


def _level(name: str) -> Codec:
    return Codec(
        parse=lambda raw, ctx: v.maturity(raw),
        cell=lambda value, ref: v.format_maturity(value),
        get=lambda listing: getattr(listing, name),
        put=lambda listing, value: setattr(listing, name, value),
        fields=(name,),
    )


def _put_organisation(listing: Listing, value: Any) -> None:
    if isinstance(value, Organisation):
        listing.organisation = value


def _put_price(listing: Outcome, value: tuple[Any, bool]) -> None:
    listing.price_wan, listing.price_negotiable = value


def _put_budget(listing: Demand, value: tuple[Any, Any, bool]) -> None:
    listing.budget_min_wan, listing.budget_max_wan, listing.budget_negotiable = value


def _modes_of(listing: Listing) -> list[CooperationMode]:
    return list(listing.modes.all()) if listing.pk else []


def _ip_of(listing: Outcome) -> list[v.IPEntry]:
    if not listing.pk:
        return []
    return [
        v.IPEntry(right.kind, right.number, right.legal_status)
        for right in listing.ip_rights.all()
    ]


CODECS: dict[str, Codec] = {
    # The row's key: written at creation, never compared or changed.
    "external_id": Codec(
        parse=lambda raw, ctx: v.text(raw),
        cell=lambda value, ref: value,
        get=lambda listing: (
            listing.external_id or (local_id(listing.pk) if listing.pk else "")
        ),
        put=None,
        fields=("external_id",),
    ),
    "title": _attribute("title"),
    "summary": _attribute("summary"),
    "field": Codec(
        parse=lambda raw, ctx: ctx.reference.field(raw),
        cell=lambda value, ref: ref.field_cell(value),
        get=lambda listing: listing.field,
        put=lambda listing, value: setattr(listing, "field", value),
    ),
    "region": Codec(
        parse=lambda raw, ctx: ctx.reference.region(raw),
        cell=lambda value, ref: ref.region_cell(value),
        get=lambda listing: listing.region,
        put=lambda listing, value: setattr(listing, "region", value),
    ),
    "organisation": Codec(
        parse=lambda raw, ctx: ctx.reference.organisation(
            raw, create=ctx.create_organisations, listing_kind=ctx.kind
        ),
        cell=lambda value, ref: ref.organisation_cell(value),
        get=lambda listing: listing.organisation if listing.organisation_id else None,
        put=_put_organisation,
    ),
    "keywords": Codec(
        parse=lambda raw, ctx: v.word_list(raw),
        cell=lambda value, ref: v.format_words(value),
        get=lambda listing: list(listing.keywords or []),
        put=lambda listing, value: setattr(listing, "keywords", value),
        fields=("keywords",),
    ),
    "modes": Codec(
        parse=lambda raw, ctx: ctx.reference.modes(raw),
        cell=lambda value, ref: ref.modes_cell(value),
        get=_modes_of,
        put=None,
    ),
    "contact_name": _attribute("contact_name"),
    "contact_phone": _attribute("contact_phone"),
    "contact_email": _attribute("contact_email"),
    "confidentiality": Codec(
        parse=lambda raw, ctx: v.confidentiality(raw),
        cell=lambda value, ref: v.format_confidentiality(value),
        get=lambda listing: listing.confidentiality,
        put=lambda listing, value: setattr(listing, "confidentiality", value),
        fields=("confidentiality",),
    ),
    "description": _rich("description"),
    "maturity": _level("maturity"),
    "price": Codec(
        parse=lambda raw, ctx: v.price(raw),
        cell=lambda value, ref: v.format_price(value),
        get=lambda listing: (listing.price_wan, listing.price_negotiable),
        put=_put_price,
        fields=("price_wan", "price_negotiable"),
    ),
    "ip": Codec(
        parse=lambda raw, ctx: v.ip_rights(raw),
        cell=lambda value, ref: v.format_ip_rights(value),
        get=_ip_of,
        put=None,
    ),
    "team": _attribute("team"),
    "advantages": _attribute("advantages"),
    "problem": _rich("problem"),
    "objectives": Codec(
        parse=lambda raw, ctx: v.line_list(raw),
        cell=lambda value, ref: v.format_lines(value),
        get=lambda listing: list(listing.objectives or []),
        put=lambda listing, value: setattr(listing, "objectives", value),
        fields=("objectives",),
    ),
    "expected_maturity": _level("expected_maturity"),
    "budget": Codec(
        parse=lambda raw, ctx: v.budget(raw),
        cell=lambda value, ref: v.format_budget(value),
        get=lambda listing: (
            listing.budget_min_wan,
            listing.budget_max_wan,
            listing.budget_negotiable,
        ),
        put=_put_budget,
        fields=("budget_min_wan", "budget_max_wan", "budget_negotiable"),
    ),
    "deadline": Codec(
        parse=lambda raw, ctx: v.date(raw),
        cell=lambda value, ref: v.format_date(value),
        get=lambda listing: listing.deadline,
        put=lambda listing, value: setattr(listing, "deadline", value),
        fields=("deadline",),
    ),
}

# missing_for_submission's field names → our column keys.
_MISSING_KEYS = {"price_wan": "price", "budget_max_wan": "budget"}


def listing_cell(listing: Listing, key: str, reference: v.Reference) -> str:
    """The canonical cell text of ``key`` for a listing: what export writes."""
    codec = CODECS[key]
    return codec.cell(codec.get(listing), reference)


# ---------------------------------------------------------------- headers


def resolve_headers(
    kind: str, table: Table
) -> tuple[dict[str, tuple[int, str]], list[Issue]]:
    """Column key → (position, header as written), and the header's problems."""
    index = header_index(kind)
    positions: dict[str, tuple[int, str]] = {}
    issues: list[Issue] = []
    unknown: list[str] = []
    for position, header in enumerate(table.headers):
        normalised = normalise_header(header)
        if not normalised or normalised in IGNORED_HEADERS:
            continue
        column = index.get(normalised)
        if column is None:
            unknown.append(header)
        elif column.key in positions:
            issues.append(
                Issue(
                    None,
                    header,
                    _('holds the same data as column "%(other)s"; keep one of them')
                    % {"other": positions[column.key][1]},
                )
            )
        else:
            positions[column.key] = (position, header)
    if unknown:
        message = _("Unknown columns: %(names)s. Accepted columns: %(accepted)s.") % {
            "names": "、".join(f'"{name}"' for name in unknown),
            "accepted": accepted_names(kind),
        }
        other = (
            ListingKind.DEMAND if kind == ListingKind.OUTCOME else ListingKind.OUTCOME
        )
        if any(normalise_header(name) in header_index(other) for name in unknown):
            message += " " + (
                _("They look like columns of demands: check the kind you chose.")
                if other == ListingKind.DEMAND
                else _("They look like columns of outcomes: check the kind you chose.")
            )
        issues.append(Issue(None, "", message))
    missing = [BY_KEY[key] for key in REQUIRED_KEYS if key not in positions]
    if missing:
        issues.insert(
            0,
            Issue(
                None,
                "",
                _("Required columns are missing: %(names)s.")
                % {
                    "names": ", ".join(
                        f"{column.header_for(kind)} ({column.key})"
                        for column in missing
                    )
                },
            ),
        )
    issues.extend(_values_without_header(table))
    return positions, issues


def _column_letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def _values_without_header(table: Table) -> list[Issue]:
    issues = []
    reported: set[int] = set()
    for line, cells in table.rows:
        for position, value in enumerate(cells):
            if position in reported or v.text(value) == "":
                continue
            if position >= len(table.headers) or not table.headers[position].strip():
                reported.add(position)
                issues.append(
                    Issue(
                        None,
                        _column_letter(position),
                        _("has values but no header (first on line %(line)s)")
                        % {"line": line},
                    )
                )
    return issues


# ---------------------------------------------------------------- rows


def _existing(kind: str, ids: list[str], *, lock: bool) -> dict[str, Outcome | Demand]:
    """Listings the file's IDs name: by external ID, or ``techmatch:<number>``."""
    numbers = [
        number
        for i in ids
        if (m := LOCAL_ID.fullmatch(i)) and (number := int(m.group(1))) < 2**63
    ]
    external = [i for i in ids if not LOCAL_ID.fullmatch(i)]
    if not ids:
        return {}
    match = Q(external_id__in=external) | Q(pk__in=numbers)
    if lock:
        # Lock the shared rows first: a concurrent import of the same ids waits.
        list(
            Listing.objects.select_for_update()
            .filter(match, kind=kind)
            .values_list("pk", flat=True)
        )
    related = ["modes", "ip_rights"] if kind == ListingKind.OUTCOME else ["modes"]
    listings = (
        MODELS[kind]
        .objects.filter(match)
        .select_related("field", "region", "organisation")
        .prefetch_related(*related)
    )
    found: dict[str, Outcome | Demand] = {}
    for listing in listings:
        found[local_id(listing.pk)] = listing
        if listing.external_id:
            found[listing.external_id] = listing
    return found


def validate_table(
    kind: str,
    table: Table,
    *,
    publish: bool,
    create_organisations: bool,
    lock: bool = False,
) -> Plan:
    """Check every row; return the problems, or the listings to save."""
    plan = Plan(kind=kind)
    positions, header_issues = resolve_headers(kind, table)
    plan.issues.extend(header_issues)
    if any(key not in positions for key in REQUIRED_KEYS):
        return plan

    context = _Context(kind, v.Reference(), create_organisations)
    id_position = positions["external_id"][0]
    ids = [
        v.text(cells[id_position]) if id_position < len(cells) else ""
        for _line, cells in table.rows
    ]
    existing = _existing(kind, [i for i in ids if i], lock=lock)
    seen: dict[str, int] = {}
    claimed: dict[int, int] = {}  # listing → first line that updates it
    for line, cells in table.rows:
        row = _validate_row(
            line, cells, positions, context, existing, seen, publish, plan.issues
        )
        if row is not None and not row.creating:
            first = claimed.setdefault(row.listing.pk, line)
            if first != line:
                plan.issues.append(
                    Issue(
                        line,
                        positions["external_id"][1],
                        _("names the same listing as line %(line)s") % {"line": first},
                    )
                )
                continue
        if row is None:
            continue
        plan.rows.append(row)
        if row.new_organisation is not None:
            plan.new_organisations.setdefault(
                row.new_organisation.name, row.new_organisation
            )
    return plan


def _validate_row(
    line: int,
    cells: list[Any],
    positions: dict[str, tuple[int, str]],
    context: _Context,
    existing: dict[str, Outcome | Demand],
    seen: dict[str, int],
    publish: bool,
    issues: list[Issue],
) -> PlannedRow | None:
    before = len(issues)
    parsed: dict[str, Any] = {}
    for key, (position, header) in positions.items():
        raw = cells[position] if position < len(cells) else None
        try:
            parsed[key] = CODECS[key].parse(raw, context)
        except v.CellError as error:
            issues.append(Issue(line, header, error.message))
    for key in REQUIRED_KEYS:
        if key in parsed and parsed[key] in ("", None):
            issues.append(Issue(line, positions[key][1], _("a value is required")))
    summary = parsed.get("summary") or ""
    if len(summary) > SUMMARY_MAX_LENGTH:
        issues.append(
            Issue(
                line,
                positions["summary"][1],
                _("is %(length)s characters long; at most %(max)s are allowed")
                % {"length": len(summary), "max": SUMMARY_MAX_LENGTH},
            )
        )
    external_id = parsed.get("external_id") or ""
    if external_id:
        if external_id in seen:
            issues.append(
                Issue(
                    line,
                    positions["external_id"][1],
                    _('"%(value)s" already appears on line %(line)s')
                    % {"value": external_id, "line": seen[external_id]},
                )
            )
        else:
            seen[external_id] = line
    if len(issues) > before:
        return None

    local = LOCAL_ID.fullmatch(external_id)
    listing = existing.get(external_id.lower() if local else external_id)
    creating = listing is None
    if listing is None:
        if local:
            issues.append(
                Issue(
                    line,
                    positions["external_id"][1],
                    _(
                        '"%(value)s" names no listing of this kind; IDs of the form '
                        "techmatch:N come from an export and cannot create listings"
                    )
                    % {"value": external_id},
                )
            )
            return None
        listing = MODELS[context.kind](external_id=external_id)
    reference = context.reference
    changed = creating or any(
        CODECS[key].cell(CODECS[key].get(listing), reference)
        != CODECS[key].cell(value, reference)
        for key, value in parsed.items()
        if key != "external_id"
    )
    for key, value in parsed.items():
        put = CODECS[key].put
        if put is not None:
            put(listing, value)

    if changed:
        _check_model_fields(line, listing, positions, issues)
    publish_now = publish and listing.status != ListingStatus.PUBLISHED
    published_after = publish or listing.status == ListingStatus.PUBLISHED
    if published_after and (changed or publish_now):
        modes = parsed["modes"] if "modes" in parsed else _modes_of(listing)
        _check_complete(line, listing, modes, positions, context.kind, issues)
    if len(issues) > before:
        return None
    organisation = parsed["organisation"]
    return PlannedRow(
        line=line,
        listing=listing,
        creating=creating,
        changed=changed,
        publish=publish_now,
        modes=parsed.get("modes"),
        ip_rights=parsed.get("ip"),
        new_organisation=(
            organisation if isinstance(organisation, v.NewOrganisation) else None
        ),
    )


def _check_model_fields(
    line: int,
    listing: Listing,
    positions: dict[str, tuple[int, str]],
    issues: list[Issue],
) -> None:
    """The model's own limits (lengths, email, choices) on the columns the file has."""
    column_of = {name: key for key in positions for name in CODECS[key].fields}
    exclude = [f.name for f in listing._meta.fields if f.name not in column_of]
    try:
        listing.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            header = positions[column_of[name]][1] if name in column_of else name
            for message in messages:
                issues.append(Issue(line, header, message))


def _check_complete(
    line: int,
    listing: Outcome | Demand,
    modes: list[CooperationMode],
    positions: dict[str, tuple[int, str]],
    kind: str,
    issues: list[Issue],
) -> None:
    """A listing that will be public must pass the checks of submission."""
    missing = missing_for_submission(listing)
    missing.pop("modes", None)  # checked against the file's modes, not the database's
    if not modes:
        missing["modes"] = _("Choose at least one cooperation mode.")
    for name, message in missing.items():
        key = _MISSING_KEYS.get(name, name)
        if key in positions:
            header = positions[key][1]
        elif key in BY_KEY:
            header = BY_KEY[key].header_for(kind)
        else:
            header = name
        issues.append(
            Issue(
                line,
                header,
                _("%(message)s (needed because the listing will be published)")
                % {"message": message},
            )
        )


def export_columns(kind: str) -> list[str]:
    """Column keys in export order."""
    return [column.key for column in columns_for(kind)]


def sync_ip_rights(outcome: Outcome, entries: list[v.IPEntry], *, new: bool) -> None:
    """Make the outcome's IP rights those listed, keeping titles of rights kept."""
    if new:
        IPRight.objects.bulk_create(
            IPRight(
                outcome=outcome,
                kind=entry.kind,
                number=entry.number,
                legal_status=entry.legal_status,
                sort_order=order,
            )
            for order, entry in enumerate(entries)
        )
        return
    current = {(r.kind, r.number): r for r in outcome.ip_rights.all()}
    wanted = {(e.kind, e.number) for e in entries}
    stale = [r.pk for key, r in current.items() if key not in wanted]
    if stale:
        IPRight.objects.filter(pk__in=stale).delete()
    for order, entry in enumerate(entries):
        right = current.get((entry.kind, entry.number))
        if right is None:
            IPRight.objects.create(
                outcome=outcome,
                kind=entry.kind,
                number=entry.number,
                legal_status=entry.legal_status,
                sort_order=order,
            )
        elif (right.legal_status, right.sort_order) != (entry.legal_status, order):
            right.legal_status = entry.legal_status
            right.sort_order = order
            right.save(update_fields=["legal_status", "sort_order"])
