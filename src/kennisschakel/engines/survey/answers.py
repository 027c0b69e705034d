"""Answers: from raw input (a form, a CSV row, JSON) to engine values, and completeness.

Plain Python; no Django imports. The engine speaks in error *codes* with parameters,
never in sentences: the Django layer turns an :class:`AnswerError` into a translated
message. Contract: ``docs/monitor-formats.md`` section 1, "Answer values".

Engine values
=============
=================  ===========================  ==========================================
type               value                        raw input accepted by :func:`normalise`
=================  ===========================  ==========================================
single, band       option code (``str``)        the code
multiple, top2     list of option codes, in     list of codes (a form's ``getlist``), or
                   the instrument's order        one code as a ``str``; duplicates merged
scale              ``int``                      ``"4"``, ``4`` (``4.0`` from JSON too)
number             ``int`` when whole, else     ``"12"``, ``"12.5"``, ``"12,5"``, numbers
                   ``float``
text               ``str`` (stripped, ``\\r\\n``  any string
                   -> ``\\n``)
=================  ===========================  ==========================================

Empty input (``None``, ``""``, whitespace, ``[]``) is *not answered*: :func:`normalise`
returns ``None``, or raises ``required`` for a question with ``required: true``. Whether
an empty answer is an error depends on routing, which :func:`normalise` cannot see:
call it only for asked questions, or use :func:`normalise_answers` /
:func:`parse_csv_row`, which walk the instrument in order. A one-element list is
unwrapped for the one-value types (a form may post any field as a list).

Numbers: the decimal sign is ``.`` or ``,`` (no thousands separators, no exponent,
no NaN or infinity), and no number lies beyond ±:data:`NUMBER_LIMIT` (10**15). The
decimals *as written* count, so with ``decimals: 0`` the input ``"1.000"`` is refused
(``too_many_decimals``) instead of silently read as 1 when the respondent meant a
thousand with a Dutch thousands separator.

Error codes
===========
``AnswerError(code, params)``; ``value`` in params is the input as a string.

====================  ================================  =====================================
code                  when                              params
====================  ================================  =====================================
required              empty answer, question required   {}
not_an_option         code not among the options; a     {"value"} (CSV cell: {"value",
                      CSV 0/1 cell with another value   "options": ["0", "1"]})
too_many_choices      top2 over max_choices; several    {"max", "count"}
                      values for a one-value question
exclusive_combined    an exclusive option with others   {"option"}
not_a_number          scale/number input not a number   {"value"}
not_an_integer        scale input with decimals         {"value"}
too_many_decimals     number with more decimals than    {"decimals", "value"}
                      allowed
below_minimum         under min (number) / scale min    {"min", "max", "value"}
above_maximum         over max (number) / scale max     {"min", "max", "value"}
too_long              text over max_length              {"max_length", "length"}
unknown_column        CSV column of no question         {"column"}
====================  ================================  =====================================

Raw values of a kind no form or JSON parser produces (a dict, a nested list, an object)
raise ``TypeError``: that is a programming error, not a respondent's.

CSV
===
:func:`parse_csv_row` takes one row as ``{column: cell}`` (``csv.DictReader``):

* a single/band/scale/number/text question is one column named by its code;
* a multiple/top2 question has one column ``<question>__<option>`` per option with
  ``1`` (chosen) or ``0``; a question whose cells are all empty, or all ``0``, is not
  answered (the same as a form with nothing ticked); once any cell is filled, an
  empty cell counts as ``0``;
* empty cells are not answered; numbers take ``.`` or ``,`` as decimal sign;
* a column that belongs to no question is reported as ``unknown_column``, except the
  ones the caller names in ``ignore`` (its respondent key and group columns);
* the questions are walked in order: an answer to a question that is not asked given
  the earlier answers is dropped silently (also when invalid), and an invalid answer
  counts as unanswered for the routing of later questions.

Errors are ``(column, AnswerError)`` pairs. An error about a single cell names its
column; an error about a multiple/top2 answer as a whole (``too_many_choices``,
``exclusive_combined``, ``required``) names the question code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from .model import (
    MULTIPLE_TYPES,
    SINGLE_TYPES,
    Instrument,
    Question,
    has_answer,
)

#: Every code an AnswerError can carry (see the module docstring for the params).
ERROR_CODES = frozenset(
    {
        "required",
        "not_an_option",
        "too_many_choices",
        "exclusive_combined",
        "not_a_number",
        "too_many_decimals",
        "below_minimum",
        "above_maximum",
        "too_long",
        "not_an_integer",
        "unknown_column",
    }
)

# Digits, optionally one decimal sign and more digits; no exponent, no NaN/Infinity
# (which Decimal() would accept), no thousands separators.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_FLAGS = {"1": True, "0": False}


class AnswerError(ValueError):
    """An invalid answer: a code from :data:`ERROR_CODES` and its parameters."""

    def __init__(self, code: str, params: Mapping[str, Any] | None = None):
        if code not in ERROR_CODES:
            raise ValueError(f"unknown answer error code {code!r}")
        self.code = code
        self.params = dict(params or {})
        super().__init__(code, self.params)

    def __str__(self) -> str:
        return f"{self.code} {self.params}" if self.params else self.code

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AnswerError):
            return NotImplemented
        return (self.code, self.params) == (other.code, other.params)

    __hash__ = None  # params is a dict


# --------------------------------------------------------------------------- one answer


def _as_text(raw: object) -> str:
    return raw if isinstance(raw, str) else str(raw)


def _scalar(question: Question, raw: object) -> object:
    """Unwrap a one-element list; refuse several values for a one-value question."""
    if isinstance(raw, list | tuple):
        values = [value for value in raw if has_answer(_strip(value))]
        if len(values) > 1:
            raise AnswerError("too_many_choices", {"max": 1, "count": len(values)})
        raw = values[0] if values else None
    if raw is not None and not isinstance(raw, str | int | float):
        raise TypeError(f"{question.code}: cannot read an answer from {type(raw).__name__}")
    return raw


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _empty(question: Question) -> None:
    if question.required:
        raise AnswerError("required")
    return None


def normalise(question: Question, raw: object) -> Any:
    """The engine value of ``raw`` for ``question``; ``None`` when not answered.

    Raises :class:`AnswerError` for an invalid answer (and ``required`` for an empty
    answer to a required question: call this for asked questions only)."""
    kind = question.type
    if kind in MULTIPLE_TYPES:
        return _multiple(question, raw)
    raw = _strip(_scalar(question, raw))
    if raw is None or raw == "":
        return _empty(question)
    if kind in SINGLE_TYPES:
        if isinstance(raw, str) and raw in question.option_codes:
            return raw
        raise AnswerError("not_an_option", {"value": _as_text(raw)})
    if kind == "scale":
        return _scale(question, raw)
    if kind == "number":
        return _number(question, raw)
    if kind == "text":
        text = _as_text(raw).replace("\r\n", "\n")  # browsers post textarea newlines as CRLF
        if question.max_length is not None and len(text) > question.max_length:
            raise AnswerError("too_long", {"max_length": question.max_length, "length": len(text)})
        return text
    raise AssertionError(f"unknown question type {kind!r}")  # pragma: no cover


def _multiple(question: Question, raw: object) -> list[str] | None:
    if raw is None:
        return _empty(question)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        raise TypeError(f"{question.code}: cannot read choices from {type(raw).__name__}")
    chosen: set[str] = set()
    for value in raw:
        if not isinstance(value, str):
            raise AnswerError("not_an_option", {"value": _as_text(value)})
        value = value.strip()
        if not value:
            continue
        if value not in question.option_codes:
            raise AnswerError("not_an_option", {"value": value})
        chosen.add(value)
    if not chosen:
        return _empty(question)
    # Instrument order, so that equal answers are equal lists.
    codes = [option.code for option in question.options if option.code in chosen]
    if len(codes) > 1:
        for option in question.options:
            if option.exclusive and option.code in chosen:
                raise AnswerError("exclusive_combined", {"option": option.code})
    if question.max_choices is not None and len(codes) > question.max_choices:
        raise AnswerError("too_many_choices", {"max": question.max_choices, "count": len(codes)})
    return codes


def _decimal(raw: object) -> tuple[Decimal, int]:
    """``(value, decimals as written)``; ``not_a_number`` for anything else."""
    if isinstance(raw, bool):
        raise AnswerError("not_a_number", {"value": _as_text(raw)})
    if isinstance(raw, int):
        return Decimal(raw), 0
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise AnswerError("not_a_number", {"value": _as_text(raw)})
        value = Decimal(repr(raw))
        if value == value.to_integral_value():  # 4.0 from JSON is a whole number
            return value, 0
        return value, -value.normalize().as_tuple().exponent
    text = _as_text(raw)
    if not _NUMBER.fullmatch(text):
        raise AnswerError("not_a_number", {"value": text})
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        raise AnswerError("not_a_number", {"value": text}) from None
    return value, max(0, -value.as_tuple().exponent)


#: No number answer lies beyond ±10**15, whatever the instrument says: every JSON reader
#: (a browser, PostgreSQL, SQLite) keeps such numbers exactly (up to 2**53), and the
#: analysis can turn them into floats. An instrument's own ``min``/``max`` is checked first.
NUMBER_LIMIT = 10**15


def _bounds(low: object, high: object, value: Decimal, raw: object) -> None:
    params = {"min": low, "max": high, "value": _as_text(raw)[:40]}
    if low is not None and value < Decimal(repr(low)):
        raise AnswerError("below_minimum", params)
    if high is not None and value > Decimal(repr(high)):
        raise AnswerError("above_maximum", params)
    if value < -NUMBER_LIMIT:
        raise AnswerError("below_minimum", {**params, "min": -NUMBER_LIMIT})
    if value > NUMBER_LIMIT:
        raise AnswerError("above_maximum", {**params, "max": NUMBER_LIMIT})


def _scale(question: Question, raw: object) -> int:
    value, decimals = _decimal(raw)
    if decimals:
        raise AnswerError("not_an_integer", {"value": _as_text(raw)})
    _bounds(question.scale_min, question.scale_max, value, raw)
    return int(value)


def _number(question: Question, raw: object) -> int | float:
    value, decimals = _decimal(raw)
    if decimals > question.decimals:
        raise AnswerError(
            "too_many_decimals", {"decimals": question.decimals, "value": _as_text(raw)}
        )
    _bounds(question.min, question.max, value, raw)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


# --------------------------------------------------------------------------- whole response


def normalise_answers(
    instrument: Instrument, raw: Mapping[str, Any]
) -> tuple[dict[str, Any], list[tuple[str, AnswerError]]]:
    """Normalise a whole response ``{question code: raw}`` walking the instrument in order.

    Returns ``(answers, errors)``: the answers to asked questions that are answered and
    valid, and ``(question code, AnswerError)`` for the asked ones that are invalid or
    required and empty. Answers to questions that are not asked are dropped silently.
    Keys that are no question code are ignored (a form posts other fields too)."""
    return _walk(instrument, raw, {})


def _walk(
    instrument: Instrument,
    raw: Mapping[str, Any],
    pending: Mapping[str, list[tuple[str, AnswerError]]],
) -> tuple[dict[str, Any], list[tuple[str, AnswerError]]]:
    """One pass in order; ``pending``: errors found earlier per question (CSV cells),
    reported only when that question is asked."""
    values: dict[str, Any] = {}
    errors: list[tuple[str, AnswerError]] = []
    for block in instrument.blocks:
        if not block.condition_met(values):
            continue
        for question in block.questions:
            if not question.condition_met(values):
                continue
            if question.code in pending:
                errors.extend(pending[question.code])
                continue
            try:
                value = normalise(question, raw.get(question.code))
            except AnswerError as error:
                errors.append((question.code, error))
                continue
            if value is not None:
                values[question.code] = value
    return values, errors


def parse_csv_row(
    instrument: Instrument, row: Mapping[str | None, Any], ignore: Iterable[str] = ()
) -> tuple[dict[str, Any], list[tuple[str, AnswerError]]]:
    """One CSV row ``{column: cell}`` to ``(answers, errors)``; see the module docstring."""
    ignored = set(ignore)
    raw: dict[str, Any] = {}
    pending: dict[str, list[tuple[str, AnswerError]]] = {}
    flags: dict[str, dict[str, bool | None]] = {}  # multiple question -> option -> flag
    errors: list[tuple[str, AnswerError]] = []
    columns = instrument.csv_columns
    for column, cell in row.items():
        if column in ignored:
            continue
        if column is None:
            # csv.DictReader puts the cells beyond the header under the key None.
            errors.append(("", AnswerError("unknown_column", {"column": ""})))
            continue
        cell = cell.strip() if isinstance(cell, str) else cell
        question, option = columns.get(column, (None, None))
        if question is None:
            errors.append((column, AnswerError("unknown_column", {"column": column})))
        elif option is None:
            raw[question.code] = cell
        elif cell is None or cell == "":
            flags.setdefault(question.code, {})[option] = None
        elif cell in _FLAGS:
            flags.setdefault(question.code, {})[option] = _FLAGS[cell]
        else:
            pending.setdefault(question.code, []).append(
                (column, AnswerError("not_an_option", {"value": cell, "options": ["0", "1"]}))
            )
    for code, cells in flags.items():
        if code not in pending:
            # All empty or all 0: not answered (None); otherwise the ticked options.
            raw[code] = [option for option, flag in cells.items() if flag] or None
    answers, walk_errors = _walk(instrument, raw, pending)
    return answers, errors + walk_errors


# --------------------------------------------------------------------------- completeness


def missing_required(instrument: Instrument, answers: Mapping[str, Any]) -> list[str]:
    """Codes of the asked, required questions without an answer, in order."""
    return [
        question.code
        for question in instrument.asked(answers)
        if question.required and not has_answer(answers.get(question.code))
    ]


def progress(instrument: Instrument, answers: Mapping[str, Any]) -> tuple[int, int]:
    """``(answered, asked)``: asked questions with an answer, and asked questions."""
    asked = instrument.asked(answers)
    answered = sum(1 for question in asked if has_answer(answers.get(question.code)))
    return answered, len(asked)
