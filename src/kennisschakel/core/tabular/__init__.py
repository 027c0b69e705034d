"""Tables in and out of files: the one import and export framework of every app.

* Reading: :func:`read_table` (CSV or XLSX, size and row limits first) gives a
  :class:`Table`; the app maps its columns and validates each row (:func:`read_text`
  for a file that is not a table). An import may word some file-level problems in its
  own way (:class:`Wording`).
* Problems: every problem is a :class:`RowError` ``(row, column, message)``; an import
  writes all rows or none, so any problem raises :class:`ImportRejected` (a successful
  import returns an :class:`ImportReport`). Pages show them with the
  ``core/_import_problems.html`` include, commands with :func:`command_error`.
* Writing: :func:`write_csv` and :func:`write_xlsx`, whose text cells are formula-safe
  (:func:`escape_formula`); the import takes that quote off again.
"""

from kennisschakel.core.tabular.formulas import FORMULA_TRIGGERS, escape_formula, unescape_formula
from kennisschakel.core.tabular.problems import (
    ImportRejected,
    ImportReport,
    RowError,
    command_error,
)
from kennisschakel.core.tabular.reading import (
    MAX_ROWS,
    WORDING,
    Row,
    Table,
    Wording,
    check_size,
    read_table,
    read_text,
)
from kennisschakel.core.tabular.writing import csv_cell, write_csv, write_xlsx

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_ROWS",
    "WORDING",
    "ImportRejected",
    "ImportReport",
    "Row",
    "RowError",
    "Table",
    "Wording",
    "check_size",
    "command_error",
    "csv_cell",
    "escape_formula",
    "read_table",
    "read_text",
    "unescape_formula",
    "write_csv",
    "write_xlsx",
]
