"""Responses exported from LimeSurvey, imported through a mapping file: all rows or none.

Municipalities and associations that already ran the survey in LimeSurvey export its
responses ("Export results", headings as *question code*, responses as *answer codes*,
CSV) and give a mapping file that says which LimeSurvey question is which instrument
question, and which LimeSurvey answer codes are which option codes where they differ.
The contract is ``docs/monitor-formats.md`` ("Import from LimeSurvey"); in short:

* the export: one row per response; LimeSurvey's own columns (``id``, ``submitdate``,
  ``lastpage``, ``startlanguage``, ``seed``, ``startdate``, ``datestamp``, ``ipaddr``,
  ``refurl``, the participant fields ``firstname``, ``lastname``, ``email``,
  ``attribute_N`` …) are not answers; a question is one column ``Q1``, a multiple-choice
  question one column per sub-question ``Q2[SQ001]`` holding ``Y`` (ticked) or nothing,
  a ranking one column per rank ``Q3[1]`` holding an answer code;
* the respondent: its ``token`` column, looked up in the mapping's ``tokens`` (token ->
  CBS code), or a token that is itself a CBS code; or, with ``cbs_code_column``, a
  participant attribute exported beside the answers that holds the CBS code;
* every other column must be mapped (``questions``) or named in ``ignore``;
* the row is then read exactly as a native import row (:mod:`.imports`): routing,
  options, bounds and required questions by :func:`kennisschakel.engines.survey.parse_csv_row`,
  every problem named by row and LimeSurvey column, nothing written unless all is right.

This module only translates and checks: both files are read by
:mod:`kennisschakel.core.tabular` and :func:`import_limesurvey` stores through the native
import's :func:`~kennisschakel.monitor.imports.store_or_reject` (one transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO, Any

import yaml
from django.utils.translation import gettext as _

from kennisschakel.core import tabular
from kennisschakel.engines import survey
from kennisschakel.engines.survey.instrument import CHOICE_TYPES, CSV_SEPARATOR, MULTIPLE_TYPES
from kennisschakel.monitor import imports
from kennisschakel.monitor.imports import ImportRejected
from kennisschakel.monitor.imports import ResponseError as RowError
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.services import answer_message

#: LimeSurvey's own columns and the participant fields it can export beside the answers.
SYSTEM_COLUMNS = frozenset(
    {
        "id",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "token",
        "firstname",
        "lastname",
        "email",
        "emailstatus",
        "language",
    }
)
_ATTRIBUTE = re.compile(r"^attribute_\d+$")
_SUBQUESTION = re.compile(r"^(?P<base>[^\[\]]+)\[(?P<sub>[^\[\]]+)\]$")
_TRAILING_ZEROS = re.compile(r"^(?P<number>-?\d+(?:\.\d*?)?)\.?0*$")
#: A multiple-choice cell: LimeSurvey writes Y for a ticked box (N in some versions).
_TICKS = {"y": "1", "n": "0", "1": "1", "0": "0", "": ""}
MAX_MAPPING_BYTES = 512 * 1024


@dataclass
class Mapping:
    """The mapping file, read: LimeSurvey code -> instrument question and options."""

    questions: dict[str, str] = field(default_factory=dict)  # LimeSurvey code -> question
    options: dict[str, dict[str, str]] = field(default_factory=dict)  # LS code -> {LS: option}
    tokens: dict[str, str] = field(default_factory=dict)  # token -> CBS code
    ignore: set[str] = field(default_factory=set)
    token_column: str = "token"  # noqa: S105 (a column name, not a secret)
    cbs_code_column: str = ""


def _in_mapping(message: str) -> str:
    return _("Mapping file: %(message)s") % {"message": message}


def _mapping_error(message: str) -> ImportRejected:
    return ImportRejected(_in_mapping(message))


#: A CSV mapping file is read as a table, without a row limit of its own.
MAPPING_FILE = tabular.Wording(
    too_large=lambda size, limit: _in_mapping(_("the file is larger than 512 kB.")),
    not_utf8=lambda name, error: _in_mapping(_("the file is not UTF-8 text.")),
    nul=lambda: _in_mapping(_("the file contains NUL characters.")),
    unreadable=lambda error: _in_mapping(str(error)),
)


def _text(value: Any) -> str:
    """A mapping key or value as text (YAML reads codes like 1 or 0153 as numbers)."""
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        raise TypeError(value)
    return str(value).strip()


def _from_yaml(data: dict) -> Mapping:
    mapping = Mapping()
    try:
        mapping.token_column = _text(data.get("token_column") or "token").lower()
        mapping.cbs_code_column = _text(data.get("cbs_code_column") or "").lower()
        for code, target in (data.get("questions") or {}).items():
            if isinstance(target, dict):
                mapping.questions[_text(code)] = _text(target.get("question"))
                mapping.options[_text(code)] = {
                    _text(k): _text(v) for k, v in (target.get("options") or {}).items()
                }
            else:
                mapping.questions[_text(code)] = _text(target)
        mapping.tokens = {_text(k): _text(v) for k, v in (data.get("tokens") or {}).items()}
        mapping.ignore = {_text(code) for code in data.get("ignore") or []}
    except (TypeError, AttributeError) as error:
        raise _mapping_error(
            _("it does not have the layout of docs/monitor-formats.md (questions, tokens, ignore).")
        ) from error
    return mapping


def _from_csv(text: str) -> Mapping:
    """``kind,limesurvey,code,instrument`` lines (see docs/monitor-formats.md)."""
    mapping = Mapping()
    table = tabular.read_table(
        text, max_bytes=MAX_MAPPING_BYTES, max_rows=MAX_MAPPING_BYTES, sniff=False,
        delimiters=",;", wording=MAPPING_FILE,
    )  # fmt: skip
    header = [cell.strip().lower() for cell in table.header]
    if header[:4] != ["kind", "limesurvey", "code", "instrument"]:
        raise _mapping_error(
            _("a CSV mapping file starts with the columns kind, limesurvey, code, instrument.")
        )
    for number, cells in table.rows:
        kind, limesurvey, code, target = [*(c.strip() for c in cells), "", "", "", ""][:4]
        kind = kind.lower()
        if kind == "question":
            mapping.questions[limesurvey] = target
        elif kind == "option":
            mapping.options.setdefault(limesurvey, {})[code] = target
        elif kind == "token":
            mapping.tokens[code] = target
        elif kind == "ignore":
            mapping.ignore.add(limesurvey)
        elif kind == "token_column":
            mapping.token_column = limesurvey.lower()
        elif kind == "cbs_code_column":
            mapping.cbs_code_column = limesurvey.lower()
        elif kind or any(cells):
            raise _mapping_error(
                _("line %(line)s: unknown kind '%(kind)s'.") % {"line": number, "kind": kind}
            )
    return mapping


def read_mapping(file_or_text: str | bytes | IO, name: str = "") -> Mapping:
    """The mapping file (YAML or CSV, told apart by its name or its first line)."""
    text = tabular.read_text(file_or_text, max_bytes=MAX_MAPPING_BYTES, wording=MAPPING_FILE)
    first = text.lstrip().split("\n", 1)[0].lower()
    if name.lower().endswith(".csv") or first.startswith("kind"):
        return _from_csv(text)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _mapping_error(_("it is neither valid YAML nor CSV.")) from error
    if not isinstance(data, dict):
        raise _mapping_error(
            _("it does not have the layout of docs/monitor-formats.md (questions, tokens, ignore).")
        )
    return _from_yaml(data)


def _check_mapping(mapping: Mapping, instrument: survey.Instrument) -> list[RowError]:
    """Every mapped question and option must exist in the instrument."""
    problems = []
    questions = {question.code: question for question in instrument.questions}
    for code, target in mapping.questions.items():
        question = questions.get(target)
        if question is None:
            problems.append(
                RowError(
                    0,
                    code,
                    _("Mapping file: LimeSurvey question %(code)s is mapped to '%(target)s', "
                      "which is not a question of this instrument.")
                    % {"code": code, "target": target},
                )
            )  # fmt: skip
            continue
        for answer, option in mapping.options.get(code, {}).items():
            if option not in question.option_codes and question.type in CHOICE_TYPES:
                problems.append(
                    RowError(
                        0,
                        code,
                        _("Mapping file: answer code %(answer)s of %(code)s is mapped to "
                          "'%(option)s', which is not an option of %(question)s.")
                        % {"answer": answer, "code": code, "option": option,
                           "question": target},
                    )
                )  # fmt: skip
    for code in mapping.options:
        if code not in mapping.questions:
            problems.append(
                RowError(
                    0,
                    code,
                    _("Mapping file: options are given for %(code)s, but the question "
                      "itself is not mapped.") % {"code": code},
                )
            )  # fmt: skip
    return problems


@dataclass
class _Column:
    """What one LimeSurvey column becomes: a question, and for a multiple-choice
    sub-question its option (``rank``: a ranking column that holds an answer code)."""

    header: str
    question: survey.Question
    code: str  # the LimeSurvey question code whose options apply
    option: str | None = None
    rank: bool = False


def _columns(
    header: list[str], mapping: Mapping, instrument: survey.Instrument
) -> tuple[dict[int, _Column], list[RowError]]:
    questions = {question.code: question for question in instrument.questions}
    keys = {mapping.token_column, mapping.cbs_code_column} - {""}
    columns: dict[int, _Column] = {}
    problems: list[RowError] = []
    seen: set[str] = set()
    for position, name in enumerate(header):
        if name in seen:
            problems.append(imports.duplicate_column(name))
            continue
        seen.add(name)
        lowered = name.lower()
        if lowered in keys or name in mapping.ignore:
            continue
        target = questions.get(mapping.questions.get(name, ""))
        if target is not None:  # mapped as a whole (also "Q1[other]" to a text question)
            columns[position] = _Column(name, target, name)
            continue
        sub = _SUBQUESTION.match(name)
        base = questions.get(mapping.questions.get(sub["base"], "")) if sub else None
        if sub and base is not None and base.type in MULTIPLE_TYPES:
            code = sub["base"]
            option = mapping.options.get(code, {}).get(sub["sub"], sub["sub"])
            if option in base.option_codes:
                columns[position] = _Column(name, base, code, option)
                continue
            if sub["sub"].isdigit():  # a ranking question: one column per rank
                columns[position] = _Column(name, base, code, rank=True)
                continue
            problems.append(
                RowError(
                    1,
                    name,
                    _("Sub-question %(sub)s is not an option of %(question)s; map it under "
                      "options in the mapping file, or name the column under ignore.")
                    % {"sub": sub["sub"], "question": base.code},
                )
            )  # fmt: skip
            continue
        if lowered in SYSTEM_COLUMNS or _ATTRIBUTE.match(lowered):
            continue
        problems.append(
            RowError(
                1,
                name,
                _("Column '%(column)s' is not mapped: name it in the mapping file under "
                  "questions (which instrument question it is) or under ignore.")
                % {"column": name},
            )
        )  # fmt: skip
    return columns, problems


def _number(cell: str) -> str:
    """LimeSurvey writes numbers with ten decimals ("1000.0000000000"): drop the zeros."""
    if "." in cell:
        match = _TRAILING_ZEROS.match(cell)
        if match:
            return match["number"].rstrip(".")
    return cell


def _native_row(
    cells: dict[int, str], columns: dict[int, _Column], mapping: Mapping, number: int
) -> tuple[dict[str, str], dict[str, str], list[RowError]]:
    """One LimeSurvey row as a native import row ``{instrument column: cell}``, the
    LimeSurvey column of each instrument column (for messages), and the cells that
    cannot be translated."""
    row: dict[str, str] = {}
    origin: dict[str, str] = {}
    problems: list[RowError] = []
    for position, column in columns.items():
        cell = cells.get(position, "").strip()
        question = column.question
        options = mapping.options.get(column.code, {})
        origin.setdefault(question.code, column.header)
        if question.type in MULTIPLE_TYPES:
            if column.rank:
                if not cell:
                    continue
                option = options.get(cell, cell)
                if option not in question.option_codes:
                    problems.append(_bad_code(number, column, cell))
                    continue
                native = f"{question.code}{CSV_SEPARATOR}{option}"
                row[native] = "1"
            else:
                native = f"{question.code}{CSV_SEPARATOR}{column.option}"
                tick = _TICKS.get(cell.lower())
                if tick is None:
                    problems.append(
                        RowError(
                            number,
                            column.header,
                            _("'%(value)s' is not a LimeSurvey tick: Y (ticked) or empty.")
                            % {"value": cell},
                        )
                    )
                    continue
                row.setdefault(native, tick)
                if tick == "1":
                    row[native] = "1"
            origin[native] = column.header
            continue
        if not cell:
            row.setdefault(question.code, "")
            continue
        value = options.get(cell, cell)
        if question.type in CHOICE_TYPES and value not in question.option_codes:
            problems.append(_bad_code(number, column, cell))
            continue
        if question.type == "number":
            value = _number(value)
        row[question.code] = value
        origin[question.code] = column.header
    # Ranked options not chosen in this row count as not chosen once one is.
    return row, origin, problems


def _bad_code(number: int, column: _Column, cell: str) -> RowError:
    return RowError(
        number,
        column.header,
        _("Answer code '%(value)s' is not an option of %(question)s and the mapping file "
          "does not map it.") % {"value": cell, "question": column.question.code},
    )  # fmt: skip


def _respondent(
    row: dict[str, str],
    mapping: Mapping,
    invitations: dict[str, Invitation],
    number: int,
) -> tuple[Invitation | None, RowError | None]:
    if mapping.cbs_code_column:
        column = mapping.cbs_code_column
        code = imports.normalise_code(row.get(column, ""))
        if code in invitations:
            return invitations[code], None
        return None, imports.not_in_population(number, column, code)
    column = mapping.token_column
    token = row.get(column, "").strip()
    if not token:
        return None, RowError(number, column, _("The token is empty."))
    code = imports.normalise_code(mapping.tokens.get(token, token))
    if code in invitations:
        return invitations[code], None
    return None, RowError(
        number,
        column,
        _("Token '%(token)s' belongs to no municipality of this wave: it is not in the "
          "mapping file's tokens and is not a CBS code of the population.")
        % {"token": token},
    )  # fmt: skip


def import_limesurvey(
    wave: Wave,
    export: str | bytes | IO,
    mapping_file: str | bytes | IO,
    *,
    mapping_name: str = "",
    replace_submitted: bool = False,
) -> imports.ImportResult:
    """Import a LimeSurvey response export into ``wave`` through ``mapping_file``: every
    row or none. Raises :class:`ImportRejected` with every problem."""
    mapping = read_mapping(mapping_file, mapping_name)
    instrument = wave.instrument.engine()
    problems = _check_mapping(mapping, instrument)
    if problems:
        raise ImportRejected(problems)
    records = imports.read_responses(export)
    if not records or records[0].number != 1:
        raise ImportRejected(_("The file is empty."))
    header = [cell.strip() for cell in records[0][1]]
    lowered = [name.lower() for name in header]
    key = mapping.cbs_code_column or mapping.token_column
    columns, problems = _columns(header, mapping, instrument)
    if key not in lowered:
        problems.append(
            RowError(
                1,
                key,
                _("The column '%(column)s' is missing: it says which municipality answered. "
                  "Export the responses with the participants' token.") % {"column": key},
            )
        )  # fmt: skip
    if problems:
        raise ImportRejected(problems)
    invitations = {invitation.cbs_code: invitation for invitation in wave.invitations.all()}
    first_row: dict[str, int] = {}
    prepared: list[tuple[Invitation, dict[str, Any]]] = []
    for number, cells in records[1:]:
        by_position = dict(enumerate(cells))
        named = {lowered[i]: cell for i, cell in by_position.items() if i < len(lowered)}
        invitation, problem = _respondent(named, mapping, invitations, number)
        if problem:
            problems.append(problem)
        else:
            problem = imports.claim_row(invitation, number, key, first_row, replace_submitted)
            if problem is not None:
                problems.append(problem)  # any problem refuses the whole file
        if "submitdate" in named and not named["submitdate"].strip():
            problems.append(
                RowError(
                    number,
                    "submitdate",
                    _(
                        "This response was not completed in LimeSurvey; export completed "
                        "responses only."
                    ),
                )
            )
            continue
        row, origin, cell_problems = _native_row(by_position, columns, mapping, number)
        problems.extend(cell_problems)
        answers, errors = survey.parse_csv_row(instrument, row)
        named_already = {problem.column for problem in cell_problems}
        for column, error in errors:
            column = origin.get(column, column)
            if column not in named_already:  # e.g. "required" after a refused code
                problems.append(RowError(number, column, answer_message(error)))
        if invitation is not None and not errors and not cell_problems:
            prepared.append((invitation, answers))
    return imports.store_or_reject(problems, prepared)
