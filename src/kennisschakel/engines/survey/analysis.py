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
shown, with complementary suppression; see :mod:`.suppression`. Rounding as printed
(and detecting a printed table's rule): :mod:`.rounding`; the table types: :mod:`.tables`.

Performance
===========
Routing is settled once per respondent (one pass over the instrument); then each table
is one pass over the respondents with per-group accumulators: linear in respondents x
questions (a wave of 342 respondents x 100 questions takes a few tens of milliseconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .model import Instrument
from .question_tables import prepare, question_tables
from .rounding import (
    DEFAULT_ROUNDING,
    ROUNDING_RULES,
    Detection,
    detect_rounding,
    mean_reproduced,
    percent_reproduced,
    round_as,
    round_half_up,
    rounding_interval,
)
from .suppression import MIN_CELL, blank, suppress
from .tables import (
    DEFAULT_DECIMALS,
    KIND_BY_TYPE,
    RESPONSE_TITLE,
    ROW_LABELS,
    TOTAL,
    Group,
    Respondent,
    Row,
    Table,
    label_row,
)

# The names that moved to rounding.py, suppression.py and tables.py stay importable here.
__all__ = [
    "DEFAULT_DECIMALS",
    "DEFAULT_ROUNDING",
    "KIND_BY_TYPE",
    "MIN_CELL",
    "RESPONSE_TITLE",
    "ROUNDING_RULES",
    "ROW_LABELS",
    "TOTAL",
    "Detection",
    "Group",
    "Respondent",
    "Row",
    "Table",
    "analyse",
    "compare_waves",
    "detect_rounding",
    "mean_reproduced",
    "percent_reproduced",
    "response_table",
    "round_as",
    "round_half_up",
    "rounding_interval",
]


def _decimals(overrides: Mapping[str, int] | None) -> dict[str, int]:
    merged = dict(DEFAULT_DECIMALS)
    merged.update(overrides or {})
    return merged


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
    when a group's population is missing). Not suppressed: see :mod:`.suppression`."""
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
            label_row("respondents", {c: float(n[c]) for c in columns}, unit="count", decimals=0),
            label_row(
                "population",
                {c: (None if pop[c] is None else float(pop[c])) for c in columns},
                unit="count",
                decimals=0,
            ),
            label_row("response", response),
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
    constructs. Small cells suppressed (see :mod:`.suppression`)."""
    _check_min_cell(min_cell)
    respondents = list(respondents)
    rounding = _decimals(decimals)
    wave = prepare(instrument, respondents, groups)
    response = response_table(respondents, groups, population, slug=instrument.slug)
    response.decimals = rounding["percent"]
    tables = [response]
    for table, unclassified in question_tables(instrument, wave, rounding):
        tables.append(suppress(table, unclassified, min_cell))
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
            for table, _ in question_tables(
                instrument, prepare(instrument, respondents, None), rounding
            )
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
        blank(by_wave, {label for label in labels if base[label] < min_cell})
        result.append(by_wave)
    return result
