"""A wave's figures beside the printed ones, table by table, rounded as printed."""

from __future__ import annotations

from kennisschakel.engines import survey
from kennisschakel.monitor.models import Wave
from kennisschakel.monitor.reporting.printed import (
    printed_info,
    printed_matches,
    row_decimals,
    subjects_by_table,
    with_response_tables,
)
from kennisschakel.monitor.reporting.tables import groups_of, wave_report


def _rounded(value: float | None, decimals: int, rule: str = survey.DEFAULT_ROUNDING):
    return survey.round_as(value, decimals, rule)


def compare_with_published(
    wave: Wave, tables: list[survey.Table] | None = None, groups: list[survey.Group] | None = None
) -> list[dict]:
    """For each table of the wave that reproduces printed tables: the wave's figures
    (rounded as printed, ``None`` when suppressed) beside the printed ones.

    One entry per (wave table, printed table) pair, in the order of the report (a
    cell's ``unit`` is the printed value's: "count" where the printed table gives a
    number of municipalities beside the wave's percentage)::

        {"table": wave table id, "subject", "title_nl", "title_en",
         "printed": {"id", "number", "title_nl", "publication", "source",
                     "page_or_section", "decimals", "rounding", "rounding_columns",
                     "rounding_detected", "rounding_reference", "defects_nl"},
         "columns": [{"code", "label_nl", "label_en", "printed_label",
                      "wave_base", "printed_base"}],
         "earlier": [{"wave": "2005", "column", "label_nl", "label_en"}],
         "rows": [{"code", "label_nl", "label_en", "printed_label", "decimals",
                   "cells": [{"column", "wave", "rounding", "printed", "unit", "wave_unit"}],
                   "earlier": [value per entry of "earlier"]}],
         "unmatched": [printed row labels not matched to a wave row]}
    """
    if tables is None:
        tables = wave_report(wave)
    if groups is None:
        groups = groups_of(wave)
    instrument = wave.instrument.engine()
    with_response_tables(tables, instrument.slug)
    subjects = subjects_by_table(instrument)
    group_codes = [group.code for group in groups]
    labels = {group.code: (group.label_nl, group.label_en) for group in groups}
    labels[survey.TOTAL] = ("Totaal", "Total")
    result = []
    for table in tables:
        for match in printed_matches(table, group_codes, subjects):
            printed = match.printed
            columns = [c for c in table.columns if c in match.columns]
            if not columns or not match.rows:
                continue
            earlier = [
                (wave_year, column)
                for wave_year in match.years
                for column in columns
                if any(column in by_year.get(wave_year, {}) for by_year in match.earlier.values())
            ]
            rows = []
            for row in table.rows:
                printed_row = match.rows.get(row.code)
                if printed_row is None:
                    continue
                # As this printed table rounds: its decimals (a count row keeps its own)
                # and its rule per column.
                decimals = printed.decimals if row.unit is None else row_decimals(table, row)
                rows.append(
                    {
                        "code": row.code,
                        "label_nl": row.label_nl,
                        "label_en": row.label_en,
                        "printed_label": printed_row.label,
                        "decimals": decimals,
                        "cells": [
                            {
                                "column": column,
                                "wave": _rounded(
                                    row.values.get(column),
                                    decimals,
                                    printed.rule_for(match.columns[column]),
                                ),
                                "rounding": printed.rule_for(match.columns[column]),
                                "printed": match.value(row.code, column),
                                "unit": match.unit(column, row.unit or table.unit),
                                "wave_unit": row.unit or table.unit,
                            }
                            for column in columns
                        ],
                        "earlier": [
                            match.earlier.get(row.code, {}).get(wave_year, {}).get(column)
                            for wave_year, column in earlier
                        ],
                    }
                )
            matched = {id(r) for r in match.rows.values()}
            result.append(
                {
                    "table": table.id,
                    "subject": table.subject,
                    "title_nl": table.title_nl,
                    "title_en": table.title_en,
                    "printed": printed_info(printed),
                    "columns": [
                        {
                            "code": column,
                            "label_nl": labels.get(column, (column, column))[0],
                            "label_en": labels.get(column, (column, column))[1],
                            "printed_label": printed.column(match.columns[column]).label,
                            "wave_base": table.base.get(column),
                            "printed_base": match.base(column),
                        }
                        for column in columns
                    ],
                    "earlier": [
                        {
                            "wave": wave_year,
                            "column": column,
                            "label_nl": labels.get(column, (column, column))[0],
                            "label_en": labels.get(column, (column, column))[1],
                        }
                        for wave_year, column in earlier
                    ],
                    "rows": rows,
                    "unmatched": [
                        row.label for row in printed.current_rows if id(row) not in matched
                    ],
                }
            )
    return result
