"""A figure as CSV (UTF-8 with BOM) or XLSX, exactly the rows the page shows."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from market.imports.values import guard_formula

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _text(value: Any) -> Any:
    # A name an organisation chose could start with "=": never a formula.
    return guard_formula(value) if isinstance(value, str) else value


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """Header and rows; empty cells for missing values, texts formula-guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[list[Any]], title: str) -> bytes:
    """One sheet; numbers as numbers, texts as texts (never formulas)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for position, label in enumerate(header, start=1):
        sheet.cell(row=1, column=position, value=label).font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for position, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            cell = sheet.cell(row=number, column=position, value=_text(value))
            if isinstance(value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export(header: list[str], rows: list[list[Any]], format: str, title: str) -> bytes:
    """The figure's table in ``format`` (csv or xlsx)."""
    if format == "csv":
        return to_csv(header, rows)
    return to_xlsx(header, rows, title)
