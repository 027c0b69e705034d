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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

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
