"""The figures printed in the sources (003, 004), bundled as data.

Each ``monitor/data/published/<source>.yaml`` holds every table one publication
prints, in the format of ``docs/monitor-formats.md`` section 2. The files are read
once per process (they ship with the code); :func:`reload` forgets them, for tests.

Printed layouts vary, and this module only mirrors them. Three conventions of the
files matter for comparing (see the comments at the top of ``vng2009.yaml``):

* columns are size classes (the register's class slugs) and ``total``; or ``aantal`` /
  ``procent``; or per wave ``aantal_<year>`` / ``procent_<year>`` / ``<year>``; or, for
  tables that print several questions side by side, one column per question (item);
* a row whose code ends in ``_<year>`` is an earlier wave of the row without it
  (``actief_2005`` beside ``actief``);
* ``waves`` repeats the printed percentages per wave, ``{year: {row: value}}``.

Rounding: ``decimals`` are as printed; ``rounding`` records the rule per table
(``rule``, ``detected``, ``reference``). Neither source says how it rounds, so the rule
is detected from the printed figures by :func:`detect` (``survey.detect_rounding``):
where exactly one rule reproduces them that rule is recorded, otherwise (ambiguous,
none, nothing rounded) the default ``half_up`` with the outcome in ``detected``.
``tests/monitor/test_reproduction.py`` re-detects and compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kennisschakel.engines import survey

DATA_DIR = Path(__file__).resolve().parent / "data" / "published"

_YEAR_SUFFIX = re.compile(r"^(?P<code>.+)_(?P<year>(19|20)\d\d)$")
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True)
class PublishedColumn:
    code: str
    label: str


@dataclass(frozen=True)
class PublishedRow:
    code: str
    label: str
    values: dict[str, float | None]

    @property
    def wave(self) -> str | None:
        """The year of an earlier wave printed as an extra row (``actief_2005``)."""
        match = _YEAR_SUFFIX.match(self.code)
        return match["year"] if match else None

    @property
    def base_code(self) -> str:
        """The code without a wave suffix (``actief_2005`` -> ``actief``)."""
        match = _YEAR_SUFFIX.match(self.code)
        return match["code"] if match else self.code


@dataclass(frozen=True)
class PublishedTable:
    id: str
    number: str | None
    title_nl: str
    page_or_section: str
    kind: str
    unit: str
    decimals: int
    columns: tuple[PublishedColumn, ...]
    rows: tuple[PublishedRow, ...]
    source: str  # "003", "004"
    publication: str
    instrument: str | None = None
    question: str | None = None
    percent_base: str | None = None
    base: dict[str, int] = field(default_factory=dict)
    waves: dict[str, dict[str, float | None]] = field(default_factory=dict)
    defects_nl: tuple[str, ...] = ()
    rounding: str = survey.DEFAULT_ROUNDING  # the rule the reproducing tables apply
    rounding_detected: str | None = None  # what detect() found: a rule, ambiguous, none, ...
    rounding_reference: str = ""  # where the figures the rule rests on are printed
    rounding_columns: dict[str, str] = field(default_factory=dict)  # column -> its own rule

    def rule_for(self, column: str | None) -> str:
        """The rounding rule of one printed column (the table's unless it has its own)."""
        return self.rounding_columns.get(column or "", self.rounding)

    @property
    def year(self) -> str | None:
        """The wave the publication reports on: the year in its id (``vng2009`` -> 2009)."""
        match = _YEAR.search(self.id.split(".", 1)[0])
        return match.group(0) if match else None

    @property
    def column_codes(self) -> list[str]:
        return [column.code for column in self.columns]

    def column(self, code: str) -> PublishedColumn:
        for column in self.columns:
            if column.code == code:
                return column
        raise KeyError(code)

    def row(self, code: str) -> PublishedRow:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)

    @property
    def current_rows(self) -> list[PublishedRow]:
        """The rows of the publication's own wave (not the ``_<year>`` rows)."""
        return [row for row in self.rows if row.wave is None]


