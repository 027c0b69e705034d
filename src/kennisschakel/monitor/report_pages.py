"""What the result pages and their PDFs show: the analyst report's tables and charts, and
one municipality's "where do we stand" (its own answers beside its size class, the
country, the printed figures, its own trend), ready for a template in the language asked.

The views (``views/reports.py``) and the PDF file kinds (``pdfs.py``) both build on these,
so a PDF shows exactly what its page shows.
"""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kennisschakel.core.i18n import current_language
from kennisschakel.engines import survey
from kennisschakel.monitor import charts, reporting, rules
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.report_cache import computed_report


def local_text(data, field: str) -> str:
    """The current language's variant of ``<field>_nl`` / ``<field>_en`` (dict or object)."""
    get = data.get if isinstance(data, dict) else lambda name: getattr(data, name, "")
    if current_language() == "en":
        return get(f"{field}_en") or get(f"{field}_nl") or ""
    return get(f"{field}_nl") or ""


def column_labels(groups: list[survey.Group]) -> dict[str, str]:
    labels = {group.code: local_text(group, "label") for group in groups}
    labels[survey.TOTAL] = _("All municipalities")
    return labels


def _display_table(
    table: survey.Table,
    labels: dict[str, str],
    min_cell: int,
    comparisons: list[dict],
    chart_format: str | None,
) -> dict:
    """A table as the template shows it: rounded values, "–" where suppressed."""
    title = local_text(table, "title")
    columns = [
        {"code": c, "label": labels.get(c, c), "suppressed": c in table.suppressed}
        for c in table.columns
    ]
    rows = []
    for row in table.rows:
        decimals = table.decimals if row.decimals is None else row.decimals
        rows.append(
            {
                "code": row.code,
                "label": local_text(row, "label"),
                "unit": row.unit or table.unit,
                "decimals": decimals,
                "cells": [table.shown(row, c) for c in table.columns],
            }
        )
    chart = chart_key = ""
    if chart_format and chart_format != "url" and table.kind != "text_count":
        # The PDF's PNG pictures are drawn where its parts are laid out (pdfs.py).
        draw = charts.table_chart_svg if chart_format == "svg" else charts.table_chart_key
        chart = draw(
            table,
            labels,
            min_cell,
            title=title,
            row_labels={row["code"]: row["label"] for row in rows},
            note=_("fewer than {n} respondents"),
            language=current_language(),
        )
        if chart_format == "png":
            chart, chart_key = "", chart
    return {
        "id": table.id,
        "anchor": table.id.replace(".", "-"),
        "title": title,
        "kind": table.kind,
        "unit": table.unit,
        "columns": columns,
        "rows": rows,
        "base": [table.base.get(c) for c in table.columns],
        "any_suppressed": bool(table.suppressed),
        "chart": mark_safe(chart),  # noqa: S308 (our own SVG; texts escaped in charts.py)
        "chart_url": chart_format == "url"
        and table.kind != "text_count"
        and charts.has_chart(table),
        "chart_png": charts.chart_reference(chart_key),
        "comparisons": [_display_comparison(entry, labels) for entry in comparisons],
    }


def _display_comparison(entry: dict, labels: dict[str, str]) -> dict:
    columns = [{**column, "label": labels.get(column["code"], "")} for column in entry["columns"]]
    earlier = [{**e, "label": labels.get(e["column"], "")} for e in entry["earlier"]]
    rows = [{**row, "label": local_text(row, "label")} for row in entry["rows"]]
    # Columns the printed table cuts off instead of rounding (004 Table 5.3): said below it.
    cut = {
        c["column"] for row in entry["rows"] for c in row["cells"] if c["rounding"] == "truncate"
    }
    truncated = [column["label"] for column in columns if column["code"] in cut]
    return {**entry, "columns": columns, "earlier": earlier, "rows": rows, "truncated": truncated}


def report_context(wave: Wave, chart_format: str | None = "url") -> dict:
    """The report's tables for the template; charts as ``url`` (the page: one image
    per chart, fetched and cached apart, so the page itself comes at once), inline
    ``svg``, ``png`` pictures (the PDF) or none."""
    computed = computed_report(wave)
    labels = column_labels(computed.groups)
    by_table: dict[str, list[dict]] = {}
    for entry in computed.comparisons:
        by_table.setdefault(entry["table"], []).append(entry)

    def shown():
        return [
            _display_table(table, labels, wave.min_cell, by_table.get(table.id, []), chart_format)
            for table in computed.tables
        ]

    def trends():
        return [
            _display_table(table, {}, wave.min_cell, [], None)
            for table in computed.trends
            if table.rows
        ]

    return {
        "wave": wave,
        "instrument": wave.instrument,
        "min_cell": wave.min_cell,
        # Prepared only when the template shows them: the page keeps its rendered tables
        # in the cache under ``fingerprint`` and then never asks.
        "tables": SimpleLazyObject(shown),
        "trends": SimpleLazyObject(trends),
        "fingerprint": computed.fingerprint if chart_format == "url" else None,
        "n_comparisons": len(computed.comparisons),
        "closed": wave.status == Wave.Status.CLOSED,
    }


