"""One table per question and per construct of a wave (see :mod:`.analysis` for the
columns, bases and figures): routing settled once per respondent (:func:`prepare`), then
one pass over the respondents per table with per-group accumulators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import MULTIPLE_TYPES, SINGLE_TYPES, Construct, Instrument, Question
from .tables import KIND_BY_TYPE, TOTAL, Group, Respondent, Row, Table, label_row

# --------------------------------------------------------------------------- preparation


@dataclass
class Wave:
    """Respondents reduced to what tabulation needs: no keys kept."""

    columns: list[str]  # group codes in order
    bucket: list[int]  # per respondent: group index, len(columns) when unclassified
    values: list[dict[str, Any]]  # per respondent: effective answers

    @property
    def n_buckets(self) -> int:
        return len(self.columns) + 1


def prepare(
    instrument: Instrument, respondents: Iterable[Respondent], groups: Sequence[Group] | None
) -> Wave:
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
    return Wave(columns, bucket, values)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
    instrument: Instrument, question: Question, wave: Wave, decimals: dict[str, int]
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
    rows = [label_row("mean", mean)]
    if extremes is not None:
        for code, slot in (("min", 2), ("max", 3)):
            values = {
                column: (by_column[column][slot] if base[column] else None) for column in columns
            }
            rows.append(label_row(code, values, decimals=extremes))
    return rows, base


def _mean_table(
    instrument: Instrument, question: Question, wave: Wave, decimals: dict[str, int]
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
    instrument: Instrument, question: Question, wave: Wave, decimals: dict[str, int]
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
        rows=[label_row("answers", {column: float(base[column]) for column in columns})],
        base=base,
        unit="count",
        decimals=decimals["count"],
    )
    return table, counts[-1]


def _construct_table(
    instrument: Instrument, construct: Construct, wave: Wave, decimals: dict[str, int]
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
    instrument: Instrument, question: Question, wave: Wave, decimals: dict[str, int]
) -> tuple[Table, int]:
    if question.type in SINGLE_TYPES or question.type in MULTIPLE_TYPES:
        return _choice_table(instrument, question, wave, decimals)
    if question.type in ("scale", "number"):
        return _mean_table(instrument, question, wave, decimals)
    return _text_table(instrument, question, wave, decimals)


def question_tables(instrument: Instrument, wave: Wave, decimals: dict[str, int]):
    """``(table, unclassified base)`` per question in order, then per construct."""
    for question in instrument.questions:
        yield _question_table(instrument, question, wave, decimals)
    for construct in instrument.constructs:
        yield _construct_table(instrument, construct, wave, decimals)