def _table(raw: dict[str, Any], source: str, publication: str) -> PublishedTable:
    def number(value):
        return None if value is None else float(value)

    return PublishedTable(
        id=raw["id"],
        number=None if raw.get("number") is None else str(raw["number"]),
        title_nl=raw.get("title_nl", ""),
        page_or_section=str(raw.get("page_or_section", "")),
        kind=raw.get("kind", "other"),
        unit=raw.get("unit", "other"),
        decimals=int(raw.get("decimals", 0)),
        columns=tuple(
            PublishedColumn(str(column["code"]), str(column.get("label", column["code"])))
            for column in raw.get("columns", [])
        ),
        rows=tuple(
            PublishedRow(
                str(row["code"]),
                str(row.get("label", row["code"])),
                {str(k): number(v) for k, v in (row.get("values") or {}).items()},
            )
            for row in raw.get("rows", [])
        ),
        source=source,
        publication=publication,
        instrument=raw.get("instrument"),
        question=raw.get("question"),
        percent_base=raw.get("percent_base"),
        base={str(k): int(v) for k, v in (raw.get("base") or {}).items() if v is not None},
        waves={
            str(wave): {str(k): number(v) for k, v in (values or {}).items()}
            for wave, values in (raw.get("waves") or {}).items()
        },
        defects_nl=tuple(raw.get("defects_nl") or ()),
        rounding=(raw.get("rounding") or {}).get("rule", survey.DEFAULT_ROUNDING),
        rounding_detected=(raw.get("rounding") or {}).get("detected"),
        rounding_reference=str((raw.get("rounding") or {}).get("reference", "")),
        rounding_columns={
            str(k): str(v) for k, v in ((raw.get("rounding") or {}).get("columns") or {}).items()
        },
    )


def load_directory(directory: Path = DATA_DIR) -> dict[str, PublishedTable]:
    """Every table of every ``*.yaml`` in ``directory``, by id (ids must be unique)."""
    tables: dict[str, PublishedTable] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        source = str(data.get("source", path.stem))
        publication = str(data.get("publication", ""))
        for raw in data.get("tables", []):
            table = _table(raw, source, publication)
            if table.id in tables:
                raise ValueError(f"{path.name}: table id {table.id!r} occurs twice")
            tables[table.id] = table
    return tables


@lru_cache(maxsize=1)
def published_tables() -> dict[str, PublishedTable]:
    """All printed tables by id, loaded once per process."""
    return load_directory()


def reload() -> None:
    published_tables.cache_clear()


def tables_for(instrument_slug: str) -> list[PublishedTable]:
    """The printed tables that belong to an instrument, in file order."""
    return [t for t in published_tables().values() if t.instrument == instrument_slug]


def table(id: str) -> PublishedTable:  # noqa: A002 (the format's name)
    """One printed table (``KeyError`` when there is none)."""
    return published_tables()[id]


# --------------------------------------------------------------------------- rounding rules
#
# Which counts can lie behind a printed percentage: the base is printed for a few
# tables only; otherwise any base up to the publication's response in that column
# (a question is answered by at most everyone who responded) is tried; for earlier
# waves (rows ``_<year>``, columns ``*_<year>``) the response is not printed, so up to
# UNKNOWN_MAX_N. A mean prints no sum and its answers' precision is unknown: means
# never tell the rules apart (their tables come out "ambiguous"), only their decimals.

UNKNOWN_MAX_N = 1000
_COUNT_ROWS = ("aantal", "aantal_gemeenten")
_EXTREMES = ("minimum", "maximum")
#: Response rows that are the class's share of the printed respondents (003 prints it).
SHARES_OF_RESPONDENTS = ("pct_respondenten",)
_PAIR = re.compile(r"^procent(?P<suffix>_(19|20)\d\d)?$")


def response_bases(tables: dict[str, PublishedTable], source: str) -> dict[str, int]:
    """The publication's response per column (its ``response`` table's counts)."""
    for printed in tables.values():
        if printed.source == source and printed.kind == "response":
            for row in printed.rows:
                if row.code in _COUNT_ROWS:
                    return {k: int(v) for k, v in row.values.items() if v is not None}
    return {}


def _mean_check(value: float, decimals: int, n: int | None) -> Callable[[str], bool]:
    return lambda rule: survey.mean_reproduced(value, rule, decimals, n=n)


