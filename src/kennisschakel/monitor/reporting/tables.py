"""A wave's own tables: its respondents and population fed to the survey engine, the
tables rounded as the printed tables they reproduce, and their JSON export."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from kennisschakel.engines import survey
from kennisschakel.monitor.imports import practice_label
from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.monitor.reporting.printed import (
    printed_matches,
    subjects_by_table,
    with_response_tables,
)
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
    with_response_tables(tables, instrument.slug)
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
    subjects = subjects_by_table(instrument)
    for table in tables:
        match = next((m for m in printed_matches(table, group_codes, subjects) if m.rows), None)
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
        practice = {"practice": True, "notice": practice_label()}
    return {
        **practice,
        "wave": wave.slug,
        "instrument": wave.instrument.slug,
        "min_cell": wave.min_cell,
        "tables": [table.to_dict(rounded=True) for table in tables],
    }
