"""Tabulation of a survey wave: response, one table per question and per construct.

Plain Python; no Django imports. Input is plain data (:class:`Respondent`, :class:`Group`,
a population per group); output is :class:`Table` values that the Django layer renders
and compares with the published figures (``docs/monitor-formats.md`` section 2).

Columns and bases
=================
A table has one column per group (in the order given; for the monitor the size
classes of the instrument's ``size_scheme``) and a ``total`` column. A respondent
whose group is ``None`` (class unknown) counts in ``total`` only; a group code that is
not among the groups is a ``ValueError`` (a silent mismatch would hide respondents).

The *base* of a column is the number of respondents a figure is computed over. Only
answers to *asked* questions count (the routing of
:meth:`~kennisschakel.engines.survey.instrument.Instrument.effective_answers`), and values the
instrument does not know (an option that no longer exists, a non-number) are ignored
as if unanswered.

=====================  ==============================  =================================
question / kind        base: respondents who ...       figures (rows)
=====================  ==============================  =================================
response               responded                       n, population, response % = n /
                                                       population (``None`` without one)
single, band           were asked and answered         % per option; adds up to ~100
multiple, top2         were asked and chose at least   % choosing each option; need not
(multiple_by_class)    one option                      add up to 100
scale, number          were asked and answered         mean, min, max
text (text_count)      were asked and answered         number of answers (never the texts)
construct              answered at least ``min_items``  mean of the respondents' scores; a
                       of its (asked) items            score is the mean of the answered
                                                       items
=====================  ==============================  =================================

Values are kept unrounded; ``Table.decimals`` (and ``Row.decimals`` where a row differs)
tell the printed rounding, :data:`DEFAULT_DECIMALS` unless the caller passes others:
percentages 0 decimals, means 1, counts 0; min/max of a number question as many as the
question allows. Round with :meth:`Table.shown` (:func:`round_as` by ``Table.rounding``,
per column ``Table.column_rounding``): half up unless the table reproduces a printed one
that rounds otherwise (see "printed rounding" below; Python's ``round()`` rounds half to
even, ``round(12.5) == 12``, which no source does). A percentage is computed as
``100 * count / base`` (multiplying first) so that exact halves such as 12.5 stay exact.

Suppression (small cells)
=========================
Figures about fewer than ``min_cell`` respondents (default :data:`MIN_CELL`) are not
shown; this protects the answers of individual municipalities. Per table:

1. a group column whose base is below ``min_cell`` is suppressed: all its values and its
   base become ``None`` and its code is in ``Table.suppressed``. The base goes too because
   with routing a base is itself an answer count (the base of a follow-up question is
   the number that answered "yes" before);
2. the ``total`` column likewise when the total base is below ``min_cell`` (then every
   group column is suppressed as well);
3. complementary suppression: with the total shown, ``total - shown groups`` reveals the
   respondents who are hidden (suppressed groups plus those without a group) taken
   together. When they number 1 to ``min_cell - 1``, the smallest remaining group column
   (lowest base, first on ties) is suppressed too, so that the hidden part always
   covers at least ``min_cell`` respondents or none. This covers the case of exactly
   one suppressed group, and also two small suppressed groups whose sum is still small.

The response table is not suppressed: it shows how many responded, not what anyone
answered. Wave comparisons suppress a wave whose total base is below ``min_cell``.

Limits, recorded not solved: suppression is per table. Different tables of one wave
may pick different complementary columns, and the shown base of a routed question can
reveal a count that another table suppressed complementarily; min and max are single
respondents' values (of a group of at least ``min_cell``). Respondent keys never enter
a :class:`Table` (only counts and aggregates do).

Performance
===========
Routing is settled once per respondent (one pass over the instrument); then each table
is one pass over the respondents with per-group accumulators: linear in respondents x
questions (a wave of 342 respondents x 100 questions takes a few tens of milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import ceil
from typing import Any

from .instrument import MULTIPLE_TYPES, SINGLE_TYPES, Construct, Instrument, Question

#: Default smallest base shown in a column.
MIN_CELL = 5
#: Printed rounding per unit (decimals); override with ``decimals=`` in :func:`analyse`.
DEFAULT_DECIMALS: Mapping[str, int] = {"percent": 0, "mean": 1, "count": 0}
TOTAL = "total"

#: Labels of the rows that are not answer options (the Django layer may translate by code).
ROW_LABELS: Mapping[str, tuple[str, str]] = {
    "respondents": ("Respondenten", "Respondents"),
    "population": ("Populatie", "Population"),
    "response": ("Respons", "Response"),
    "mean": ("Gemiddelde", "Mean"),
    "min": ("Minimum", "Minimum"),
    "max": ("Maximum", "Maximum"),
    "answers": ("Aantal antwoorden", "Number of answers"),
}
RESPONSE_TITLE = ("Respons", "Response")

KIND_BY_TYPE = {
    "single": "single_by_class",
    "band": "band_by_class",
    "multiple": "multiple_by_class",
    "top2": "multiple_by_class",
    "scale": "scale_by_class",
    "number": "number_by_class",
    "text": "text_count",
}


@dataclass(frozen=True)
class Group:
    code: str
    label_nl: str
    label_en: str


@dataclass(frozen=True)
class Respondent:
    key: str  # opaque; never copied into a table
    group: str | None  # a Group code, or None when unknown (counts in "total" only)
    answers: Mapping[str, Any]  # engine values, see kennisschakel.engines.survey.answers


@dataclass
class Row:
    code: str  # option code, or a ROW_LABELS code
    label_nl: str
    label_en: str
    values: dict[str, float | None]  # column -> value; None: empty or suppressed
    unit: str | None = None  # when it differs from the table's unit
    decimals: int | None = None  # when it differs from the table's decimals


@dataclass
class Table:
    id: str
    kind: str
    title_nl: str
    title_en: str
    columns: list[str]
    rows: list[Row]
    base: dict[str, int | None]  # column -> n; None when suppressed
    unit: str  # percent | count | mean
    decimals: int
    reproduces: list[str] = field(default_factory=list)  # published table ids
    suppressed: set[str] = field(default_factory=set)
    subject: str | None = None  # question or construct code
    rounding: str = "half_up"  # a ROUNDING_RULES rule: the printed table's, else the default
    column_rounding: dict[str, str] = field(default_factory=dict)  # a column's own rule

    def rule(self, column: str) -> str:
        return self.column_rounding.get(column, self.rounding)

    def shown(self, row: Row, column: str) -> float | None:
        """One value rounded as this table prints it (its rules, the row's decimals)."""
        decimals = self.decimals if row.decimals is None else row.decimals
        return round_as(row.values.get(column), decimals, self.rule(column))

    def row(self, code: str) -> Row:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)

    def value(self, row: str, column: str) -> float | None:
        return self.row(row).values[column]

    def to_dict(self, rounded: bool = False) -> dict[str, Any]:
        """Plain JSON-ready data; ``rounded``: values rounded as printed (``rounding``)."""

        def shown(value: float | None, decimals: int, column: str) -> float | None:
            return round_as(value, decimals, self.rule(column)) if rounded else value

        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "title_nl": self.title_nl,
            "title_en": self.title_en,
            "reproduces": list(self.reproduces),
            "unit": self.unit,
            "decimals": self.decimals,
            "rounding": self.rounding,
            "column_rounding": dict(self.column_rounding),
            "columns": list(self.columns),
            "suppressed": [column for column in self.columns if column in self.suppressed],
            "base": dict(self.base),
            "rows": [
                {
                    "code": row.code,
                    "label_nl": row.label_nl,
                    "label_en": row.label_en,
                    "unit": row.unit or self.unit,
                    "decimals": self.decimals if row.decimals is None else row.decimals,
                    "values": {
                        column: shown(
                            value, self.decimals if row.decimals is None else row.decimals, column
                        )
                        for column, value in row.values.items()
                    },
                }
                for row in self.rows
            ],
        }