def rounding_checks(
    printed: PublishedTable, bases: dict[str, int]
) -> dict[str, Callable[[str], bool]]:
    """The printed figure groups of one table as checks ``check(rule) -> bool`` for
    :func:`survey.detect_rounding`; named "column" or "row/column"."""
    decimals, whole = printed.decimals, printed.percent_base == "row"
    total_n = bases.get("total", UNKNOWN_MAX_N)
    checks: dict[str, Callable[[str], bool]] = {}

    def percent(name, values, **options):
        if any(value is not None for value in values):
            checks[name] = lambda rule: survey.percent_reproduced(values, rule, decimals, **options)

    if printed.kind == "response":
        counts = next((row for row in printed.rows if row.code in _COUNT_ROWS), None)
        columns = [c for c in printed.column_codes if c != "total"]
        for row in printed.rows:
            if counts is None or row is counts:
                continue
            if row.code in SHARES_OF_RESPONDENTS and counts.values.get("total"):
                n = int(counts.values["total"])  # count per class out of the printed total
                for c in columns:
                    if counts.values.get(c) is not None:
                        percent(
                            f"{row.code}/{c}",
                            [row.values.get(c)],
                            counts=[int(counts.values[c])],
                            n=n,
                        )
            elif row.values.get("total") == 100:  # another share over the classes, base unknown
                percent(row.code, [row.values.get(c) for c in columns], whole=True)
            else:  # response as a share of the class's municipalities (their number unprinted)
                for c, value in row.values.items():
                    if counts.values.get(c) is not None:
                        percent(f"{row.code}/{c}", [value], counts=[int(counts.values[c])])
        return checks
    pairs = [(m["suffix"] or "", c) for c in printed.column_codes if (m := _PAIR.match(c))]
    if pairs:  # "Aantal" beside "Procent" (per wave): the counts are printed
        for suffix, column in pairs:
            count_column = "aantal" + suffix
            rows = [r for r in printed.rows if r.values.get(column) is not None]
            percent(
                column,
                [r.values[column] for r in rows],
                counts=[int(r.values[count_column]) for r in rows],
                max_n=UNKNOWN_MAX_N if suffix and suffix[1:] != printed.year else total_n,
                whole=whole,
            )
        return checks
    if printed.unit == "mean" or printed.kind in ("mean_by_class", "construct_by_class"):
        for row in printed.rows:
            if row.code in _EXTREMES:
                continue  # one municipality's answer, not rounded
            for column, value in row.values.items():
                if value is not None:
                    checks[f"{row.code}/{column}"] = _mean_check(
                        value, decimals, printed.base.get(column)
                    )
        return checks
    if printed.unit != "percent":
        return checks  # counts: not rounded
    waves: dict[str | None, list[PublishedRow]] = {}
    for row in printed.rows:
        waves.setdefault(row.wave, []).append(row)
    for wave, rows in waves.items():
        for column in printed.column_codes:
            name = column if wave is None else f"{wave}/{column}"
            n = printed.base.get(column) if wave is None else None
            max_n = bases.get(column, total_n) if wave is None else UNKNOWN_MAX_N
            percent(name, [r.values.get(column) for r in rows], n=n, max_n=max_n, whole=whole)
    return checks


def detect(printed: PublishedTable, tables: dict[str, PublishedTable] | None = None):
    """The rounding rule the printed figures of one table reveal (``survey.Detection``)."""
    tables = published_tables() if tables is None else tables
    return survey.detect_rounding(rounding_checks(printed, response_bases(tables, printed.source)))


def rounding_record(printed: PublishedTable, tables: dict[str, PublishedTable] | None = None):
    """What the data file records for a table, from :func:`detect`: ``{"rule",
    "detected", "columns"}``. One rule reproducing everything is the table's rule;
    otherwise the default, and when no rule fits the whole table, a column that exactly
    one rule reproduces gets that rule (004 Table 5.3: the smallest class truncated)."""
    detection = detect(printed, tables)
    rule = (
        detection.outcome if detection.outcome in survey.ROUNDING_RULES else survey.DEFAULT_ROUNDING
    )
    columns = {}
    if detection.outcome == "none":
        for column in printed.column_codes:
            # Only a column some rule fails can single out the other.
            passing = [r for r, failed in detection.failures.items() if column not in failed]
            if len(passing) == 1 and passing[0] != rule:
                columns[column] = passing[0]
    return {"rule": rule, "detected": detection.outcome, "columns": columns}
