"""Reading catalogue files: CSV (UTF-8 with or without BOM, GB18030, UTF-16) and XLSX.

The result is a plain table of header texts and rows of cell values, each row with its
spreadsheet line number (the header is line 1), so every error can point at a line.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
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
# An XLSX file is a zip archive, so a small upload can unpack to gigabytes (a zip
# bomb). The archive's own directory is checked before openpyxl opens anything:
# Python's zipfile never unpacks a member beyond the size the directory declares, so
# the declared sizes bound the work. A 10 MB catalogue unpacks to ~20-60 MB of XML.
MAX_XLSX_UNPACKED = 100 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000
# Spreadsheet XML packs 5-20 times; a bomb, ~1000 times. Small parts (styles, empty
# sheets) may pack better without costing anything, so only large parts are judged.
MAX_XLSX_RATIO = 100
_RATIO_FROM = 1024 * 1024
# First bytes of archives and compressed files: no part of a workbook is one.
_ARCHIVE_MAGICS = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
)


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


def check_xlsx_archive(data: bytes) -> None:
    """Refuse a workbook whose zip archive could not be unpacked safely.

    Bounds: the number of parts, their total unpacked size, the packing ratio of each
    large part; refused too: archives inside the workbook, encrypted parts and
    compression methods Excel does not write.
    """
    unreadable = FileRejected(
        _("The file cannot be read as an Excel workbook (.xlsx).")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_XLSX_MEMBERS:
                raise FileRejected(
                    _(
                        "The workbook holds more than %(max)s parts; a catalogue "
                        "needs far fewer. Save it again without embedded objects."
                    )
                    % {"max": MAX_XLSX_MEMBERS}
                )
            unpacked = sum(member.file_size for member in members)
            if unpacked > MAX_XLSX_UNPACKED:
                raise FileRejected(
                    _(
                        "The workbook unpacks to %(size)s MB, more than the %(max)s "
                        "MB allowed. Remove pictures and unused sheets, or split it "
                        "into smaller files."
                    )
                    % {
                        "size": unpacked // (1024 * 1024),
                        "max": MAX_XLSX_UNPACKED // (1024 * 1024),
                    }
                )
            for member in members:
                if member.compress_type not in (
                    zipfile.ZIP_STORED,
                    zipfile.ZIP_DEFLATED,
                ):
                    raise unreadable
                if member.flag_bits & 0x1:  # encrypted part
                    raise unreadable
                if (
                    member.file_size > _RATIO_FROM
                    and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)
                ):
                    raise FileRejected(
                        _(
                            "The workbook is refused: a part of it unpacks to more "
                            "than %(ratio)s times its packed size, as a zip bomb does. "
                            "Open the file in Excel and save it again."
                        )
                        % {"ratio": MAX_XLSX_RATIO}
                    )
            for member in members:
                if member.is_dir() or not member.file_size:
                    continue
                with archive.open(member) as part:
                    head = part.read(8)
                if head.startswith(_ARCHIVE_MAGICS):
                    raise FileRejected(
                        _(
                            "The workbook contains another archive (%(name)s); "
                            "remove embedded files and save it again."
                        )
                        % {"name": member.filename[:100]}
                    )
    except FileRejected:
        raise
    except Exception as error:  # any unreadable archive is the user's file, not a bug
        raise unreadable from error


def read_xlsx(data: bytes) -> Table:
    """Rows of the first worksheet of an Excel workbook (cell values, not formulas)."""
    from openpyxl import load_workbook

    check_xlsx_archive(data)
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
    except FileRejected:
        raise
    except Exception as error:  # a damaged sheet (bad XML, a part failing its CRC)
        raise FileRejected(
            _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from error
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
