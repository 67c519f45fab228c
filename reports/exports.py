"""A figure as CSV (UTF-8 with BOM) or XLSX, exactly the rows the page shows."""

from __future__ import annotations

from typing import Any

from market.spreadsheets import to_csv, to_xlsx


def export(header: list[str], rows: list[list[Any]], format: str, title: str) -> bytes:
    """The figure's table in ``format`` (csv or xlsx)."""
    if format == "csv":
        return to_csv(header, rows)
    return to_xlsx(header, rows, title)
