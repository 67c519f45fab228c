"""Reading catalogue files: CSV (UTF-8 with or without BOM, GB18030, UTF-16) and XLSX.

The result is a plain table of header texts and rows of cell values, each row with its
spreadsheet line number (the header is line 1), so every error can point at a line.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# 50,000 rows (57 MB) imported with publication take ≈ 4.5 minutes on 2 cores
# (docs/benchmarks.md), well inside the import task's 30-minute limit.
MAX_FILE_SIZE = 100 * 1024 * 1024
MAX_ROWS = 50_000
# Wider sheets are not catalogues; the cap bounds the work a crafted file can cause.
MAX_COLUMNS = 200

_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class FileRejected(Exception):
    """The file as a whole cannot be read; ``message`` says why, for the user."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    """Header texts and the non-empty rows below them, with their line numbers."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    encoding: str = ""


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(lines: Iterable[Sequence[Any]], *, encoding: str = "") -> Table:
    """Header from the first row; empty rows skipped (line numbers kept); row cap."""
    iterator = iter(lines)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in enumerate(iterator, start=1):
        values = list(cells)[:MAX_COLUMNS]
        if headers is None:
            headers = ["" if v is None else str(v).strip() for v in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        if all(_is_empty(v) for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRejected(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        rows.append((number, values))
    if not headers:
        raise FileRejected(_("The file is empty: the first row must hold the headers."))
    return Table(headers=headers, rows=rows, encoding=encoding)


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding found: BOMs first, then UTF-8, GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode(
            "utf-8", errors="strict"
        ), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese Excel saves "CSV (逗号分隔)" in the ANSI code page: GBK, a subset of GB18030.
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as error:
        raise FileRejected(
            _(
                "The file is neither UTF-8 nor GB18030 text; save it as "
                '"CSV UTF-8" or as an Excel workbook (.xlsx).'
            )
        ) from error


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max((",", "\t", ";"), key=first_line.count)


def read_csv(data: bytes) -> Table:
    """Rows of a CSV (or Excel "Unicode text", tab-separated) file."""
    text, encoding = decode_csv(data)
    if "\x00" in text:
        raise FileRejected(_("The file contains binary data; it is not a CSV file."))
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        return _table(reader, encoding=encoding)
    except csv.Error as error:
        raise FileRejected(
            _("The CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def read_xlsx(data: bytes) -> Table:
    """Rows of the first worksheet of an Excel workbook (cell values, not formulas)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any unreadable workbook is the user's file, not a bug
        raise FileRejected(
            _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from error
    try:
        if not workbook.worksheets:
            raise FileRejected(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        return _table(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
    finally:
        workbook.close()


def read_table(data: bytes) -> Table:
    """Read an uploaded catalogue, recognising XLSX by its content, else CSV."""
    if len(data) > MAX_FILE_SIZE:
        raise FileRejected(
            _("The file is larger than %(size)s MB.")
            % {"size": MAX_FILE_SIZE // (1024 * 1024)}
        )
    if not data.strip():
        raise FileRejected(_("The file is empty: the first row must hold the headers."))
    if data.startswith(_XLS_MAGIC):
        raise FileRejected(
            _(
                "Old Excel files (.xls) are not supported; save the file as .xlsx or CSV."
            )
        )
    if data.startswith(_XLSX_MAGIC):
        return read_xlsx(data)
    return read_csv(data)


def table_from_rows(rows: Sequence[Mapping[str, Any]]) -> Table:
    """A table from dictionaries keyed by header (the first row's order wins)."""
    headers: list[str] = []
    for row in rows:
        headers.extend(h for h in row if h not in headers)
    return _table(
        [headers, *([row.get(h) for h in headers] for row in rows)], encoding=""
    )
