"""Responses in and out of spreadsheets: CSV import (all or nothing), CSV/XLSX export.

The layout is the contract of ``docs/monitor-formats.md`` ("Answer values"): one row
per municipality with a ``cbs_code`` column (a ``name`` column may be present and is
not read), one column per question code, and for multiple/top2 questions one ``0``/``1``
column ``<question>__<option>`` per option. Export writes exactly what import reads, so
an exported file can be corrected and imported again, or imported into another wave of
the same instrument.

Import rules:

* the file is read by :func:`kennisschakel.core.tabular.read_table`, limits first: a file
  larger than MONITOR_IMPORT_MAX_BYTES (5 MB) is refused before it is read, and one with
  more than MONITOR_IMPORT_MAX_ROWS (5000) data rows is refused by a streaming count
  before any row is parsed; an XLSX or other zip file (whatever its name says) is refused
  with the advice to save it as CSV;
* UTF-8 (a byte-order mark is fine), ``;`` or ``,`` as delimiter (whichever the header
  line uses more), header names compared without case and surrounding spaces;
* every row's ``cbs_code`` must be a municipality of the wave's population (its
  invitations); ``GM0153``, ``gm0153`` and ``153`` are the same code; a code may occur once;
* the cells are read by :func:`kennisschakel.engines.survey.parse_csv_row` (routing, options,
  bounds, required questions); a column that belongs to no question is named once, for
  the header row;
* every problem is collected as a :class:`RowError` ``(row, column, message)``, the row
  numbered as a spreadsheet shows it (the header is row 1; a text cell with line breaks
  is still one row); file-level problems have row 0. Any problem raises
  :class:`ImportRejected` and nothing is written;
* a municipality that submitted its answers online is not overwritten unless
  ``replace_submitted`` is given; rows for municipalities imported before replace them;
* on success each row's invitation gets the answers, ``submitted_at`` = now and
  ``imported`` = True, in one transaction.

Export writes the submitted invitations only, their *effective* answers (what the
analysis counts: answers to questions that are no longer asked are left out), ordered
by CBS code. Raw responses are for analysts only (``rules.may_export_raw``); XLSX
cells are written as values, never as formulas, and in both formats a text that would
start a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading ``'``
(:func:`kennisschakel.core.tabular.write_csv`, :func:`~kennisschakel.core.tabular.write_xlsx`);
import takes that quote off again, so an exported file imports unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kennisschakel.core import tabular
from kennisschakel.core.tabular import ImportRejected, ImportReport, RowError
from kennisschakel.engines import survey
from kennisschakel.engines.survey.instrument import MULTIPLE_TYPES
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.services import answer_message

CODE_COLUMN = "cbs_code"
NAME_COLUMN = "name"
#: Columns that carry no answer: the respondent key and its (informative) name.
KEY_COLUMNS = (CODE_COLUMN, NAME_COLUMN)
SHEET_TITLE = "antwoorden"


class ResponseError(RowError):
    """A problem of a response file, its place worded as the import page always showed it:
    ``row 3, column cbs_code: …``, leaving out what is not known."""

    __slots__ = ()

    def __str__(self) -> str:
        if self.row and self.column:
            return _("row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        if self.column:
            return _("column %(column)s: %(message)s") % {
                "column": self.column,
                "message": self.message,
            }
        return self.message


@dataclass
class ImportResult(ImportReport):
    imported: int = 0  # rows imported (= invitations submitted by this import)
    replaced: int = 0  # of which the invitation had been submitted (or imported) before

    def __str__(self) -> str:
        return _(
            "%(imported)s responses imported, %(replaced)s of which replaced earlier ones."
        ) % {
            "imported": self.imported,
            "replaced": self.replaced,
        }


# --------------------------------------------------------------------------- reading


def max_bytes() -> int:
    return getattr(settings, "MONITOR_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def max_rows() -> int:
    return getattr(settings, "MONITOR_IMPORT_MAX_ROWS", 5000)


RESPONSE_FILE = tabular.Wording(
    too_large=lambda size, limit: (
        _("The file is larger than %(size)s MB; a response file is far smaller.")
        % {"size": round(limit / 1024 / 1024, 1)}
    ),
    too_many_rows=lambda rows: (
        _("The file has more than %(rows)s rows; import it in parts.") % {"rows": rows}
    ),
    unreadable=lambda error: _("The file cannot be read as CSV: %(error)s") % {"error": error},
)


def read_responses(file_or_text: str | bytes | IO | Path) -> list[tabular.Row]:
    """The rows of a response CSV that are not blank, the header included: a ``str`` or
    ``bytes`` is the content itself, a path or an upload is refused unread when too large.
    ``;`` or ``,`` as delimiter, whichever the header line uses more. Shared with the
    LimeSurvey import."""
    table = tabular.read_table(
        file_or_text, max_bytes=max_bytes(), max_rows=max_rows(), sniff=False, delimiters=",;",
        wording=RESPONSE_FILE,
    )  # fmt: skip
    return table.records()


def normalise_code(value: str) -> str:
    """``GM0153``, ``gm0153``, `` 153 `` -> ``GM0153``; anything else upper-cased as is."""
    code = (value or "").strip().upper()
    if code.isdigit() and len(code) <= 4:
        return f"GM{code.zfill(4)}"
    return code


def _header_problems(
    instrument: survey.Instrument, header: list[str]
) -> tuple[list[RowError], set[str]]:
    """Problems of the header row, and the unknown columns (named once, here)."""
    problems: list[RowError] = []
    unknown: set[str] = set()
    seen: set[str] = set()
    columns = instrument.csv_columns
    for name in header:
        if name in seen:
            problems.append(duplicate_column(name))
            continue
        seen.add(name)
        if name not in columns and name not in KEY_COLUMNS:
            unknown.add(name)
            error = survey.AnswerError("unknown_column", {"column": name})
            problems.append(ResponseError(1, name, answer_message(error)))
    if CODE_COLUMN not in seen:
        problems.append(
            ResponseError(
                1,
                CODE_COLUMN,
                _(
                    "The column '%(column)s' is missing: every row needs the CBS code "
                    "of a municipality."
                )
                % {"column": CODE_COLUMN},
            )
        )
    return problems, unknown


def import_responses(
    wave: Wave, file_or_text: str | bytes | IO | Path, *, replace_submitted: bool = False
) -> ImportResult:
    """Import a response CSV into ``wave``: every row or none (see the module docstring).

    Raises :class:`ImportRejected` with every problem."""
    records = read_responses(file_or_text)
    if not records:
        raise ImportRejected(_("The file is empty."))
    header_row, header_cells = records[0]
    if header_cells and is_practice_label(header_cells[0]):
        # An export of a practice wave: its made-up answers never go into a wave.
        raise ImportRejected(
            [ResponseError(1, "", _("This file holds the fictitious answers of a practice "
                                    "wave; it cannot be imported."))]
        )  # fmt: skip
    if header_row != 1:
        raise ImportRejected([ResponseError(1, "", _("The first row must hold the column names."))])
    header = [cell.strip().lower() for cell in header_cells]
    instrument = wave.instrument.engine()
    problems, unknown = _header_problems(instrument, header)
    if CODE_COLUMN not in header or len(set(header)) != len(header):
        # Without the key column, or with a column twice, the rows cannot be read reliably.
        raise ImportRejected(problems)
    invitations = {invitation.cbs_code: invitation for invitation in wave.invitations.all()}
    ignore = (*KEY_COLUMNS, *unknown)
    first_row: dict[str, int] = {}
    prepared: list[tuple[Invitation, dict[str, Any]]] = []
    for number, cells in records[1:]:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                ResponseError(
                    number,
                    "",
                    _("The row has %(cells)s cells, the header %(columns)s columns.")
                    % {"cells": len(cells), "columns": len(header)},
                )
            )
            continue
        row = dict(zip(header, cells, strict=False))
        code = normalise_code(row.get(CODE_COLUMN, ""))
        invitation = invitations.get(code)
        if not code:
            problems.append(ResponseError(number, CODE_COLUMN, _("The CBS code is empty.")))
        elif invitation is None:
            problems.append(not_in_population(number, CODE_COLUMN, code))
        else:
            problem = claim_row(invitation, number, CODE_COLUMN, first_row, replace_submitted)
            if problem is not None:
                problems.append(problem)  # any problem refuses the whole file
        answers, errors = survey.parse_csv_row(instrument, row, ignore=ignore)
        for column, error in errors:
            problems.append(ResponseError(number, column, answer_message(error)))
        if invitation is not None and not errors:
            prepared.append((invitation, answers))
    return store_or_reject(problems, prepared)


def duplicate_column(name: str) -> ResponseError:
    return ResponseError(1, name, _("Column '%(column)s' occurs twice.") % {"column": name})


def not_in_population(number: int, column: str, code: str) -> ResponseError:
    return ResponseError(
        number,
        column,
        _("CBS code '%(code)s' is not a municipality of this wave's population.") % {"code": code},
    )


def claim_row(
    invitation: Invitation, number: int, column: str, first_row: dict, replace_submitted: bool
) -> RowError | None:
    """Row ``number`` answers for ``invitation``: refused when an earlier row already did
    (``first_row`` keeps the earlier one), or when the municipality submitted online and
    replacing that was not asked for. Shared by the native and the LimeSurvey import."""
    code = invitation.cbs_code
    if code in first_row:
        return ResponseError(
            number,
            column,
            _("CBS code '%(code)s' occurs more than once (also in row %(row)s).")
            % {"code": code, "row": first_row[code]},
        )
    first_row[code] = number
    if invitation.submitted_at and not invitation.imported and not replace_submitted:
        return ResponseError(
            number,
            column,
            _(
                "%(name)s (%(code)s) submitted its answers online; they are only "
                "replaced when you ask for that explicitly."
            )
            % {"name": invitation.name, "code": code},
        )
    return None


def store_or_reject(
    problems: list[RowError], prepared: list[tuple[Invitation, dict[str, Any]]]
) -> ImportResult:
    """All rows or none: any problem refuses the file (the problems sorted by row, stable:
    the order within a row is kept); otherwise every prepared row is stored."""
    if problems:
        problems.sort(key=lambda error: error.row)
        raise ImportRejected(problems)
    return _store(prepared)


@transaction.atomic
def _store(prepared: list[tuple[Invitation, dict[str, Any]]]) -> ImportResult:
    """One UPDATE per row for the answers (a bulk_update of 342 JSON values builds one
    large CASE expression and is several times slower), then the shared fields at once."""
    now = timezone.now()
    replaced = sum(1 for invitation, _answers in prepared if invitation.submitted_at)
    for invitation, answers in prepared:
        Invitation.objects.filter(pk=invitation.pk).update(answers=answers)
    rows = Invitation.objects.filter(pk__in=[invitation.pk for invitation, _ in prepared])
    rows.filter(started_at__isnull=True).update(started_at=now)
    rows.update(invalid_input={}, saved_at=now, submitted_at=now, imported=True)
    return ImportResult(imported=len(prepared), replaced=replaced)


# --------------------------------------------------------------------------- writing


def practice_label() -> str:
    """The first line of a practice wave's export (in the current language)."""
    return _("Practice wave — fictitious answers, not real data")