def round_half_up(value: float | None, decimals: int = 0) -> float | None:
    """Round as printed tables do: halves away from zero (12.5 -> 13, 0.125 -> 0.13).

    Python's ``round()`` rounds halves to even (``round(12.5) == 12``) and works on the
    binary value (``round(0.125, 2) == 0.12``). We round the shortest decimal form of the
    float (its ``repr``), i.e. the number as it would be printed, with ROUND_HALF_UP."""
    if value is None:
        return None
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- printed rounding
#
# The sources do not say how they round, and not every printed table rounds alike:
# 004 Table 5.3 prints 2/7, 4/7, 1/7 as 28 / 57 / 14 % (truncated; half up gives 29).
# Each published table records its rule (monitor/data/published, ``rounding``); where
# the source is silent the rule is *detected* from the printed figures with the
# functions below: a rule is kept when some counts (or sums) consistent with what is
# printed reproduce every figure of the table. One rule left: that is the table's rule;
# several: "ambiguous" (recorded as such, the default rule applies); none: "none".

#: The rules a printed table may round by: halves away from zero, or cut off.
ROUNDING_RULES = ("half_up", "truncate")
DEFAULT_ROUNDING = "half_up"


def round_as(value: float | None, decimals: int = 0, rule: str = DEFAULT_ROUNDING):
    """``value`` rounded to ``decimals`` by ``rule`` (see :data:`ROUNDING_RULES`)."""
    if rule == "half_up":
        return round_half_up(value, decimals)
    if rule != "truncate":
        raise ValueError(f"unknown rounding rule {rule!r}")
    if value is None:
        return None
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    exact = Decimal(repr(float(value)))  # 100 * 29 / 100 is 29.000000000000004: as printed
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_DOWN))


