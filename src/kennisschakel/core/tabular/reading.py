"""Reading an uploaded table: CSV (UTF-8, delimiter found from the header line) or XLSX.

Limits come first: a file above ``max_bytes`` is refused before it is read (a path by
its size on disk, an upload by the size it announces), and one with more than
``max_rows`` rows after the header is refused by a streaming count before any row is
validated, so a huge file costs no more than its first rows. The content decides the
format, not the name or the browser's content type: a zip file is a workbook (or, for
imports that take CSV only, refused with advice), and a name ending in ``.xlsx`` must
hold a workbook. Every file-level problem raises :class:`ImportRejected` with one row-0
error; the texts are the shared ones unless the import brings its own :class:`Wording`.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kennisschakel.core.tabular.formulas import unescape_formula
from kennisschakel.core.tabular.problems import ImportRejected

ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: A register or a practice list has a few thousand rows at most.
MAX_ROWS = 5000


def _too_large(size: int, limit: int) -> str:
    return _("The file is %(size)s; the limit for an import is %(limit)s.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def _too_many_rows(max_rows: int) -> str:
    return _("At most %(max)s rows per file.") % {"max": max_rows}


def _not_utf8(name: str, error: UnicodeDecodeError) -> str:
    return _("The file is not UTF-8 text: %(error)s") % {"error": error}


def _nul() -> str:
    return _("The file contains NUL characters; it is not a CSV text file.")


def _unreadable(error: Exception) -> str:
    return _("The file cannot be read: %(error)s") % {"error": error}


@dataclass(frozen=True)
class Wording:
    """The texts of the file-level problems that an import may word in its own way:
    ``too_large(size, limit)``, ``too_many_rows(max_rows)``, ``not_utf8(name, error)``,
    ``nul()`` and ``unreadable(csv_error)``. The other problems of a file (a workbook
    that is none, a zip file where CSV is expected) are worded the same for every import."""

    too_large: Callable[[int, int], str] = _too_large
    too_many_rows: Callable[[int], str] = _too_many_rows
    not_utf8: Callable[[str, UnicodeDecodeError], str] = _not_utf8
    nul: Callable[[], str] = _nul
    unreadable: Callable[[Exception], str] = _unreadable


WORDING = Wording()


class Row(NamedTuple):
    """A row that is not blank: its number as a spreadsheet shows it (the header is 1;
    a CSV text cell with line breaks is still one row) and its cells, with the quote
    that an export put before a formula-like text taken off again."""

    number: int
    cells: list[str]


@dataclass
class Table:
    """The header (the first row's cells as written; ``[]`` for an empty file) and the
    rows after it that are not blank."""

    header: list[str]
    rows: list[Row]

    @property
    def is_empty(self) -> bool:
        return not self.rows and not any(cell.strip() for cell in self.header)

    def records(self) -> list[Row]:
        """Every row that is not blank, the header (row 1) included."""
        header = [Row(1, self.header)] if any(cell.strip() for cell in self.header) else []
        return header + self.rows


def default_max_bytes() -> int:
    return settings.KENNISSCHAKEL_IMPORT_MAX_BYTES


def check_size(size: int, max_bytes: int | None = None, wording: Wording = WORDING) -> None:
    """The first check of any import, before a byte is read or parsed."""
    limit = default_max_bytes() if max_bytes is None else max_bytes
    if size > limit:
        raise ImportRejected(wording.too_large(size, limit))


def read_table(
    name_or_file: str | bytes | Path | IO,
    content: bytes | str | None = None,
    *,
    max_bytes: int | None = None,
    max_rows: int = MAX_ROWS,
    workbooks: bool = False,
    sniff: bool = True,
    delimiters: str = ",;\t",
    check_archive: Callable[[zipfile.ZipFile, str], None] | None = None,
    wording: Wording = WORDING,
) -> Table:
    """The table in a file: ``read_table(name, content)`` for bytes or text in memory
    (``name`` may be empty), ``read_table(path_or_file)`` for a file not yet read, and
    ``read_table(content)`` for bytes or text without a name.

    ``max_bytes`` defaults to ``KENNISSCHAKEL_IMPORT_MAX_BYTES``. ``workbooks``: an XLSX
    file is read (its first sheet; ``check_archive(zipfile, name)`` may refuse the zip
    with a ``ValidationError`` before anything is unpacked); without it any zip file is
    refused. ``sniff``: the CSV dialect is sniffed from the header line, among
    ``delimiters``; otherwise the delimiter is the one of ``delimiters`` that the header
    line uses most (the first on a tie) and the rest of the dialect is Excel's.
    Raises :class:`ImportRejected` for a file that cannot be read as a table."""
    name, content = _content(name_or_file, content, max_bytes, wording)
    if isinstance(content, bytes) and content.startswith(ZIP_MAGIC):
        if not workbooks:
            raise ImportRejected(
                _(
                    "This is an Excel (XLSX) or other zip file, not a CSV file. Open it "
                    "in your spreadsheet program, save it as 'CSV UTF-8' and import that."
                )
            )
        return _table(_workbook_records(name, content, max_rows, check_archive, wording))
    if workbooks and isinstance(content, bytes) and name.lower().endswith(WORKBOOK_SUFFIXES):
        raise ImportRejected(_not_a_workbook(name))
    text = _text(name, content, wording)
    try:
        return _table(_first_records(_reader(text, sniff, delimiters), max_rows, wording))
    except csv.Error as error:
        raise ImportRejected(wording.unreadable(error)) from error


def read_text(
    name_or_file: str | bytes | Path | IO,
    content: bytes | str | None = None,
    *,
    max_bytes: int | None = None,
    wording: Wording = WORDING,
) -> str:
    """The text of a file that is not a table (a mapping file, say), taken as
    :func:`read_table` takes it: size limit first, UTF-8 (a byte-order mark is fine),
    no NUL characters."""
    name, content = _content(name_or_file, content, max_bytes, wording)
    return _text(name, content, wording)


def _content(name_or_file, content, max_bytes: int | None, wording: Wording):
    """The name and content (bytes or text) of what was given, within the size limit.
    A file not yet read is refused unread when it says it is too large, and never more
    than one byte past the limit is read."""
    limit = default_max_bytes() if max_bytes is None else max_bytes
    if content is not None:
        name = name_or_file
    elif isinstance(name_or_file, str | bytes | bytearray):
        name, content = "", name_or_file
    elif isinstance(name_or_file, Path):
        check_size(name_or_file.stat().st_size, limit, wording)
        name, content = name_or_file.name, name_or_file.read_bytes()
    else:
        check_size(getattr(name_or_file, "size", None) or 0, limit, wording)
        name = getattr(name_or_file, "name", "")
        name, content = (name if isinstance(name, str) else ""), name_or_file.read(limit + 1)
    if isinstance(content, bytearray):
        content = bytes(content)
    size = len(content.encode("utf-8", errors="replace") if isinstance(content, str) else content)
    check_size(size, limit, wording)
    return name, content


def _text(name: str, content: bytes | str, wording: Wording) -> str:
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportRejected(wording.not_utf8(name, error)) from error
    text = content.lstrip("\ufeff")
    if "\x00" in text:
        raise ImportRejected(wording.nul())
    return text


def _reader(text: str, sniff: bool, delimiters: str):
    first_line = re.split(r"[\r\n]", text, maxsplit=1)[0]
    stream = io.StringIO(text, newline="")
    if sniff:
        try:
            return csv.reader(stream, csv.Sniffer().sniff(first_line, delimiters=delimiters))
        except csv.Error:
            return csv.reader(stream, csv.excel)
    counts = [first_line.count(delimiter) for delimiter in delimiters]
    return csv.reader(stream, delimiter=delimiters[counts.index(max(counts))])


def _first_records(rows: Iterable, max_rows: int, wording: Wording) -> list:
    """The header and up to ``max_rows`` rows, stopping (unparsed) as soon as there are more."""
    records = []
    for row in rows:
        records.append(row)
        if len(records) > max_rows + 1:
            raise ImportRejected(wording.too_many_rows(max_rows))
    return records


def _table(records: list[list[str]]) -> Table:
    if not records:
        return Table([], [])
    rows = [
        Row(number, [unescape_formula(cell) for cell in cells])
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return Table(list(records[0]), rows)


def _not_a_workbook(name: str) -> str:
    return _("'%(name)s' is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV (UTF-8).") % {
        "name": name
    }


def _workbook_records(
    name: str, content: bytes, max_rows: int, check_archive, wording: Wording
) -> list[list[str]]:
    from openpyxl import load_workbook

    not_a_workbook = ImportRejected(_not_a_workbook(name))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if check_archive is not None:
                check_archive(archive, name)
            if "xl/workbook.xml" not in archive.namelist():
                raise not_a_workbook
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise not_a_workbook
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        return [
            ["" if cell is None else str(cell) for cell in row]
            for row in _first_records(rows, max_rows, wording)
        ]
    except ValidationError as error:
        raise ImportRejected(" ".join(error.messages)) from error
    except ImportRejected:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise not_a_workbook from error
