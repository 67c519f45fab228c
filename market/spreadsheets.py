"""Tables as files people open in Excel: CSV (UTF-8 with a BOM, so Excel reads the
Chinese right) or XLSX (one sheet, bold frozen header, numbers as numbers).

A text cell a spreadsheet would run as a formula (starting with = + - @, tab or
carriage return) gets an apostrophe before it (``guard_formula``), whoever wrote it.
"""

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
    return guard_formula(value) if isinstance(value, str) else value


def to_csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """Header and rows; empty cells for missing values, texts formula-guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else _text(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[list[Any]], title: str = "Sheet") -> bytes:
    """One sheet named ``title``; texts stored as texts (never formulas, characters
    XML cannot hold dropped), decimals and numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    for position, label in enumerate(header, start=1):
        sheet.cell(row=1, column=position, value=label).font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        for position, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            if isinstance(value, str):
                value = _text(ILLEGAL_CHARACTERS_RE.sub("", value))
            cell = sheet.cell(row=number, column=position, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