def rounding_interval(printed: float, decimals: int, rule: str) -> tuple[Fraction, Fraction]:
    """The exact values ``[low, high)`` that ``rule`` prints as ``printed`` (>= 0)."""
    value, step = Fraction(repr(float(printed))), Fraction(1, 10**decimals)
    if rule == "half_up":
        return value - step / 2, value + step / 2
    if rule == "truncate":
        return value, value + step
    raise ValueError(f"unknown rounding rule {rule!r}")


def _multiples(low: Fraction, high: Fraction, unit: Fraction) -> tuple[int, int]:
    """The integers k with low <= k * unit < high, as (first, last); first > last if none."""
    return max(0, ceil(low / unit)), ceil(high / unit) - 1


def percent_reproduced(
    printed: Sequence[float | None],
    rule: str,
    decimals: int = 0,
    *,
    n: int | None = None,
    counts: Sequence[int | None] | None = None,
    max_n: int = 1000,
    whole: bool = False,
) -> bool:
    """Can ``rule`` print ``printed`` as the percentages ``100 * count / n``?

    ``counts``: the printed counts (``None`` where not printed); ``n``: the base when
    printed, else any n from 1 (or the largest count) to ``max_n`` is tried; ``whole``:
    the counts add up to n (one answer each, a column adding up to ~100). A ``None``
    percentage is not printed and allows any count."""
    pairs = [
        (p, None if counts is None else counts[i]) for i, p in enumerate(printed) if p is not None
    ]
    if not pairs:
        return True
    unprinted = len(pairs) < len(printed)  # a cell left empty may hold any count
    known = [c for _, c in pairs if c is not None]
    bases = [n] if n is not None else range(max([1, *known]), max_n + 1)
    intervals = [(rounding_interval(p, decimals, rule), c) for p, c in pairs]
    for base in bases:
        low_sum = high_sum = 0
        for (low, high), count in intervals:
            first, last = _multiples(low, high, Fraction(100, base))
            if count is not None:
                first, last = (count, count) if first <= count <= last else (1, 0)
            if first > min(last, base):
                break
            low_sum, high_sum = low_sum + first, high_sum + min(last, base)
        else:
            if not whole or low_sum <= base <= (base if unprinted else high_sum):
                return True
    return False


def mean_reproduced(
    printed: float,
    rule: str,
    decimals: int,
    *,
    n: int | None = None,
    max_n: int = 1000,
    step: float | None = None,
) -> bool:
    """Can ``rule`` print ``printed`` as a mean of n answers that are multiples of
    ``step`` (their sum is then a multiple of ``step``)? ``step`` None: answers of any
    precision, so every rule can (nothing tells the rules apart)."""
    if step is None:
        return True
    low, high = rounding_interval(printed, decimals, rule)
    unit = Fraction(repr(float(step)))
    for base in [n] if n is not None else range(1, max_n + 1):
        first, last = _multiples(low * base, high * base, unit)
        if first <= last:
            return True
    return False


