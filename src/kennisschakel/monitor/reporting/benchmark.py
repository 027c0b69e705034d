"""Where does a municipality stand: its own answers beside its size class, the country
and the printed figures (aggregates only, besides its own)."""

from __future__ import annotations

from typing import Any

from kennisschakel.engines import survey
from kennisschakel.monitor.models import Invitation
from kennisschakel.monitor.reporting.printed import (
    Match,
    printed_info,
    printed_matches,
    row_decimals,
    subjects_by_table,
)
from kennisschakel.monitor.reporting.tables import groups_of, wave_report


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


def construct_score(construct: survey.Construct, values: dict[str, Any]) -> float | None:
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
    matches: list[Match],
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
        decimals = row_decimals(table, row)
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
                **printed_info(match.printed),
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
    subjects = subjects_by_table(instrument)
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
            table, group, printed_matches(table, group_codes, subjects), own, wave.min_cell
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
        score = construct_score(construct, values)
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
            table, group, printed_matches(table, group_codes, subjects), own, wave.min_cell
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
