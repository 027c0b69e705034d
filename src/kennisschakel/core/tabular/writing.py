"""Writing tables for spreadsheets: CSV and XLSX whose text cells are formula-safe.

Numbers stay numbers (a whole float without its ``.0``), booleans are 0/1 and every
text that would start a formula gets a leading quote (:mod:`.formulas`); XLSX cells are
values, never formulas. What these write, :func:`.read_table` reads back unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from kennisschakel.core.tabular.formulas import escape_formula


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def csv_cell(value: Any) -> str:
    """A typed value as a CSV cell: numbers as numbers, text escaped against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return _number(value)
    return escape_formula(str(value))


def write_csv(rows: Iterable[Iterable[Any]]) -> str:
    """Rows (the header is the first, or a line before it) as CSV text: comma, CRLF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def write_xlsx(
    rows: Iterable[Iterable[Any]], *, title: str, freeze_panes: str | None = None
) -> bytes:
    """Rows as a workbook of one sheet: empty cells left out, numbers as numbers and
    every text as a text cell (a leading '=' never becomes a formula)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for number, row in enumerate(rows, start=1):
        for position, value in enumerate(row, start=1):
            if value is None or (isinstance(value, str) and not value):
                continue
            cell = sheet.cell(row=number, column=position, value=escape_formula(value))
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would store '=...' as a formula
    if freeze_panes:
        sheet.freeze_panes = freeze_panes
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