@dataclass(frozen=True)
class Detection:
    """Which rules reproduce a table's printed figures.

    ``outcome``: the one rule that does; "ambiguous" when several do; "none" when no
    rule reproduces all figures; "not_rounded" when nothing in the table is rounded."""

    outcome: str
    rules: tuple[str, ...]  # the rules that reproduce every figure
    failures: Mapping[str, tuple[str, ...]]  # rule -> figures it does not reproduce
    checked: int  # number of figure groups checked


def detect_rounding(
    checks: Mapping[str, Callable[[str], bool]], rules: Sequence[str] = ROUNDING_RULES
) -> Detection:
    """Run every check (figure group name -> ``check(rule)``) under every rule."""
    failures = {
        rule: tuple(name for name, check in checks.items() if not check(rule)) for rule in rules
    }
    passing = tuple(rule for rule in rules if not failures[rule])
    if not checks:
        outcome = "not_rounded"
    elif len(passing) == 1:
        outcome = passing[0]
    else:
        outcome = "ambiguous" if passing else "none"
    return Detection(outcome, passing, failures, len(checks))


# --------------------------------------------------------------------------- preparation


@dataclass
class _Wave:
    """Respondents reduced to what tabulation needs: no keys kept."""

    columns: list[str]  # group codes in order
    bucket: list[int]  # per respondent: group index, len(columns) when unclassified
    values: list[dict[str, Any]]  # per respondent: effective answers

    @property
    def n_buckets(self) -> int:
        return len(self.columns) + 1


def _prepare(
    instrument: Instrument, respondents: Iterable[Respondent], groups: Sequence[Group] | None
) -> _Wave:
    """Routing once per respondent; ``groups=None`` puts everyone in the total only."""
    columns = [] if groups is None else [group.code for group in groups]
    index = {code: i for i, code in enumerate(columns)}
    if len(index) != len(columns):
        raise ValueError("group codes must be unique")
    if TOTAL in index:
        raise ValueError(f"{TOTAL!r} cannot be a group code")
    unclassified = len(columns)
    seen: set[str] = set()
    bucket: list[int] = []
    values: list[dict[str, Any]] = []
    for respondent in respondents:
        if respondent.key in seen:
            raise ValueError(f"respondent key {respondent.key!r} occurs twice")
        seen.add(respondent.key)
        if groups is None or respondent.group is None:
            bucket.append(unclassified)
        else:
            position = index.get(respondent.group)
            if position is None:
                raise ValueError(f"respondent group {respondent.group!r} is not among the groups")
            bucket.append(position)
        values.append(instrument.effective_answers(respondent.answers))
    return _Wave(columns, bucket, values)


def _decimals(overrides: Mapping[str, int] | None) -> dict[str, int]:
    merged = dict(DEFAULT_DECIMALS)
    merged.update(overrides or {})
    return merged


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _label_row(code: str, values: dict, **extra: Any) -> Row:
    label_nl, label_en = ROW_LABELS[code]
    return Row(code, label_nl, label_en, values, **extra)


# --------------------------------------------------------------------------- suppression


def _suppress(table: Table, unclassified: int, min_cell: int) -> Table:
    """Primary and complementary suppression (see the module docstring), in place."""
    groups = [column for column in table.columns if column != TOTAL]
    base = table.base
    suppressed = {column for column in groups if base[column] < min_cell}
    if base[TOTAL] < min_cell:
        suppressed.add(TOTAL)
    else:
        # What "total minus the shown groups" reveals: all hidden respondents together.
        hidden = unclassified + sum(base[column] for column in suppressed)
        while 0 < hidden < min_cell:
            remaining = [column for column in groups if column not in suppressed]
            if not remaining:  # pragma: no cover - then total == hidden < min_cell
                break
            smallest = min(remaining, key=lambda column: base[column])  # first on ties
            suppressed.add(smallest)
            hidden += base[smallest]
    _blank(table, suppressed)
    return table


def _blank(table: Table, columns: set[str]) -> None:
    for column in columns:
        table.base[column] = None
        for row in table.rows:
            row.values[column] = None
    table.suppressed = set(columns)


# --------------------------------------------------------------------------- tables


