"""Checking a catalogue table and planning the import: one path for dry and real runs.

``validate_table`` reads every row, reports each problem with its line and column, and
returns the listings with their new values applied in memory (not saved). The dry run
stops there; the real run calls it again inside its transaction and saves the plan.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from market.imports import values as v
from market.imports.columns import (
    BY_KEY,
    IGNORED_HEADERS,
    REQUIRED_KEYS,
    accepted_names,
    header_index,
    normalise_header,
)
from market.imports.parsing import Table
from market.kinds import registry as kinds
from market.models import (
    CooperationMode,
    Demand,
    IPRight,
    Listing,
    ListingKind,
    ListingStatus,
    Organisation,
    Outcome,
    Region,
)
from market.services.listings import missing_for_submission

# Export writes this ID for listings without one (made in the portal or the admin), so
# importing the file again finds them by their number instead of creating copies.
LOCAL_ID = re.compile(r"techmatch:(\d+)", re.IGNORECASE)


def local_id(pk: int) -> str:
    """The ID export writes for a listing that has no external ID."""
    return f"techmatch:{pk}"


MODELS: dict[str, type[Any]] = {spec.key: spec.model for spec in kinds}
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
    # The operator's defaults this row took: "region", "contact", "deadline".
    defaults_applied: tuple[str, ...] = ()

    @property
    def action(self) -> str:
        if self.creating:
            return "create"
        return "update" if self.changed or self.publish else "unchanged"


@dataclass
class Normalised:
    """What the import changed in one column's values: how many, and examples."""

    column: str
    count: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    # Set for cut summaries: where the full text went (the detailed description).
    kept_in: str = ""

    def add(self, line: int, before: str, after: str) -> None:
        self.count += 1
        if len(self.lines) < 10:
            self.lines.append(line)
        pair = (before[:40], after[:40])
        if pair not in self.examples and len(self.examples) < 3:
            self.examples.append(pair)

    def __str__(self) -> str:
        if self.kept_in:
            return ngettext(
                "column %(column)s: %(count)s summary was longer than %(max)s "
                "characters and was cut at a sentence end; its full text starts "
                "%(kept_in)s (line %(lines)s)",
                "column %(column)s: %(count)s summaries were longer than %(max)s "
                "characters and were cut at a sentence end; their full text starts "
                "%(kept_in)s (lines %(lines)s)",
                self.count,
            ) % {
                "column": self.column,
                "count": self.count,
                "max": SUMMARY_MAX_LENGTH,
                "kept_in": self.kept_in,
                "lines": _lines_text(self.lines, self.count),
            }
        empty = _("(empty)")
        return ngettext(
            "column %(column)s: %(count)s value normalised (%(examples)s)",
            "column %(column)s: %(count)s values normalised (e.g. %(examples)s)",
            self.count,
        ) % {
            "column": self.column,
            "count": self.count,
            "examples": "；".join(
                f"{before} → {after or empty}" for before, after in self.examples
            ),
        }


def _lines_text(lines: list[int], count: int) -> str:
    text = "、".join(str(line) for line in lines)
    return text + ("…" if count > len(lines) else "")


@dataclass
class Plan:
    """The outcome of validation: problems, or the rows ready to be saved."""

    kind: str
    issues: list[Issue] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    new_organisations: dict[str, v.NewOrganisation] = field(default_factory=dict)
    normalised: dict[str, Normalised] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def rejected_lines(self) -> list[int]:
        """Lines with a problem, in file order, each once."""
        return sorted({issue.line for issue in self.issues if issue.line is not None})

    def note(self, key: str, header: str, line: int, before: str, after: str) -> None:
        self.normalised.setdefault(key, Normalised(header)).add(line, before, after)


@dataclass(frozen=True)
class ImportDefaults:
    """Values the market operator sets for one import, used where a row has none.

    ``contact_*``: the market's service desk, used when a row has no contact at all;
    ``region``: where rows name no region; ``valid_days``: how long publications stay
    valid, and a demand without deadline gets one that many days ahead. Listings record
    what they got (``Listing.defaults_applied``) and the public page says so.
    """

    region: Region | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    valid_days: int | None = None

    @property
    def contact(self) -> dict[str, str]:
        return {
            "name": self.contact_name,
            "phone": self.contact_phone,
            "email": self.contact_email,
        }

    @property
    def has_contact(self) -> bool:
        return any(self.contact.values())