def own_invitation(request, wave: Wave) -> Invitation | None:
    """The invitation this visitor may see: their municipality's, or their code's (the
    code's only while it still opens results: ``Wave.results_open``, or before closing
    to be told when they come)."""
    user = request.user
    if user.is_authenticated and getattr(user, "organisation_id", None):
        for invitation in wave.invitations.filter(
            municipality__organisation_id=user.organisation_id
        ).select_related("municipality"):
            if rules.may_see_own_answers(user, invitation):
                return invitation
    invitation_id = request.session.get(f"monitor:{wave.pk}")
    if invitation_id and (wave.status != Wave.Status.CLOSED or wave.results_open()):
        return (
            Invitation.objects.filter(pk=invitation_id, wave=wave)
            .select_related("municipality")
            .first()
        )
    return None


def _published_columns(item: dict, class_label: str) -> list[dict]:
    """The printed figures of one benchmark item as table columns (aligned per row)."""
    columns = []
    for printed in item["published"]:
        number = printed["number"] or printed["id"].split(".", 1)[-1]
        year = printed["year"] or ""
        entries = [row_pub for row in item["rows"] for row_pub in row["published"]]
        entries = [p for p in entries if p["table"] == printed["id"]]
        if any(p["size_class"] is not None for p in entries):
            columns.append(
                {
                    "table": printed["id"],
                    "key": ("size_class", None),
                    "label": _("Table %(number)s (%(year)s), %(column)s")
                    % {"number": number, "year": year, "column": class_label},
                    "base": printed["base_size_class"],
                }
            )
        if any(p["total"] is not None for p in entries):
            columns.append(
                {
                    "table": printed["id"],
                    "key": ("total", None),
                    "label": _("Table %(number)s (%(year)s), all municipalities")
                    % {"number": number, "year": year},
                    "base": printed["base_total"],
                }
            )
        waves = sorted({e["wave"] for p in entries for e in p["earlier"]})
        for wave_year in waves:
            for side, label in (
                ("size_class", class_label),
                ("total", _("all municipalities")),
            ):
                if any(
                    e[side] is not None
                    for p in entries
                    for e in p["earlier"]
                    if e["wave"] == wave_year
                ):
                    columns.append(
                        {
                            "table": printed["id"],
                            "key": (side, wave_year),
                            "label": _("Table %(number)s, %(wave)s, %(column)s")
                            % {"number": number, "wave": wave_year, "column": label},
                            "base": None,
                        }
                    )
    return columns


def _published_cell(row: dict, column: dict):
    side, wave_year = column["key"]
    for printed in row["published"]:
        if printed["table"] != column["table"]:
            continue
        if wave_year is None:
            return {
                "value": printed[side],
                "unit": printed["unit"],
                "decimals": printed["decimals"],
            }
        for earlier in printed["earlier"]:
            if earlier["wave"] == wave_year:
                return {
                    "value": earlier[side],
                    "unit": printed["unit"],
                    "decimals": printed["decimals"],
                }
    return {"value": None, "unit": None, "decimals": 0}


def benchmark_context(invitation: Invitation) -> dict:
    wave = invitation.wave
    groups = reporting.groups_of(wave)
    labels = column_labels(groups)
    items = reporting.benchmark_for(invitation, groups=groups)
    instrument = wave.instrument.engine()
    block_titles = {block.code: local_text(block, "title") for block in instrument.blocks}
    class_label = labels.get(invitation.size_class) if invitation.size_class in labels else None
    for item in items:
        item["title"] = local_text(item, "title")
        own = item["own"]
        own["labels"] = own["labels_en"] if current_language() == "en" else own["labels_nl"]
        if current_language() == "en" and not any(own["labels"]):
            own["labels"] = own["labels_nl"]
        item["block_title"] = block_titles.get(item["block"], "")
        for row in item["rows"]:
            row["label"] = local_text(row, "label")
        item["published_columns"] = _published_columns(item, class_label or _("size class"))
        for row in item["rows"]:
            row["published_cells"] = [
                _published_cell(row, column) for column in item["published_columns"]
            ]
        # A table of dashes only says "nothing to show": the note says it once.
        item["show_table"] = any(
            row["size_class"] is not None
            or row["country"] is not None
            or any(cell["value"] is not None for cell in row["published_cells"])
            for row in item["rows"]
        )
    return {
        "wave": wave,
        "invitation": invitation,
        "size_class_label": class_label,
        "items": items,
        "min_cell": wave.min_cell,
    }


def trend_context(invitation: Invitation, class_label: str | None) -> list[dict]:
    """``reporting.own_trend`` for the page: titles in the language, own answers as
    labels, and a line chart (SVG) for the numeric measures."""
    items = reporting.own_trend(invitation)
    class_label = class_label or _("size class")
    for item in items:
        item["title"] = local_text(item, "title")
        for row in item["waves"]:
            labels = row["own_labels_en"] if current_language() == "en" else row["own_labels_nl"]
            row["own_labels"] = labels or row["own_labels_nl"]
        item["chart"] = ""
        if item["measure"] == "median":
            item["chart"] = mark_safe(  # noqa: S308 (our own SVG; texts escaped in charts.py)
                charts.trend_chart_svg(
                    item,
                    title=_("%(title)s: your answer and the median of your size class per wave")
                    % {"title": item["title"]},
                    own_label=_("Your municipality"),
                    class_label=_("Median of %(class)s") % {"class": class_label},
                )
            )
    return items