def _new_table(instrument: Instrument, subject: Question | Construct, kind: str, **fields):
    if isinstance(subject, Question):
        title_nl, title_en = subject.text_nl, subject.text_en
    else:
        title_nl, title_en = subject.label_nl, subject.label_en
    return Table(
        id=f"{instrument.slug}.{subject.code}",
        kind=kind,
        title_nl=title_nl,
        title_en=title_en,
        reproduces=list(subject.published),
        subject=subject.code,
        **fields,
    )


def _totals(per_bucket: list[Any], columns: list[str], add) -> dict[str, Any]:
    """Column -> accumulator: the group buckets, and "total" over all buckets
    (unclassified included)."""
    result = {column: per_bucket[i] for i, column in enumerate(columns)}
    total = per_bucket[0]
    for accumulator in per_bucket[1:]:
        total = add(total, accumulator)
    result[TOTAL] = total
    return result


def _choice_table(
    instrument: Instrument, question: Question, wave: _Wave, decimals: dict[str, int]
) -> tuple[Table, int]:
    """single/band (one code) and multiple/top2 (list of codes): % per option."""
    position = {code: i for i, code in enumerate(question.option_codes)}
    n_options = len(position)
    # Per bucket: [count option 0, ..., count option k-1, base]
    counts = [[0] * (n_options + 1) for _ in range(wave.n_buckets)]
    code = question.code
    multiple = question.type in MULTIPLE_TYPES
    for bucket, values in zip(wave.bucket, wave.values, strict=True):
        value = values.get(code)
        if value is None:
            continue
        row = counts[bucket]
        if multiple:
            if not isinstance(value, list | tuple):
                continue
            chosen = {position[c] for c in value if isinstance(c, str) and c in position}
            if not chosen:
                continue
            for i in chosen:
                row[i] += 1
        else:
            i = position.get(value) if isinstance(value, str) else None
            if i is None:
                continue
            row[i] += 1
        row[n_options] += 1
    by_column = _totals(
        counts, wave.columns, lambda a, b: [x + y for x, y in zip(a, b, strict=True)]
    )
    columns = wave.columns + [TOTAL]
    base = {column: by_column[column][n_options] for column in columns}
    rows = []
    for i, option in enumerate(question.options):
        values = {}
        for column in columns:
            n = base[column]
            values[column] = 100.0 * by_column[column][i] / n if n else None
        rows.append(Row(option.code, option.label_nl, option.label_en, values))
    table = _new_table(
        instrument,
        question,
        KIND_BY_TYPE[question.type],
        columns=columns,
        rows=rows,
        base=base,
        unit="percent",
        decimals=decimals["percent"],
    )
    return table, counts[-1][n_options]


def _merge_stats(a: list, b: list) -> list:
    """[n, sum, min, max] of two accumulators."""
    if not a[0]:
        return list(b)
    if not b[0]:
        return list(a)
    return [a[0] + b[0], a[1] + b[1], min(a[2], b[2]), max(a[3], b[3])]


def _stats_rows(
    by_column: dict[str, list], columns: list[str], extremes: int | None
) -> tuple[list[Row], dict[str, int]]:
    """Rows mean (and min/max with ``extremes`` decimals unless None) and the base."""
    base = {column: by_column[column][0] for column in columns}
    mean = {
        column: (by_column[column][1] / base[column] if base[column] else None)
        for column in columns
    }
    rows = [_label_row("mean", mean)]
    if extremes is not None:
        for code, slot in (("min", 2), ("max", 3)):
            values = {
                column: (by_column[column][slot] if base[column] else None) for column in columns
            }
            rows.append(_label_row(code, values, decimals=extremes))
    return rows, base


def _mean_table(
    instrument: Instrument, question: Question, wave: _Wave, decimals: dict[str, int]
) -> tuple[Table, int]:
    """scale and number: mean, min, max of the answers."""
    stats = [[0, 0, None, None] for _ in range(wave.n_buckets)]  # n, sum, min, max
    code = question.code
    for bucket, values in zip(wave.bucket, wave.values, strict=True):
        value = values.get(code)
        if not _is_number(value):
            continue
        acc = stats[bucket]
        if acc[0]:
            if value < acc[2]:
                acc[2] = value
            if value > acc[3]:
                acc[3] = value
        else:
            acc[2] = acc[3] = value
        acc[0] += 1
        acc[1] += value
    by_column = _totals(stats, wave.columns, _merge_stats)
    columns = wave.columns + [TOTAL]
    extremes = 0 if question.type == "scale" else question.decimals
    rows, base = _stats_rows(by_column, columns, extremes)
    table = _new_table(
        instrument,
        question,
        KIND_BY_TYPE[question.type],
        columns=columns,
        rows=rows,
        base=base,
        unit="mean",
        decimals=decimals["mean"],
    )
    return table, stats[-1][0]