DEFAULT_KEYS = (
    "region",
    "contact_name",
    "contact_phone",
    "contact_email",
    "valid_days",
)
MAX_VALID_DAYS = 3 * 365


def resolve_defaults(
    options: dict[str, Any] | None, reference: v.Reference | None = None
) -> tuple[ImportDefaults, list[Issue]]:
    """The operator's defaults from plain options (the form's, the command's)."""
    options = options or {}
    reference = reference or v.Reference()
    issues: list[Issue] = []
    label = _("default %(name)s")
    values: dict[str, Any] = {}
    region_text = v.text(options.get("region"))
    if region_text:
        try:
            values["region"] = reference.region(region_text)
        except v.CellError as error:
            issues.append(Issue(None, label % {"name": _("region")}, error.message))
    for key, limit in (("contact_name", 60), ("contact_phone", 30)):
        value = v.text(options.get(key))
        if len(value) > limit:
            issues.append(
                Issue(
                    None,
                    label % {"name": str(Listing._meta.get_field(key).verbose_name)},
                    _("is longer than %(max)s characters") % {"max": limit},
                )
            )
        values[key] = value
    email = v.text(options.get("contact_email"))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            issues.append(
                Issue(
                    None,
                    label % {"name": _("contact email")},
                    _('"%(value)s" is not a valid email address') % {"value": email},
                )
            )
    values["contact_email"] = email
    days = options.get("valid_days")
    if days not in (None, ""):
        try:
            number = int(days)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= MAX_VALID_DAYS:
            issues.append(
                Issue(
                    None,
                    _("validity"),
                    _("give a number of days from 1 to %(max)s")
                    % {"max": MAX_VALID_DAYS},
                )
            )
        else:
            values["valid_days"] = number
    return ImportDefaults(**values), issues


# ---------------------------------------------------------------- column codecs


@dataclass(frozen=True)
class _Context:
    kind: str
    reference: v.Reference
    create_organisations: bool
    defaults: ImportDefaults = ImportDefaults()
    plan: Plan | None = None


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


def _put_price(listing: Outcome, value: tuple[Any, Any, bool]) -> None:
    listing.price_wan, listing.price_max_wan, listing.price_negotiable = value


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
        get=lambda listing: (
            listing.price_wan,
            listing.price_max_wan,
            listing.price_negotiable,
        ),
        put=_put_price,
        fields=("price_wan", "price_max_wan", "price_negotiable"),
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
    defaults: ImportDefaults | None = None,
) -> Plan:
    """Check every row; return the problems, or the listings to save."""
    plan = Plan(kind=kind)
    positions, header_issues = resolve_headers(kind, table)
    plan.issues.extend(header_issues)
    if any(key not in positions for key in REQUIRED_KEYS):
        return plan

    context = _Context(
        kind, v.Reference(), create_organisations, defaults or ImportDefaults(), plan
    )
    id_position = positions["external_id"][0]
    ids = [
        v.text(cells[id_position]) if id_position < len(cells) else ""
        for _line, cells in table.rows
    ]
    existing = _existing(kind, [i for i in ids if i], lock=lock)
    seen: dict[str, int] = {}
    claimed: dict[int, int] = {}  # listing → first line that updates it
    today = timezone.localdate()
    for line, cells in table.rows:
        row = _validate_row(
            line,
            cells,
            positions,
            context,
            existing,
            seen,
            publish,
            plan.issues,
            today,
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


# Columns whose values the import interprets (vocabularies, codes, units, dates): a
# value written otherwise than the canonical cell text is reported as normalised.
NORMALISED_KEYS = (
    "field",
    "region",
    "modes",
    "confidentiality",
    "maturity",
    "price",
    "expected_maturity",
    "budget",
    "deadline",
)
_BODY_KEYS = {spec.key: spec.body_field for spec in kinds}


def _comparable(key: str, value: str) -> Any:
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).lower()
    if key == "modes":
        return frozenset(p for p in re.split(r"[，,、;；/|]+", compact) if p)
    return compact


def _described(key: str, value: Any, reference: v.Reference) -> str:
    if key in ("maturity", "expected_maturity"):
        return v.describe_maturity(value)
    return CODECS[key].cell(value, reference)


