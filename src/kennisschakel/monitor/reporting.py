"""From the database to the survey engine and back: the tables of a wave.

The engine (:mod:`kennisschakel.engines.survey`) tabulates plain data; this module feeds it a
wave's submitted invitations and turns its tables into what the pages, the PDF and the
JSON export need: the analyst report, the comparison with the published (printed)
figures, and a municipality's "where do we stand".

Public functions: :func:`groups_of`, :func:`population_of`, :func:`respondents_of`,
:func:`wave_report`, :func:`report_json`, :func:`compare_with_published` and
:func:`benchmark_for`. Matching a wave's table with a printed one (whose row codes and
layouts differ from the instrument's) is done here, not in the data files; see the
comment above :data:`ROW_ALIASES`.

Suppression is the engine's (``Wave.min_cell``); nothing here ever puts one
municipality's answers beside another's: :func:`benchmark_for` shows the answers of
the invitation it is given and aggregates only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from kennisschakel.engines import survey
from kennisschakel.monitor import published
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.register.models import SizeClass


def groups_of(wave: Wave) -> list[survey.Group]:
    """The size classes of the wave's scheme, in order, as engine groups."""
    return [
        survey.Group(
            code=size_class.slug, label_nl=size_class.label_nl, label_en=size_class.label_en
        )
        for size_class in SizeClass.objects.filter(scheme_id=wave.size_scheme_id).order_by(
            "position", "lower"
        )
    ]


