"""Update the municipality register from a CBS-style CSV file.

The file needs a code, name and province column, and may have an
inhabitants column (CBS exports name these in several ways; see
``COLUMN_ALIASES``). Every row is checked first; if any row is wrong the
import stops with a message per row and the database is not touched.
Reading the file (limits, encoding, delimiter) is :func:`kennisschakel.core.tabular.read_table`.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from kennisschakel.core.tabular import ImportRejected, ImportReport, RowError, read_table
from kennisschakel.core.upsert import UpsertResult
from kennisschakel.engines.text.folding import fold, fold_words
from kennisschakel.register.services import province_lookup, save_municipalities

COLUMN_ALIASES = {
    "cbs_code": {
        "code",
        "cbs_code",
        "cbscode",
        "gemeentecode",
        "gemeentecodegm",
        "gm_code",
        "gmcode",
    },
    "name": {"name", "naam", "gemeentenaam", "gemeente", "gm_naam", "statnaam"},
    "province": {"province", "provincie", "provincienaam", "provincie_naam", "pv_naam"},
    "inhabitants": {
        "inhabitants",
        "inwoners",
        "aantal_inwoners",
        "aantalinwoners",
        "bevolking",
        "aant_inw",
        "population",
    },
}
REQUIRED_COLUMNS = ("cbs_code", "name", "province")
# The Netherlands has some 340 municipalities; a file with far more rows is not a register.
MAX_ROWS = 5000
CODE_PATTERN = re.compile(r"^(?:GM)?(\d{1,4})$", re.IGNORECASE)
# Whole numbers, optionally with Dutch or English thousands separators: 12345, 12.345, 12,345.
NUMBER_PATTERN = re.compile(r"^\d{1,3}(?:([.,  ])\d{3})*$|^\d+$")


class LineError(RowError):
    """A problem of the register file; its messages have always spoken of lines."""

    __slots__ = ()

    def __str__(self) -> str:
        if not self.row:
            return self.message
        return _("Line %(line)s, column '%(column)s': %(message)s") % {
            "line": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class RegisterImport(ImportReport):
    rows: list[dict] = field(default_factory=list)
    result: UpsertResult | None = None
    missing_codes: list[str] = field(default_factory=list)


def _canonical(header: str) -> str:
    return fold_words(header).replace(" ", "_")


def parse_municipality_csv(
    file: str | bytes | Path, reference_date: datetime.date | None, source: str = ""
) -> RegisterImport:
    """Validate a CSV (its text, or its path: refused unread when too large) and turn
    it into rows for :func:`save_municipalities`."""
    report = RegisterImport()
    try:
        table = read_table(file, max_rows=MAX_ROWS)
    except ImportRejected as rejected:
        report.problems = rejected.errors
        return report
    if table.is_empty:
        report.problems.append(LineError(0, "", _("The file is empty.")))
        return report
    header = table.header
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, aliases in COLUMN_ALIASES.items():
            if _canonical(name) in aliases and key not in columns:
                columns[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        report.problems.append(
            LineError(
                1,
                ", ".join(missing),
                _("Required column(s) missing: %(columns)s. Found: %(found)s.")
                % {"columns": ", ".join(missing), "found": ", ".join(header)},
            )
        )
        return report
    if "inhabitants" in columns and reference_date is None:
        report.problems.append(
            LineError(
                0,
                "inhabitants",
                _("The file has inhabitants; give their reference date (--date YYYY-MM-DD)."),
            )
        )
        return report

    provinces = province_lookup()
    seen_codes: dict[str, int] = {}
    for line, values in table.rows:
        if len(values) < len(header):
            values = values + [""] * (len(header) - len(values))
        problems_before = len(report.problems)

        def error(column: str, message: str, line=line) -> None:
            report.problems.append(LineError(line, column, message))

        raw_code = values[columns["cbs_code"]].strip()
        code_match = CODE_PATTERN.match(raw_code)
        code = f"GM{int(code_match.group(1)):04d}" if code_match else ""
        if not code_match:
            error(
                "code",
                _("'%(value)s' is not a CBS municipality code (GM followed by four digits).")
                % {"value": raw_code},
            )
        elif code in seen_codes:
            error(
                "code",
                _("code %(code)s also appears on line %(other)s.")
                % {"code": code, "other": seen_codes[code]},
            )
        else:
            seen_codes[code] = line

        name = values[columns["name"]].strip()
        if not name:
            error("name", _("the name is empty."))
        elif len(name) > 120:
            error("name", _("the name is longer than 120 characters."))

        raw_province = values[columns["province"]].strip()
        province = provinces.get(fold(raw_province))
        if province is None:
            error(
                "province",
                _("'%(value)s' is not a Dutch province.") % {"value": raw_province},
            )

        row = {"cbs_code": code, "name": name, "province": raw_province}
        if "inhabitants" in columns:
            raw_number = values[columns["inhabitants"]].strip()
            if not NUMBER_PATTERN.match(raw_number):
                error(
                    "inhabitants",
                    _("'%(value)s' is not a whole number of inhabitants.") % {"value": raw_number},
                )
            else:
                row["inhabitants"] = int(re.sub(r"\D", "", raw_number))
                row["inhabitants_date"] = reference_date
                row["inhabitants_source"] = source
        if source:
            row["source"] = source
        if len(report.problems) == problems_before:
            report.rows.append(row)
    if not report.rows and not report.problems:
        report.problems.append(LineError(0, "", _("The file has a header but no rows.")))
    return report


def import_municipalities(
    file: str | bytes | Path,
    reference_date: datetime.date | None,
    source: str = "",
    dry_run: bool = False,
) -> RegisterImport:
    """Validate everything, then write everything, or nothing at all."""
    report = parse_municipality_csv(file, reference_date, source)
    report.reject()
    from kennisschakel.register.models import Municipality

    codes = {row["cbs_code"] for row in report.rows}
    report.missing_codes = sorted(
        set(Municipality.objects.values_list("cbs_code", flat=True)) - codes
    )
    if not dry_run:
        report.result = save_municipalities(report.rows)
    return report
