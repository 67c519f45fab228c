"""The file of rejected rows: the original cells of each bad row and its problems.

Written when an import skips invalid rows. The operator fixes the rows in it and
imports it again: the two added columns (原行号, 导入问题) are ignored by the import.
"""

from __future__ import annotations

from market.imports import values as v
from market.imports.columns import REJECTED_LINE_HEADER, REJECTED_PROBLEMS_HEADER
from market.imports.exporter import _to_csv
from market.imports.parsing import Table
from market.imports.validation import Issue


def rejected_rows_file(table: Table, issues: list[Issue]) -> bytes:
    """CSV (UTF-8 with BOM, formula-safe like exports) of the rows with a problem."""
    problems: dict[int, list[str]] = {}
    for issue in issues:
        if issue.line is None:
            continue
        text = f"{issue.column}: {issue.message}" if issue.column else issue.message
        problems.setdefault(issue.line, []).append(text)
    width = len(table.headers)
    header = [*table.headers, REJECTED_LINE_HEADER, REJECTED_PROBLEMS_HEADER]
    rows = []
    for line, cells in table.rows:
        if line not in problems:
            continue
        texts = [v.text(cell) for cell in cells[:width]]
        texts += [""] * (width - len(texts))
        rows.append([*texts, str(line), "；".join(problems[line])])
    return _to_csv(header, rows)