def _text_table(
    instrument: Instrument, question: Question, wave: _Wave, decimals: dict[str, int]
) -> tuple[Table, int]:
    """text: the number of answers only; the texts never leave the database."""
    counts = [0] * wave.n_buckets
    code = question.code
    for bucket, values in zip(wave.bucket, wave.values, strict=True):
        if isinstance(values.get(code), str):
            counts[bucket] += 1
    by_column = _totals(counts, wave.columns, lambda a, b: a + b)
    columns = wave.columns + [TOTAL]
    base = {column: by_column[column] for column in columns}
    table = _new_table(
        instrument,
        question,
        "text_count",
        columns=columns,
        rows=[_label_row("answers", {column: float(base[column]) for column in columns})],
        base=base,
        unit="count",
        decimals=decimals["count"],
    )
    return table, counts[-1]


def _construct_table(
    instrument: Instrument, construct: Construct, wave: _Wave, decimals: dict[str, int]
) -> tuple[Table, int]:
    """Mean of the respondents' scores (their item mean, with >= min_items items)."""
    stats = [[0, 0.0] for _ in range(wave.n_buckets)]  # n, sum of scores
    items = construct.items
    least = construct.min_items
    for bucket, values in zip(wave.bucket, wave.values, strict=True):
        answered = [values[item] for item in items if _is_number(values.get(item))]
        if len(answered) >= least:
            acc = stats[bucket]
            acc[0] += 1
            acc[1] += sum(answered) / len(answered)
    by_column = _totals(stats, wave.columns, lambda a, b: [a[0] + b[0], a[1] + b[1]])
    columns = wave.columns + [TOTAL]
    rows, base = _stats_rows(by_column, columns, None)
    table = _new_table(
        instrument,
        construct,
        "construct_by_class",
        columns=columns,
        rows=rows,
        base=base,
        unit="mean",
        decimals=decimals["mean"],
    )
    return table, stats[-1][0]


def _question_table(
    instrument: Instrument, question: Question, wave: _Wave, decimals: dict[str, int]
) -> tuple[Table, int]:
    if question.type in SINGLE_TYPES or question.type in MULTIPLE_TYPES:
        return _choice_table(instrument, question, wave, decimals)
    if question.type in ("scale", "number"):
        return _mean_table(instrument, question, wave, decimals)
    return _text_table(instrument, question, wave, decimals)


def _tables(instrument: Instrument, wave: _Wave, decimals: dict[str, int]):
    """``(table, unclassified base)`` per question in order, then per construct."""
    for question in instrument.questions:
        yield _question_table(instrument, question, wave, decimals)
    for construct in instrument.constructs:
        yield _construct_table(instrument, construct, wave, decimals)


def _check_min_cell(min_cell: int) -> None:
    if not isinstance(min_cell, int) or min_cell < 0:
        raise ValueError("min_cell must be an integer >= 0")


# --------------------------------------------------------------------------- public API


