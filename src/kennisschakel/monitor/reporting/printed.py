"""Lining up a wave's table with the printed tables it reproduces (``monitor/data/published``):
their columns, rows and earlier waves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kennisschakel.engines import survey
from kennisschakel.monitor import published

#
# The printed tables use their own row codes ("ja_huidige_raadsperiode" where the
# instrument says "ja_huidige_periode") and several layouts (docs/monitor-formats.md
# section 2, and the comments in published/vng2009.yaml). A published row is matched to
# an engine row by code, then by label, then in order among the rows left on both sides
# when as many are left; ROW_ALIASES names what none of these finds.

#: Published table id -> {engine row code: published row code}.
ROW_ALIASES: dict[str, dict[str, str]] = {
    # Table 3.1 prints the share of *active* municipalities: those answering "ja".
    "vng2009.table_3_1": {"ja": "actief"},
}
#: Response tables: engine row -> published row codes that hold the same figure.
RESPONSE_ROWS = {
    "respondents": ("aantal", "aantal_gemeenten"),
    "response": ("procent",),
}
MEAN_ROWS = ("mean", "min", "max")

_YEAR_COLUMN = re.compile(r"^(?:(?P<measure>aantal|procent)_)?(?P<year>(?:19|20)\d\d)$")
_PLAIN_COLUMNS = {"aantal", "procent", survey.TOTAL}


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def _count_column(code: str) -> bool:
    match = _YEAR_COLUMN.match(code)
    return code == "aantal" or bool(match and match["measure"] != "procent")


def _is_item_table(printed: published.PublishedTable, subjects: list[str]) -> bool:
    """A table that prints several questions side by side, one column each (7.1, 7.2)."""
    return len(subjects) > 1 and not any(
        code in _PLAIN_COLUMNS or _YEAR_COLUMN.match(code) for code in printed.column_codes
    )


def subjects_by_table(instrument: survey.Instrument) -> dict[str, list[str]]:
    """Published table id -> the questions and constructs reproducing it, in order."""
    result: dict[str, list[str]] = {}
    for subject in [*instrument.questions, *instrument.constructs]:
        for table_id in subject.published:
            result.setdefault(table_id, []).append(subject.code)
    return result


@dataclass
class Match:
    """How one engine table lines up with one printed table."""

    printed: published.PublishedTable
    columns: dict[str, str]  # engine column -> printed column (the printed wave)
    rows: dict[str, published.PublishedRow]  # engine row code -> printed row
    earlier: dict[str, dict[str, dict[str, float | None]]]  # row -> year -> column -> value

    def value(self, row: str, column: str) -> float | None:
        printed_row = self.rows.get(row)
        printed_column = self.columns.get(column)
        if printed_row is None or printed_column is None:
            return None
        return printed_row.values.get(printed_column)

    def unit(self, column: str, engine_unit: str) -> str:
        printed_column = self.columns.get(column)
        if printed_column is not None and _count_column(printed_column):
            return "count"
        return engine_unit

    def base(self, column: str) -> int | None:
        printed_column = self.columns.get(column)
        return None if printed_column is None else self.printed.base.get(printed_column)

    @property
    def years(self) -> list[str]:
        return sorted({year for by_year in self.earlier.values() for year in by_year})


def _match_columns(
    printed: published.PublishedTable, group_codes: list[str], item: str | None
) -> dict[str, str]:
    codes = printed.column_codes
    columns = {code: code for code in group_codes if code in codes}
    if item is not None:
        columns[survey.TOTAL] = item
        return columns
    year = printed.year
    for candidate in (survey.TOTAL, "procent", f"procent_{year}", "aantal", f"aantal_{year}", year):
        if candidate in codes:
            columns[survey.TOTAL] = candidate
            break
    return columns


def _match_rows(
    printed: published.PublishedTable, table: survey.Table
) -> dict[str, published.PublishedRow]:
    candidates = printed.current_rows
    if table.kind == "response":
        by_code = {row.code: row for row in candidates}
        result = {}
        for engine_code, printed_codes in RESPONSE_ROWS.items():
            for code in printed_codes:
                if code in by_code:
                    result[engine_code] = by_code[code]
                    break
        return result
    if table.unit == "mean":
        if table.kind == "construct_by_class":
            own = [row for row in candidates if row.code == table.subject]
            if own:
                return {"mean": own[0]}
            return {"mean": candidates[0]} if len(candidates) == 1 else {}
        if len(candidates) <= len(MEAN_ROWS):
            return dict(zip(MEAN_ROWS, candidates, strict=False))
        return {}
    if table.unit != "percent":
        return {}
    engine_rows = [(row.code, row.label_nl) for row in table.rows]
    by_code = {row.code: row for row in candidates}
    result: dict[str, published.PublishedRow] = {}
    for code, printed_code in ROW_ALIASES.get(printed.id, {}).items():
        if printed_code in by_code:
            result[code] = by_code[printed_code]
    for code, _label in engine_rows:
        if code not in result and code in by_code and by_code[code] not in result.values():
            result[code] = by_code[code]
    by_label = {_normal(row.label): row for row in candidates}
    for code, label in engine_rows:
        row = by_label.get(_normal(label))
        if code not in result and row is not None and row not in result.values():
            result[code] = row
    left = [code for code, _label in engine_rows if code not in result]
    unused = [row for row in candidates if row not in result.values()]
    if left and len(left) == len(unused):
        result.update(zip(left, unused, strict=True))
    return result


def _earlier_waves(
    printed: published.PublishedTable, rows: dict[str, published.PublishedRow], columns: dict
) -> dict[str, dict[str, dict[str, float | None]]]:
    """Earlier waves the printed table holds, per engine row: suffix rows (actief_2005),
    per-wave columns (procent_2005, 2005) and the ``waves`` mapping."""
    year = printed.year
    result: dict[str, dict[str, dict[str, float | None]]] = {}
    wave_columns = {}
    for code in printed.column_codes:
        match = _YEAR_COLUMN.match(code)
        if match and match["year"] != year:
            wave_columns.setdefault(match["year"], []).append((match["measure"], code))
    for engine_code, row in rows.items():
        by_year: dict[str, dict[str, float | None]] = {}
        for other in printed.rows:
            if other.wave and other.wave != year and other.base_code == row.code:
                by_year[other.wave] = {
                    column: other.values.get(code)
                    for column, code in columns.items()
                    if code in other.values
                }
        for wave, measures in wave_columns.items():
            preferred = sorted(measures, key=lambda m: 0 if m[0] == "procent" else 1)
            by_year.setdefault(wave, {}).setdefault(survey.TOTAL, row.values.get(preferred[0][1]))
        for wave, values in printed.waves.items():
            if wave != year and row.code in values:
                by_year.setdefault(wave, {}).setdefault(survey.TOTAL, values[row.code])
        if by_year:
            result[engine_code] = dict(sorted(by_year.items()))
    return result


def printed_matches(
    table: survey.Table, group_codes: list[str], subjects: dict[str, list[str]]
) -> list[Match]:
    result = []
    for table_id in table.reproduces:
        try:
            printed = published.table(table_id)
        except KeyError:
            continue
        reproducing = subjects.get(table_id, [])
        item = None
        if _is_item_table(printed, reproducing):
            if len(reproducing) == len(printed.columns) and table.subject in reproducing:
                item = printed.column_codes[reproducing.index(table.subject)]
            else:
                item = next(
                    (c for c in printed.column_codes if table.subject and c in table.subject),
                    None,
                )
            if item is None:
                continue
        columns = _match_columns(printed, group_codes, item)
        rows = _match_rows(printed, table)
        result.append(Match(printed, columns, rows, _earlier_waves(printed, rows, columns)))
    return result


def _response_reproduces(instrument_slug: str) -> list[str]:
    return [t.id for t in published.tables_for(instrument_slug) if t.kind == "response"]


def with_response_tables(tables: list[survey.Table], instrument_slug: str) -> list[survey.Table]:
    """The engine's response table does not know the printed response tables: add them."""
    for table in tables:
        if table.kind == "response" and not table.reproduces:
            table.reproduces = _response_reproduces(instrument_slug)
    return tables


def row_decimals(table: survey.Table, row: survey.Row) -> int:
    return table.decimals if row.decimals is None else row.decimals


def printed_info(printed: published.PublishedTable) -> dict[str, Any]:
    return {
        "id": printed.id,
        "number": printed.number,
        "title_nl": printed.title_nl,
        "publication": printed.publication,
        "source": printed.source,
        "year": printed.year,
        "page_or_section": printed.page_or_section,
        "decimals": printed.decimals,
        "rounding": printed.rounding,
        "rounding_columns": dict(printed.rounding_columns),
        "rounding_detected": printed.rounding_detected,
        "rounding_reference": printed.rounding_reference,
        "defects_nl": list(printed.defects_nl),
    }
