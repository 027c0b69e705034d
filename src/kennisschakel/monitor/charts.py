"""Bar charts of a wave's tables: SVG drawn on the server with matplotlib.

One chart per table: a cluster of bars per column (size class, then the total), one
bar per row (answer option; for means only the mean). A suppressed column is left
empty, with the note "fewer than N respondents" in its place. Every chart carries a
``<title>`` (and ``role="img"``); the page shows the same figures in a data table
beside it, so the chart is never the only way to read them.

The page's SVG charts depend only on the (rounded) figures, so they are cached per
process by content: the same table drawn again costs nothing. The PDF's charts are PNG
pictures, drawn by the processes that lay out the PDF (``draw_referenced_charts``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import textwrap
from functools import lru_cache
from itertools import cycle

from kennisschakel.engines import survey

COLOURS = [
    "#0b3d66",
    "#c05a00",
    "#2f7d32",
    "#6a3d9a",
    "#8c1c13",
    "#00707a",
    "#7a5c00",
    "#c2185b",
    "#5d6d7e",
    "#1565c0",
]

_ID = re.compile(r'\bid="([^"]+)"')
CHART_SCHEME = "pdfchart:"
_REFERENCE = re.compile(r'src="pdfchart:([A-Za-z0-9_=-]+)"')


def chart_rows(table: survey.Table) -> list[survey.Row]:
    """The rows a chart shows: answer options, the mean, the count or the response %."""
    if table.kind == "response":
        return [table.row("response")]
    if table.unit == "mean":
        return [row for row in table.rows if row.code == "mean"]
    return list(table.rows)


def table_chart_svg(
    table: survey.Table,
    column_labels: dict[str, str],
    min_cell: int,
    *,
    title: str,
    row_labels: dict[str, str] | None = None,
    note: str = "fewer than {n} respondents",
    language: str = "en",
) -> str:
    """SVG text of one table's bar chart (empty string when there is nothing to draw).

    ``column_labels`` maps column codes (size classes, ``total``) to their labels;
    ``row_labels`` optionally the row codes to labels (default: the table's English or
    Dutch labels per ``language``); ``note`` is the (translated) text put where a
    suppressed column would be, with ``{n}`` for ``min_cell``."""
    key = _key(table, column_labels, min_cell, title, row_labels, note, language)
    return _draw(key) if key else ""


def table_chart_key(
    table: survey.Table,
    column_labels: dict[str, str],
    min_cell: int,
    *,
    title: str,
    row_labels: dict[str, str] | None = None,
    note: str = "fewer than {n} respondents",
    language: str = "en",
) -> str:
    """The chart of a table as a key for ``chart_reference``: the PDF shows it as a PNG
    picture (WeasyPrint lays out inline SVG text slowly; a picture is quick). Empty
    string when there is nothing to draw."""
    return _key(table, column_labels, min_cell, title, row_labels, note, language)


def chart_reference(key: str) -> str:
    """An ``<img src>`` that stands for the chart of ``key`` until
    ``draw_referenced_charts`` draws it (in the process that lays out the PDF part)."""
    return CHART_SCHEME + base64.urlsafe_b64encode(key.encode()).decode() if key else ""


def draw_referenced_charts(html: str) -> str:
    """The HTML with every ``chart_reference`` replaced by its PNG ``data:`` URI.

    Runs in the PDF's rendering processes (``files.pdf.render_parts(prepare=…)``), so
    that the charts of each part are drawn where that part is laid out, side by side
    with the other parts: drawing is a third of the time a new report takes."""
    return _REFERENCE.sub(
        lambda match: 'src="' + png_of_key(base64.urlsafe_b64decode(match.group(1)).decode()) + '"',
        html,
    )


def has_chart(table: survey.Table) -> bool:
    """Whether a table has anything to draw (rows, and a column that is not suppressed)."""
    return bool(chart_rows(table)) and not set(table.columns) <= table.suppressed


def _key(table, column_labels, min_cell, title, row_labels, note, language) -> str:
    """The chart's content as JSON: what is drawn, and the cache key."""
    rows = chart_rows(table)
    if not rows or set(table.columns) <= table.suppressed:
        return ""  # nothing to draw; the table says why
    labels = row_labels or {
        row.code: (row.label_en if language == "en" and row.label_en else row.label_nl)
        for row in rows
    }
    data = {
        "title": title,
        "unit": table.unit if table.kind != "response" else "percent",
        "columns": [(column, column_labels.get(column, column)) for column in table.columns],
        "suppressed": sorted(table.suppressed),
        "rows": [
            (
                labels.get(row.code, row.code),
                [table.shown(row, column) for column in table.columns],
            )
            for row in rows
        ],
        "note": note.replace("{n}", str(min_cell)),
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


@lru_cache(maxsize=512)
def _draw(key: str) -> str:
    prefix = "c" + hashlib.sha1(key.encode()).hexdigest()[:10]  # noqa: S324 (ids, not security)
    buffer = io.StringIO()
    _render(json.loads(key), buffer, "svg", prefix)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return _accessible(_unique_ids(svg, prefix), json.loads(key)["title"], prefix)


def png_of_key(key: str) -> str:
    """Draw one chart as a PNG ``data:`` URI. Not cached: a PDF is made once per report,
    and a PDF made again is for new figures."""
    buffer = io.BytesIO()
    _render(json.loads(key), buffer, "png", "")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _render(data: dict, buffer, fmt: str, prefix: str) -> None:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    columns = data["columns"]
    rows = data["rows"]
    suppressed = set(data["suppressed"])
    n_rows = len(rows)
    labels = [label for label, _values in rows]
    legend_columns = 1 if n_rows == 1 or max(len(label) for label in labels) > 48 else 2
    legend_lines = 0 if n_rows == 1 else -(-n_rows // legend_columns)
    plot_height, legend_height = 2.5, 0.2 * legend_lines + (0.15 if legend_lines else 0)
    height = plot_height + legend_height + 0.45
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix, "font.family": "DejaVu Sans"}):
        # Fixed margins instead of tight_layout: laying out text twice is the slow part.
        figure = Figure(figsize=(7.5, height))
        figure.subplots_adjust(
            left=0.08, right=0.99, top=1 - 0.1 / height, bottom=(legend_height + 0.45) / height
        )
        axes = figure.subplots()
        highest = max(
            (value for _label, values in rows for value in values if value is not None),
            default=0,
        )
        top = 100 if data["unit"] == "percent" else (highest * 1.15 or 1)
        width = 0.8 / max(n_rows, 1)
        for index, ((label, values), colour) in enumerate(zip(rows, cycle(COLOURS), strict=False)):
            positions = [i + (index - (n_rows - 1) / 2) * width for i in range(len(columns))]
            heights = [0 if value is None else value for value in values]
            axes.bar(
                positions,
                heights,
                width=width,
                label=label if len(label) <= 90 else label[:88] + "…",
                color=colour,
                edgecolor="white",
                linewidth=0.5,
            )
        for i, (code, _label) in enumerate(columns):
            if code in suppressed:
                axes.text(
                    i,
                    top / 2,
                    data["note"],
                    rotation=90,
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="#4a4a4a",
                )
        axes.set_xticks(range(len(columns)))
        axes.set_xticklabels([textwrap.fill(label, 14) for _code, label in columns], fontsize=8)
        axes.set_xlim(-0.5, len(columns) - 0.5)
        axes.set_ylim(0, top)
        axes.tick_params(axis="y", labelsize=8)
        if data["unit"] == "percent":
            axes.set_ylabel("%")
        axes.spines[["top", "right"]].set_visible(False)
        if legend_lines:
            figure.legend(
                loc="lower left",
                bbox_to_anchor=(0.02, 0.0),
                ncol=legend_columns,
                frameon=False,
                fontsize=7.5,
            )
        if fmt == "svg":
            figure.savefig(
                buffer,
                format="svg",
                metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
            )
        else:
            figure.savefig(buffer, format="png", dpi=110)