def response_table(
    respondents: Iterable[Respondent],
    groups: Sequence[Group],
    population: Mapping[str, int],
    *,
    slug: str = "",
    reproduces: Iterable[str] = (),
) -> Table:
    """Respondents, population and response % per group and in total (as 004 Table 2.1).

    ``population`` maps group codes to the number of municipalities (or whatever the
    unit is); ``"total"`` may be given, else it is the sum over the groups (``None``
    when a group's population is missing). Not suppressed: see the module docstring."""
    columns = [group.code for group in groups]
    index = {code: i for i, code in enumerate(columns)}
    if len(index) != len(columns) or TOTAL in index:
        raise ValueError("group codes must be unique and not 'total'")
    unknown = set(population) - set(columns) - {TOTAL}
    if unknown:
        raise ValueError(f"population for unknown groups: {sorted(unknown)}")
    counts = [0] * (len(columns) + 1)
    for respondent in respondents:
        if respondent.group is None:
            counts[-1] += 1
        elif respondent.group in index:
            counts[index[respondent.group]] += 1
        else:
            raise ValueError(f"respondent group {respondent.group!r} is not among the groups")
    n = {column: counts[i] for i, column in enumerate(columns)}
    n[TOTAL] = sum(counts)
    pop: dict[str, float | None] = {column: population.get(column) for column in columns}
    if TOTAL in population:
        pop[TOTAL] = population[TOTAL]
    elif all(value is not None for value in pop.values()):
        pop[TOTAL] = sum(pop.values())
    else:
        pop[TOTAL] = None
    columns = columns + [TOTAL]
    response = {
        column: (100.0 * n[column] / pop[column] if pop[column] else None) for column in columns
    }
    return Table(
        id=f"{slug}.response" if slug else "response",
        kind="response",
        title_nl=RESPONSE_TITLE[0],
        title_en=RESPONSE_TITLE[1],
        columns=columns,
        rows=[
            _label_row("respondents", {c: float(n[c]) for c in columns}, unit="count", decimals=0),
            _label_row(
                "population",
                {c: (None if pop[c] is None else float(pop[c])) for c in columns},
                unit="count",
                decimals=0,
            ),
            _label_row("response", response),
        ],
        base=dict(n),
        unit="percent",
        decimals=DEFAULT_DECIMALS["percent"],
        reproduces=list(reproduces),
    )


def analyse(
    instrument: Instrument,
    respondents: Iterable[Respondent],
    groups: Sequence[Group],
    population: Mapping[str, int],
    min_cell: int = MIN_CELL,
    *,
    decimals: Mapping[str, int] | None = None,
) -> list[Table]:
    """All tables of one wave: response first, then the questions in order, then the
    constructs. Small cells suppressed (see the module docstring)."""
    _check_min_cell(min_cell)
    respondents = list(respondents)
    rounding = _decimals(decimals)
    wave = _prepare(instrument, respondents, groups)
    response = response_table(respondents, groups, population, slug=instrument.slug)
    response.decimals = rounding["percent"]
    tables = [response]
    for table, unclassified in _tables(instrument, wave, rounding):
        tables.append(_suppress(table, unclassified, min_cell))
    return tables


def compare_waves(
    instrument: Instrument,
    waves: Sequence[tuple[str, Iterable[Respondent]]],
    min_cell: int = MIN_CELL,
    *,
    decimals: Mapping[str, int] | None = None,
) -> list[Table]:
    """Per question (then per construct) the total-column figures of each wave.

    Columns are the wave labels in the order given; the table id is
    ``<slug>.<code>.by_wave``; a wave whose base is below ``min_cell`` is suppressed."""
    _check_min_cell(min_cell)
    labels = [label for label, _ in waves]
    if len(set(labels)) != len(labels):
        raise ValueError("wave labels must be unique")
    rounding = _decimals(decimals)
    per_wave = [
        [
            table
            for table, _ in _tables(instrument, _prepare(instrument, respondents, None), rounding)
        ]
        for _, respondents in waves
    ]
    result = []
    for position, template in enumerate(per_wave[0] if per_wave else []):
        rows = [
            Row(row.code, row.label_nl, row.label_en, {}, unit=row.unit, decimals=row.decimals)
            for row in template.rows
        ]
        base: dict[str, int | None] = {}
        for label, tables in zip(labels, per_wave, strict=True):
            table = tables[position]
            base[label] = table.base[TOTAL]
            for row, source in zip(rows, table.rows, strict=True):
                row.values[label] = source.values[TOTAL]
        by_wave = Table(
            id=f"{template.id}.by_wave",
            kind="by_wave",
            title_nl=template.title_nl,
            title_en=template.title_en,
            columns=list(labels),
            rows=rows,
            base=base,
            unit=template.unit,
            decimals=template.decimals,
            reproduces=list(template.reproduces),
            subject=template.subject,
        )
        _blank(by_wave, {label for label in labels if base[label] < min_cell})
        result.append(by_wave)
    return result
