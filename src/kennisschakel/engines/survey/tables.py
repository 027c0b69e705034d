"""The tables a wave is tabulated into (:class:`Table`, :class:`Row`) and their input
(:class:`Group`, :class:`Respondent`): plain values the Django layer renders and compares
with the published figures (``docs/monitor-formats.md`` section 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .rounding import round_as

#: Printed rounding per unit (decimals); override with ``decimals=`` in :func:`analyse`.
DEFAULT_DECIMALS: Mapping[str, int] = {"percent": 0, "mean": 1, "count": 0}
TOTAL = "total"

#: Labels of the rows that are not answer options (the Django layer may translate by code).
ROW_LABELS: Mapping[str, tuple[str, str]] = {
    "respondents": ("Respondenten", "Respondents"),
    "population": ("Populatie", "Population"),
    "response": ("Respons", "Response"),
    "mean": ("Gemiddelde", "Mean"),
    "min": ("Minimum", "Minimum"),
    "max": ("Maximum", "Maximum"),
    "answers": ("Aantal antwoorden", "Number of answers"),
}
RESPONSE_TITLE = ("Respons", "Response")

KIND_BY_TYPE = {
    "single": "single_by_class",
    "band": "band_by_class",
    "multiple": "multiple_by_class",
    "top2": "multiple_by_class",
    "scale": "scale_by_class",
    "number": "number_by_class",
    "text": "text_count",
}


@dataclass(frozen=True)
class Group:
    code: str
    label_nl: str
    label_en: str


@dataclass(frozen=True)
class Respondent:
    key: str  # opaque; never copied into a table
    group: str | None  # a Group code, or None when unknown (counts in "total" only)
    answers: Mapping[str, Any]  # engine values, see kennisschakel.engines.survey.answers


@dataclass
class Row:
    code: str  # option code, or a ROW_LABELS code
    label_nl: str
    label_en: str
    values: dict[str, float | None]  # column -> value; None: empty or suppressed
    unit: str | None = None  # when it differs from the table's unit
    decimals: int | None = None  # when it differs from the table's decimals


@dataclass
class Table:
    id: str
    kind: str
    title_nl: str
    title_en: str
    columns: list[str]
    rows: list[Row]
    base: dict[str, int | None]  # column -> n; None when suppressed
    unit: str  # percent | count | mean
    decimals: int
    reproduces: list[str] = field(default_factory=list)  # published table ids
    suppressed: set[str] = field(default_factory=set)
    subject: str | None = None  # question or construct code
    rounding: str = "half_up"  # a ROUNDING_RULES rule: the printed table's, else the default
    column_rounding: dict[str, str] = field(default_factory=dict)  # a column's own rule

    def rule(self, column: str) -> str:
        return self.column_rounding.get(column, self.rounding)

    def shown(self, row: Row, column: str) -> float | None:
        """One value rounded as this table prints it (its rules, the row's decimals)."""
        decimals = self.decimals if row.decimals is None else row.decimals
        return round_as(row.values.get(column), decimals, self.rule(column))

    def row(self, code: str) -> Row:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)

    def value(self, row: str, column: str) -> float | None:
        return self.row(row).values[column]

    def to_dict(self, rounded: bool = False) -> dict[str, Any]:
        """Plain JSON-ready data; ``rounded``: values rounded as printed (``rounding``)."""

        def shown(value: float | None, decimals: int, column: str) -> float | None:
            return round_as(value, decimals, self.rule(column)) if rounded else value

        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "title_nl": self.title_nl,
            "title_en": self.title_en,
            "reproduces": list(self.reproduces),
            "unit": self.unit,
            "decimals": self.decimals,
            "rounding": self.rounding,
            "column_rounding": dict(self.column_rounding),
            "columns": list(self.columns),
            "suppressed": [column for column in self.columns if column in self.suppressed],
            "base": dict(self.base),
            "rows": [
                {
                    "code": row.code,
                    "label_nl": row.label_nl,
                    "label_en": row.label_en,
                    "unit": row.unit or self.unit,
                    "decimals": self.decimals if row.decimals is None else row.decimals,
                    "values": {
                        column: shown(
                            value, self.decimals if row.decimals is None else row.decimals, column
                        )
                        for column, value in row.values.items()
                    },
                }
                for row in self.rows
            ],
        }


def label_row(code: str, values: dict, **extra: Any) -> Row:
    label_nl, label_en = ROW_LABELS[code]
    return Row(code, label_nl, label_en, values, **extra)