def _unique_ids(svg: str, prefix: str) -> str:
    """Several charts share one page: drop the ids nothing refers to (matplotlib names
    every group) and prefix the others (clip paths) and their references."""
    referenced = set(re.findall(r'(?:url\(#|href="#)([^)"]+)', svg))
    svg = re.sub(
        r'\sid="([^"]+)"',
        lambda m: f' id="{prefix}-{m[1]}"' if m[1] in referenced else "",
        svg,
    )
    for name in referenced:
        svg = svg.replace(f"url(#{name})", f"url(#{prefix}-{name})")
        svg = svg.replace(f'href="#{name}"', f'href="#{prefix}-{name}"')
    return svg


def _accessible(svg: str, title: str, prefix: str) -> str:
    """A <title> as the first child, role="img" and aria-labelledby on the root."""
    from django.utils.html import escape

    end = svg.index(">")
    opening = svg[:end]
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening, count=2)
    opening += f' role="img" aria-labelledby="{prefix}-title" class="chart"'
    return f'{opening}><title id="{prefix}-title">{escape(title)}</title>' + svg[end + 1 :]


# --------------------------------------------------------------------------- own trend


def trend_chart_svg(item: dict, *, title: str, own_label: str, class_label: str) -> str:
    """A small line chart of one ``reporting.own_trend`` entry with a numeric measure:
    the municipality's own answers and its size class's median per wave. A wave
    without a figure (not answered, suppressed) leaves a gap; the data table beside
    the chart holds the same figures and says why."""
    key = json.dumps(
        {
            "title": title,
            "labels": [row["label"] for row in item["waves"]],
            "lines": [
                (own_label, [row["own"] for row in item["waves"]]),
                (class_label, [row["class_value"] for row in item["waves"]]),
            ],
        },
        sort_keys=True,
    )
    return _draw_trend(key)


@lru_cache(maxsize=256)
def _draw_trend(key: str) -> str:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    data = json.loads(key)
    prefix = "t" + hashlib.sha1(key.encode()).hexdigest()[:10]  # noqa: S324 (ids, not security)
    buffer = io.StringIO()
    labels = data["labels"]
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": prefix, "font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(5.5, 2.4))
        figure.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.3)
        axes = figure.subplots()
        styles = [
            {"color": COLOURS[0], "marker": "o"},
            {"color": COLOURS[1], "marker": "s", "linestyle": "--"},
        ]
        highest = 0.0
        for (label, values), style in zip(data["lines"], styles, strict=True):
            ys = [float("nan") if value is None else value for value in values]
            highest = max([highest, *(value for value in values if value is not None)])
            axes.plot(range(len(labels)), ys, label=label, linewidth=1.5, **style)
        axes.set_xticks(range(len(labels)))
        axes.set_xticklabels([textwrap.fill(label, 14) for label in labels], fontsize=8)
        axes.set_xlim(-0.5, len(labels) - 0.5)
        axes.set_ylim(0, highest * 1.15 or 1)
        axes.tick_params(axis="y", labelsize=8)
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(
            loc="lower left", bbox_to_anchor=(0.02, 0.0), ncol=2, frameon=False, fontsize=7.5
        )
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return _accessible(_unique_ids(svg, prefix), data["title"], prefix)