def _note_normalised(
    line: int,
    key: str,
    header: str,
    raw: Any,
    value: Any,
    context: _Context,
) -> None:
    if context.plan is None or isinstance(raw, int | float | dt.date):
        return  # typed spreadsheet cells are read as they are
    before = v.text(raw)
    if not before:
        return
    if key in ("maturity", "expected_maturity") and (
        re.sub(r"\s+", "", before).removesuffix("阶段") not in v.MATURITY_SYNONYMS
    ):
        return  # levels and stage names (中试, TRL 6) are the column's own words
    cell = CODECS[key].cell(value, context.reference)
    if _comparable(key, before) != _comparable(key, cell):
        context.plan.note(
            key, header, line, before, _described(key, value, context.reference)
        )


def _current(parsed: dict[str, Any], key: str, listing: Listing | None) -> Any:
    """The value ``key`` will have: the file's, else the listing's (column absent)."""
    if key in parsed:
        return parsed[key]
    if listing is None:
        return None
    return CODECS[key].get(listing)


def _apply_defaults(
    parsed: dict[str, Any],
    listing: Listing | None,
    context: _Context,
    today: dt.date,
) -> dict[str, Any]:
    """Fill what the row leaves empty from the operator's defaults; what was filled."""
    defaults = context.defaults
    applied: dict[str, Any] = {}
    if defaults.region is not None and _current(parsed, "region", listing) is None:
        parsed["region"] = defaults.region
        applied["region"] = defaults.region.pk
    contact_keys = ("contact_name", "contact_phone", "contact_email")
    if defaults.has_contact and not any(
        _current(parsed, key, listing) for key in contact_keys
    ):
        parsed["contact_name"] = defaults.contact_name
        parsed["contact_phone"] = defaults.contact_phone
        parsed["contact_email"] = defaults.contact_email
        applied["contact"] = defaults.contact
    if (
        context.kind == ListingKind.DEMAND
        and defaults.valid_days
        and _current(parsed, "deadline", listing) is None
    ):
        deadline = today + dt.timedelta(days=defaults.valid_days)
        parsed["deadline"] = deadline
        applied["deadline"] = deadline.isoformat()
    return applied


def _cut_summary(
    line: int,
    parsed: dict[str, Any],
    positions: dict[str, tuple[int, str]],
    listing: Listing | None,
    context: _Context,
) -> None:
    """A summary over the limit: cut at a sentence end, full text kept in the body."""
    summary = parsed.get("summary") or ""
    if len(summary) <= SUMMARY_MAX_LENGTH:
        return
    body_key = _BODY_KEYS[context.kind]
    body = _current(parsed, body_key, listing) or ""
    full = v.plain_to_html(summary)
    if full not in body:
        parsed[body_key] = full + body
    parsed["summary"] = v.cut_summary(summary, SUMMARY_MAX_LENGTH)
    if context.plan is not None:
        column = BY_KEY[body_key]
        header = positions[body_key][1] if body_key in positions else ""
        entry = context.plan.normalised.setdefault(
            "summary", Normalised(positions["summary"][1])
        )
        entry.kept_in = header or column.header_for(context.kind)
        entry.add(line, f"{len(summary)}", f"{len(parsed['summary'])}")


def _validate_row(
    line: int,
    cells: list[Any],
    positions: dict[str, tuple[int, str]],
    context: _Context,
    existing: dict[str, Outcome | Demand],
    seen: dict[str, int],
    publish: bool,
    issues: list[Issue],
    today: dt.date,
) -> PlannedRow | None:
    before = len(issues)
    parsed: dict[str, Any] = {}
    raws: dict[str, Any] = {}
    for key, (position, header) in positions.items():
        raw = cells[position] if position < len(cells) else None
        try:
            parsed[key] = CODECS[key].parse(raw, context)
        except v.CellError as error:
            issues.append(Issue(line, header, error.message))
        else:
            raws[key] = raw
    for key in REQUIRED_KEYS:
        if key in parsed and parsed[key] in ("", None):
            issues.append(Issue(line, positions[key][1], _("a value is required")))
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
    if listing is None and local:
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
    for key in NORMALISED_KEYS:
        if key in raws:
            _note_normalised(
                line, key, positions[key][1], raws[key], parsed[key], context
            )
    _cut_summary(line, parsed, positions, listing, context)
    applied = _apply_defaults(parsed, listing, context, today)
    if listing is None:
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
    if changed and applied:
        listing.defaults_applied = {**(listing.defaults_applied or {}), **applied}

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
        defaults_applied=tuple(applied) if changed else (),
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