def population_of(wave: Wave) -> dict[str, int]:
    """Invitations per size class; invitations without a class are not in it."""
    rows = (
        wave.invitations.exclude(size_class="")
        .order_by()
        .values_list("size_class")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def respondents_of(wave: Wave) -> list[survey.Respondent]:
    """The submitted invitations as engine respondents (one query)."""
    rows = (
        Invitation.objects.filter(wave=wave, submitted_at__isnull=False)
        .order_by("cbs_code")
        .values_list("cbs_code", "size_class", "answers")
    )
    return [
        survey.Respondent(key=cbs_code, group=size_class or None, answers=answers or {})
        for cbs_code, size_class, answers in rows
    ]


def wave_report(wave: Wave) -> list[survey.Table]:
    """Every table of the wave: response, questions, constructs (small cells suppressed)."""
    groups = groups_of(wave)
    population = population_of(wave)
    codes = {group.code for group in groups}
    respondents = [
        r if r.group is None or r.group in codes else survey.Respondent(r.key, None, r.answers)
        for r in respondents_of(wave)
    ]
    # A class of the scheme without invitations has a population of 0, not an unknown one.
    population = {code: population.get(code, 0) for code in codes}
    instrument = wave.instrument.engine()
    tables = survey.analyse(instrument, respondents, groups, population, min_cell=wave.min_cell)
    _with_response_tables(tables, instrument.slug)
    return apply_printed_rounding(tables, [group.code for group in groups], instrument)


def apply_printed_rounding(
    tables: list[survey.Table], group_codes: list[str], instrument: survey.Instrument
) -> list[survey.Table]:
    """Round each table that reproduces a printed one as that one is printed: its
    decimals and rounding rule (per column where a column has its own; recorded in
    ``monitor/data/published``). Where a table reproduces several printed tables the
    first decides (the report shows one figure per cell); the comparison with each
    printed table uses that table's own rule. Other tables keep the default: half up,
    ``survey.DEFAULT_DECIMALS`` (docs/monitor-formats.md section 2)."""
    subjects = _subjects_by_table(instrument)
    for table in tables:
        match = next((m for m in _matches(table, group_codes, subjects) if m.rows), None)
        if match is None:
            continue
        printed = match.printed
        table.decimals = printed.decimals
        table.rounding = printed.rounding
        table.column_rounding = {
            column: printed.rule_for(code)
            for column, code in match.columns.items()
            if printed.rule_for(code) != printed.rounding
        }
        for row in table.rows:
            # Printed min/max (Table 5.2: "€ 500,00") carry the table's decimals too.
            if row.code in match.rows and row.unit is None and row.decimals is not None:
                row.decimals = printed.decimals
    return tables


def report_json(wave: Wave, tables: list[survey.Table] | None = None) -> dict[str, Any]:
    """The wave's tables as JSON-ready data, rounded as printed (``tables``: the wave's
    report when the caller has it, e.g. from ``report_cache``)."""
    if tables is None:
        tables = wave_report(wave)
    practice = {}
    if wave.is_practice:  # the download says its answers are made up (monitor/practice.py)
        from kennisschakel.monitor.imports import practice_label

        practice = {"practice": True, "notice": practice_label()}
    return {
        **practice,
        "wave": wave.slug,
        "instrument": wave.instrument.slug,
        "min_cell": wave.min_cell,
        "tables": [table.to_dict(rounded=True) for table in tables],
    }


# --------------------------------------------------------------------------- printed tables
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


def _subjects_by_table(instrument: survey.Instrument) -> dict[str, list[str]]:
    """Published table id -> the questions and constructs reproducing it, in order."""
    result: dict[str, list[str]] = {}
    for subject in [*instrument.questions, *instrument.constructs]:
        for table_id in subject.published:
            result.setdefault(table_id, []).append(subject.code)
    return result


@dataclass
class _Match:
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


def _matches(
    table: survey.Table, group_codes: list[str], subjects: dict[str, list[str]]
) -> list[_Match]:
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
        result.append(_Match(printed, columns, rows, _earlier_waves(printed, rows, columns)))
    return result


def _response_reproduces(instrument_slug: str) -> list[str]:
    return [t.id for t in published.tables_for(instrument_slug) if t.kind == "response"]


def _with_response_tables(tables: list[survey.Table], instrument_slug: str) -> list[survey.Table]:
    """The engine's response table does not know the printed response tables: add them."""
    for table in tables:
        if table.kind == "response" and not table.reproduces:
            table.reproduces = _response_reproduces(instrument_slug)
    return tables


# --------------------------------------------------------------------------- comparison


def _rounded(value: float | None, decimals: int, rule: str = survey.DEFAULT_ROUNDING):
    return survey.round_as(value, decimals, rule)


def _row_decimals(table: survey.Table, row: survey.Row) -> int:
    return table.decimals if row.decimals is None else row.decimals


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
    _with_response_tables(tables, instrument.slug)
    subjects = _subjects_by_table(instrument)
    group_codes = [group.code for group in groups]
    labels = {group.code: (group.label_nl, group.label_en) for group in groups}
    labels[survey.TOTAL] = ("Totaal", "Total")
    result = []
    for table in tables:
        for match in _matches(table, group_codes, subjects):
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
                decimals = printed.decimals if row.unit is None else _row_decimals(table, row)
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
                    "printed": _printed_info(printed),
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


def _printed_info(printed: published.PublishedTable) -> dict[str, Any]:
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


# --------------------------------------------------------------------------- where do we stand


def _own_answer(question: survey.Question, value: Any) -> dict[str, Any]:
    """The municipality's own answer, as labels (and the number for scale/number)."""
    own: dict[str, Any] = {
        "answered": survey.has_answer(value),
        "codes": [],
        "labels_nl": [],
        "labels_en": [],
        "value": None,
        "text": None,
    }
    if not own["answered"]:
        return own
    if question.options:
        chosen = value if isinstance(value, list | tuple) else [value]
        for option in question.options:
            if option.code in chosen:
                own["codes"].append(option.code)
                own["labels_nl"].append(option.label_nl)
                own["labels_en"].append(option.label_en)
        own["answered"] = bool(own["codes"])
    elif question.type in ("scale", "number"):
        own["value"] = value if isinstance(value, int | float) else None
        own["answered"] = own["value"] is not None
        if question.type == "scale" and own["answered"]:
            label = question.scale_labels.get(int(value)) or {}
            own["labels_nl"] = [label["nl"]] if "nl" in label else []
            own["labels_en"] = [label["en"]] if "en" in label else []
    else:
        own["text"] = str(value)
    return own


def _construct_score(construct: survey.Construct, values: dict[str, Any]) -> float | None:
    answered = [
        values[item]
        for item in construct.items
        if isinstance(values.get(item), int | float) and not isinstance(values.get(item), bool)
    ]
    if len(answered) < construct.min_items or not answered:
        return None
    return sum(answered) / len(answered)


def _benchmark_item(
    table: survey.Table,
    group: str | None,
    matches: list[_Match],
    own: dict[str, Any],
    min_cell: int,
) -> dict[str, Any]:
    total = survey.TOTAL
    class_suppressed = group is not None and group in table.suppressed
    country_suppressed = total in table.suppressed
    notes = []
    if group is None:
        notes.append("no_size_class")
    elif class_suppressed:
        notes.append("size_class_suppressed")
    if country_suppressed:
        notes.append("country_suppressed")
    shown_rows = [row for row in table.rows if table.unit != "mean" or row.code == "mean"]
    rows = []
    for row in shown_rows:
        decimals = _row_decimals(table, row)
        printed = []
        for match in matches:
            if row.code not in match.rows:
                continue
            earlier = match.earlier.get(row.code, {})
            printed.append(
                {
                    "table": match.printed.id,
                    "size_class": match.value(row.code, group) if group else None,
                    "total": match.value(row.code, total),
                    "unit": match.unit(total, row.unit or table.unit),
                    "decimals": match.printed.decimals,
                    "earlier": [
                        {
                            "wave": wave_year,
                            "size_class": values.get(group) if group else None,
                            "total": values.get(total),
                        }
                        for wave_year, values in earlier.items()
                    ],
                }
            )
        rows.append(
            {
                "code": row.code,
                "label_nl": row.label_nl,
                "label_en": row.label_en,
                "own": row.code in own["codes"],
                "size_class": table.shown(row, group) if group else None,
                "country": table.shown(row, total),
                "decimals": decimals,
                "published": printed,
            }
        )
    figure = {"size_class": None, "country": None}
    if table.unit == "mean" and rows:
        figure = {"size_class": rows[0]["size_class"], "country": rows[0]["country"]}
    elif table.kind in ("single_by_class", "band_by_class") and own["codes"]:
        mine = next((row for row in rows if row["own"]), None)
        if mine is not None:
            figure = {"size_class": mine["size_class"], "country": mine["country"]}
    return {
        "table_id": table.id,
        "kind": table.kind,
        "unit": table.unit,
        "decimals": table.decimals,
        "size_class": group,
        "base": {
            "size_class": table.base.get(group) if group else None,
            "country": table.base.get(total),
        },
        "suppressed": {"size_class": class_suppressed, "country": country_suppressed},
        "min_cell": min_cell,
        "notes": notes,
        "own": own,
        "figure": figure,
        "rows": rows,
        "published": [
            {
                **_printed_info(match.printed),
                "size_class_label": (
                    match.printed.column(match.columns[group]).label
                    if group and group in match.columns
                    else None
                ),
                "total_label": (
                    match.printed.column(match.columns[total]).label
                    if total in match.columns
                    else None
                ),
                "base_size_class": match.base(group) if group else None,
                "base_total": match.base(total),
            }
            for match in matches
            if any(row.code in match.rows for row in shown_rows)
        ],
    }


def benchmark_for(
    invitation: Invitation,
    tables: list[survey.Table] | None = None,
    groups: list[survey.Group] | None = None,
) -> list[dict]:
    """Where does this municipality stand: per question it was asked (in order), then
    per construct, its own answer beside its size class, the country (the wave's
    total) and the printed figures.

    Each entry::

        {"code", "subject": "question" | "construct", "type", "block",
         "title_nl", "title_en", "table_id", "kind", "unit", "decimals",
         "size_class": class code or None, "min_cell",
         "base": {"size_class": n, "country": n}            # None when suppressed
         "suppressed": {"size_class": bool, "country": bool},
         "notes": ["no_size_class" | "size_class_suppressed" | "country_suppressed"],
         "own": {"answered", "codes", "labels_nl", "labels_en", "value", "text"},
         "figure": {"size_class", "country"}   # single/band: % choosing the own option;
                                               # scale/number/construct: mean; else None
         "rows": [{"code", "label_nl", "label_en", "own": bool, "size_class", "country",
                   "decimals", "published": [{"table", "size_class", "total", "unit",
                   "decimals", "earlier": [{"wave", "size_class", "total"}]}]}],
         "published": [{"id", "number", "title_nl", "publication", "source", "year",
                        "page_or_section", "size_class_label", "total_label",
                        "base_size_class", "base_total", ...}]}

    Figures are rounded as printed and ``None`` where suppressed (``notes`` says why).
    Only this invitation's own answers appear; everything else is an aggregate.
    Text questions carry the own answer only (the engine counts texts, nothing more).
    """
    wave = invitation.wave
    if tables is None:
        tables = wave_report(wave)
    if groups is None:
        groups = groups_of(wave)
    instrument = wave.instrument.engine()
    subjects = _subjects_by_table(instrument)
    group_codes = [group.code for group in groups]
    group = invitation.size_class if invitation.size_class in group_codes else None
    by_id = {table.id: table for table in tables}
    answers = invitation.answers or {}
    values = instrument.effective_answers(answers)
    result = []
    for question in instrument.asked(answers):
        own = _own_answer(question, values.get(question.code))
        table = by_id.get(f"{instrument.slug}.{question.code}")
        if table is None:
            continue
        item = _benchmark_item(
            table, group, _matches(table, group_codes, subjects), own, wave.min_cell
        )
        if question.type == "text":
            item["rows"], item["published"] = [], []
        item.update(
            code=question.code,
            subject="question",
            type=question.type,
            block=question.block,
            title_nl=question.text_nl,
            title_en=question.text_en,
        )
        result.append(item)
    for construct in instrument.constructs:
        score = _construct_score(construct, values)
        own = {
            "answered": score is not None,
            "codes": [],
            "labels_nl": [],
            "labels_en": [],
            "value": score if score is None else survey.round_half_up(score, 2),
            "text": None,
        }
        table = by_id.get(f"{instrument.slug}.{construct.code}")
        if table is None:
            continue
        item = _benchmark_item(
            table, group, _matches(table, group_codes, subjects), own, wave.min_cell
        )
        item.update(
            code=construct.code,
            subject="construct",
            type="construct",
            block=None,
            title_nl=construct.label_nl,
            title_en=construct.label_en,
        )
        result.append(item)
    return result


def trend_waves(wave: Wave) -> list[Wave]:
    """This wave and the earlier closed waves of the same instrument, oldest first.
    Practice waves (fictitious answers) are never beside real ones: a practice wave's
    trend is itself only, and no real wave's trend holds one."""
    if wave.is_practice:
        return [wave]
    earlier = (
        Wave.objects.closed_on()
        .filter(instrument=wave.instrument, reference_date__lt=wave.reference_date)
        .filter(is_practice=False)
        .order_by("reference_date")
    )
    return [*earlier, wave]


def trend_report(wave: Wave) -> list[survey.Table]:
    """Per question the figures for all municipalities in each wave of this instrument
    (``survey.compare_waves``), suppressed per wave as everywhere; empty with one wave."""
    waves = trend_waves(wave)
    if len(waves) < 2:
        return []
    labels, seen = [], set()
    for item in waves:
        label = item.period if item.period not in seen else f"{item.period} ({item.slug})"
        seen.add(label)
        labels.append(label)
    return survey.compare_waves(
        wave.instrument.engine(),
        [(label, respondents_of(item)) for label, item in zip(labels, waves, strict=True)],
        min_cell=wave.min_cell,
    )


# --------------------------------------------------------------------------- own trend
#
# "Where do we stand" over time: per question, the municipality's own answer in each
# wave of the instrument beside a figure of its size class in that wave — the median
# (scale, number, construct) or the share that gave the same answer (single, band).
# Our own figures, not printed ones: rounded by the default rule (half up; medians 1
# decimal, shares 0). A size-class figure over fewer than the wave's ``min_cell``
# respondents is suppressed (None, ``suppressed``), as in the report. Only aggregates
# of other municipalities appear; the own line is this municipality's (its cbs_code).

TREND_TYPES = ("scale", "number", "single", "band")


def _wave_label(waves: list[Wave]) -> list[str]:
    labels, seen = [], set()
    for item in waves:
        label = item.period if item.period not in seen else f"{item.period} ({item.slug})"
        seen.add(label)
        labels.append(label)
    return labels


def _median(values: list[float]) -> float:
    ordered, middle = sorted(values), len(values) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _trend_value(kind: str, subject, values: dict, numeric: bool):
    """A respondent's figure for the trend: score, number, or option code."""
    if kind == "construct":
        return _construct_score(subject, values)
    value = values.get(subject.code)
    if numeric and (isinstance(value, bool) or not isinstance(value, int | float)):
        return None
    return value


def own_trend(invitation: Invitation) -> list[dict]:
    """The municipality's answers over the waves of this instrument beside its size
    class; ``[]`` with one wave. One entry per question or construct that it answered
    in at least one wave::

        {"code", "subject": "question" | "construct", "type", "title_nl", "title_en",
         "measure": "median" | "share", "unit": "mean" | "percent", "decimals",
         "own_decimals",
         "waves": [{"wave", "label", "size_class", "own", "own_labels_nl",
                    "own_labels_en", "class_value", "class_n", "suppressed"}]}

    ``own``: the answer (number, or option code); ``class_value``: the class median or
    the % of the class answering as the municipality did (None when it did not answer,
    or suppressed); ``class_n``: respondents it is computed over (None if suppressed).
    """
    # Practice waves (fictitious answers) and real ones never share a line.
    practice = getattr(invitation.wave, "is_practice", False)
    waves = [
        w for w in trend_waves(invitation.wave) if getattr(w, "is_practice", False) == practice
    ]
    if len(waves) < 2:
        return []
    instrument = invitation.wave.instrument.engine()
    own_rows = {
        wave_id: (size_class, answers, submitted)
        for wave_id, size_class, answers, submitted in Invitation.objects.filter(
            wave__in=waves, cbs_code=invitation.cbs_code
        ).values_list("wave_id", "size_class", "answers", "submitted_at")
    }
    per_wave = []
    for wave in waves:
        size_class, answers, submitted = own_rows.get(wave.pk, ("", {}, None))
        if wave.pk == invitation.wave_id:  # as on the rest of the page
            size_class, answers, submitted = invitation.size_class, invitation.answers, True
        own = instrument.effective_answers(answers or {}) if submitted else {}
        peers = [
            instrument.effective_answers(r.answers)
            for r in respondents_of(wave)
            if size_class and r.group == size_class
        ]
        per_wave.append((wave, size_class or None, own, peers))
    labels = _wave_label(waves)
    subjects = [("question", q) for q in instrument.questions if q.type in TREND_TYPES]
    subjects += [("construct", c) for c in instrument.constructs]
    result = []
    for kind, subject in subjects:
        numeric = kind == "construct" or subject.type in ("scale", "number")

        def value_of(values: dict, subject=subject, kind=kind, numeric=numeric):
            return _trend_value(kind, subject, values, numeric)

        rows = []
        for (wave, size_class, own, peers), label in zip(per_wave, labels, strict=True):
            mine = value_of(own)
            answered = [v for v in (value_of(p) for p in peers) if v is not None]
            suppressed = len(answered) < wave.min_cell
            class_value = None
            if not suppressed and numeric:
                class_value = survey.round_half_up(
                    _median(answered), survey.DEFAULT_DECIMALS["mean"]
                )
            elif not suppressed and mine is not None:
                same = sum(1 for v in answered if v == mine)
                class_value = survey.round_half_up(
                    100 * same / len(answered), survey.DEFAULT_DECIMALS["percent"]
                )
            option = None if numeric or mine is None else subject.option(mine)
            rows.append(
                {
                    "wave": wave.slug,
                    "label": label,
                    "size_class": size_class,
                    "own": (
                        survey.round_half_up(mine, 2) if numeric and mine is not None else mine
                    ),
                    "own_labels_nl": [option.label_nl] if option else [],
                    "own_labels_en": [option.label_en] if option else [],
                    "class_value": class_value,
                    "class_n": None if suppressed or not size_class else len(answered),
                    "suppressed": bool(size_class) and suppressed,
                }
            )
        if not any(row["own"] is not None for row in rows):
            continue
        result.append(
            {
                "code": subject.code,
                "subject": kind,
                "type": "construct" if kind == "construct" else subject.type,
                "title_nl": subject.label_nl if kind == "construct" else subject.text_nl,
                "title_en": subject.label_en if kind == "construct" else subject.text_en,
                "measure": "median" if numeric else "share",
                "unit": "mean" if numeric else "percent",
                "decimals": survey.DEFAULT_DECIMALS["mean" if numeric else "percent"],
                # The own answer as it was given (a construct score: 2 decimals).
                "own_decimals": 2 if kind == "construct" else getattr(subject, "decimals", 0) or 0,
                "waves": rows,
            }
        )
    return result