def is_practice_label(cell: str) -> bool:
    """Whether a first cell is that label, in any language of the site."""
    from django.utils import translation

    for language in ("nl", "en"):
        with translation.override(language):
            if cell.strip() == practice_label():
                return True
    return False


def columns_of(instrument: survey.Instrument) -> list[str]:
    """The header of the import/export layout: key columns, then the questions' columns."""
    return [*KEY_COLUMNS, *instrument.csv_columns]


def answer_cells(instrument: survey.Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """``{column: value}`` for the answered questions: option codes, 0/1 per option of a
    multiple question, numbers and texts as they are (``None`` for nothing)."""
    cells: dict[str, Any] = {}
    for question in instrument.questions:
        value = answers.get(question.code)
        if question.type in MULTIPLE_TYPES:
            chosen = set(value) if isinstance(value, list | tuple) and value else None
            for option in question.options:
                column = f"{question.code}__{option.code}"
                cells[column] = None if chosen is None else int(option.code in chosen)
        else:
            cells[question.code] = value if survey.has_answer(value) else None
    return cells


def _number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def answers_to_row(instrument: survey.Instrument, answers: Mapping[str, Any]) -> dict[str, str]:
    """One CSV row (without the key columns) for engine answers, as :func:`import_responses`
    reads it back: how benchmarks/monitor.py and benchmarks/pdf_generation.py write the
    import files of their synthetic waves."""
    row = {}
    for column, value in answer_cells(instrument, answers).items():
        if value is None:
            row[column] = ""
        elif isinstance(value, int | float):
            row[column] = _number(value)
        else:
            row[column] = str(value)
    return row


def _submitted(wave: Wave):
    return wave.invitations.filter(submitted_at__isnull=False).order_by("cbs_code")


def export_rows(wave: Wave) -> tuple[list[str], list[dict[str, Any]]]:
    """``(header, rows)`` of the submitted invitations, values typed (see answer_cells)."""
    instrument = wave.instrument.engine()
    rows = []
    for invitation in _submitted(wave):
        answers = instrument.effective_answers(invitation.answers or {})
        rows.append(
            {
                CODE_COLUMN: invitation.cbs_code,
                NAME_COLUMN: invitation.name,
                **answer_cells(instrument, answers),
            }
        )
    return columns_of(instrument), rows


def with_practice_label(wave: Wave, table: list[list]) -> list[list]:
    """A practice wave's export starts with a line that says its answers are made up
    (monitor/practice.py); the import refuses such a file."""
    return [[practice_label()], *table] if wave.is_practice else table


def _table(wave: Wave) -> list[list]:
    header, rows = export_rows(wave)
    return with_practice_label(wave, [header, *([row.get(c) for c in header] for row in rows)])


def export_csv(wave: Wave) -> str:
    """The submitted responses as CSV (comma, ``.`` as decimal sign, UTF-8)."""
    return tabular.write_csv(_table(wave))


def export_xlsx(wave: Wave) -> bytes:
    """The submitted responses as an XLSX workbook: one sheet, the CSV layout, the key
    columns and the header frozen."""
    top = 2 if wave.is_practice else 1
    return tabular.write_xlsx(_table(wave), title=SHEET_TITLE, freeze_panes=f"C{top + 1}")
