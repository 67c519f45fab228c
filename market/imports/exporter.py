"""Export of outcomes or demands to CSV or XLSX, in the column set the import reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from market.imports import values as v
from market.imports.columns import columns_for
from market.imports.validation import MODELS, listing_cell
from market.models import Organisation, TechField

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_NUMERIC_KEYS = {"maturity", "expected_maturity", "price"}
_PLAIN_NUMBER = re.compile(r"\d+(\.\d+)?")


def _kind_of(queryset: QuerySet[Any]) -> str:
    for kind, model in MODELS.items():
        if queryset.model is model:
            return kind
    raise ValueError(
        "export one kind at a time: pass a queryset of Outcome or Demand, "
        f"not {queryset.model.__name__}"
    )


def export_rows(
    queryset: QuerySet[Any], *, headers: str = "zh"
) -> tuple[list[str], list[list[str]], list[str]]:
    """Header row, one row of canonical cell texts per listing, and the column keys."""
    kind = _kind_of(queryset)
    columns = columns_for(kind)
    keys = [column.key for column in columns]
    header_row = [
        column.header_for(kind) if headers == "zh" else column.key for column in columns
    ]
    related = ["modes", "ip_rights"] if "ip" in keys else ["modes"]
    if not queryset.query.order_by:
        queryset = queryset.order_by("pk")
    listings = queryset.select_related(
        "field", "region", "organisation"
    ).prefetch_related(*related)
    reference = v.Reference()
    rows = [
        [listing_cell(listing, key, reference) for key in keys]
        for listing in listings.iterator(chunk_size=500)
    ]
    return header_row, rows, keys


def _to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        # A leading apostrophe stops spreadsheets running a cell as a formula; the
        # import takes it off again.
        writer.writerow([v.guard_formula(cell) for cell in row])
    # The BOM makes Excel read the file as UTF-8, so Chinese text stays intact.
    return buffer.getvalue().encode("utf-8-sig")


def _typed(key: str, value: str) -> Any:
    if key == "deadline" and value:
        return dt.date.fromisoformat(value)
    if key in _NUMERIC_KEYS and _PLAIN_NUMBER.fullmatch(value):
        return int(value) if value.isdigit() else Decimal(value)
    return value


def _to_xlsx(header: list[str], rows: list[list[str]], keys: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for position, title in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=position, value=title)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, 2 * len(title) + 4)
    sheet.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(rows, start=2):
        for position, (key, text) in enumerate(zip(keys, row, strict=True), start=1):
            value = _typed(key, ILLEGAL_CHARACTERS_RE.sub("", text))
            if isinstance(value, str):
                # The apostrophe, as in CSV, keeps a formula-like text a text once it
                # is edited in Excel or saved from there as CSV; the import takes it
                # off again.
                value = v.guard_formula(value)
            cell = sheet.cell(row=row_number, column=position, value=value)
            if isinstance(value, str):
                # openpyxl would store "=…" as a formula; keep every text as text.
                cell.data_type = "s"
                if "\n" in value:
                    cell.alignment = wrap
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filtered_listings(
    kind: str,
    *,
    status: str | None = None,
    field: TechField | None = None,
    organisation: Organisation | None = None,
) -> QuerySet[Any]:
    """Listings of one kind, filtered like the admin list: status, field, organisation.

    A top-level field includes its sub-fields.
    """
    queryset = MODELS[kind].objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if field is not None:
        queryset = queryset.filter(Q(field=field) | Q(field__parent=field))
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset.order_by("pk")


def export_listings(
    queryset: QuerySet[Any], format: str, *, headers: str = "zh"
) -> bytes:
    """The listings of ``queryset`` (outcomes or demands) as a CSV or XLSX file.

    ``headers`` is ``zh`` (Chinese column headers, the default) or ``en`` (keys).
    """
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}")
    header, rows, keys = export_rows(queryset, headers=headers)
    if format == "csv":
        return _to_csv(header, rows)
    return _to_xlsx(header, rows, keys)


def export_filename(kind: str, format: str, today: dt.date) -> str:
    """``outcomes-2026-05-01.xlsx``."""
    return f"{kind}s-{today.isoformat()}.{format}"
