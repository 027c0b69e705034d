"""Update the municipality register from a CBS-style CSV file.

The file needs a code, name and province column, and may have an
inhabitants column (CBS exports name these in several ways; see
``COLUMN_ALIASES``). Every row is checked first; if any row is wrong the
import stops with a message per row and the database is not touched.
"""

import csv
import datetime
import io
import itertools
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s, column '%(column)s': %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return self.message


@dataclass
class ImportReport:
    rows: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    result: UpsertResult | None = None
    missing_codes: list[str] = field(default_factory=list)


class ImportRejected(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _canonical(header: str) -> str:
    return fold_words(header).replace(" ", "_")


def size_error(size_in_bytes: int) -> RowError | None:
    """A file above the import limit is refused before it is parsed (or, by the command, read)."""
    limit = settings.KENNISSCHAKEL_IMPORT_MAX_BYTES
    if size_in_bytes <= limit:
        return None
    return RowError(
        0,
        "",
        _("The file is %(size)s; the limit for an import is %(limit)s.")
        % {"size": filesizeformat(size_in_bytes), "limit": filesizeformat(limit)},
    )


def _has_too_many_rows(text: str, dialect) -> bool:
    """Count rows as a stream, stopping past the limit, before any row is validated."""
    rows = csv.reader(io.StringIO(text), dialect)
    return sum(1 for _row in itertools.islice(rows, MAX_ROWS + 2)) > MAX_ROWS + 1


def parse_municipality_csv(
    text: str, reference_date: datetime.date | None, source: str = ""
) -> ImportReport:
    """Validate a CSV text and turn it into rows for :func:`save_municipalities`."""
    report = ImportReport()
    too_big = size_error(len(text.encode("utf-8", errors="replace")))
    if too_big:
        report.errors.append(too_big)
        return report
    text = text.lstrip("\ufeff")
    if not text.strip():
        report.errors.append(RowError(0, "", _("The file is empty.")))
        return report
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        too_many = _has_too_many_rows(text, dialect)
    except csv.Error as error:
        report.errors.append(RowError(0, "", str(error)))
        return report
    if too_many:
        report.errors.append(
            RowError(0, "", _("At most %(max)s rows per file.") % {"max": MAX_ROWS})
        )
        return report
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader)
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        for key, aliases in COLUMN_ALIASES.items():
            if _canonical(name) in aliases and key not in columns:
                columns[key] = index
    missing = [key for key in REQUIRED_COLUMNS if key not in columns]
    if missing:
        report.errors.append(
            RowError(
                1,
                ", ".join(missing),
                _("Required column(s) missing: %(columns)s. Found: %(found)s.")
                % {"columns": ", ".join(missing), "found": ", ".join(header)},
            )
        )
        return report
    if "inhabitants" in columns and reference_date is None:
        report.errors.append(
            RowError(
                0,
                "inhabitants",
                _("The file has inhabitants; give their reference date (--date YYYY-MM-DD)."),
            )
        )
        return report

    provinces = province_lookup()
    seen_codes: dict[str, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) < len(header):
            values = values + [""] * (len(header) - len(values))
        errors_before = len(report.errors)

        def error(column: str, message: str, line=line) -> None:
            report.errors.append(RowError(line, column, message))

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
        if len(report.errors) == errors_before:
            report.rows.append(row)
    if not report.rows and not report.errors:
        report.errors.append(RowError(0, "", _("The file has a header but no rows.")))
    return report


def import_municipalities(
    text: str, reference_date: datetime.date | None, source: str = "", dry_run: bool = False
) -> ImportReport:
    """Validate everything, then write everything, or nothing at all."""
    report = parse_municipality_csv(text, reference_date, source)
    if report.errors:
        raise ImportRejected(report.errors)
    from kennisschakel.register.models import Municipality

    codes = {row["cbs_code"] for row in report.rows}
    report.missing_codes = sorted(
        set(Municipality.objects.values_list("cbs_code", flat=True)) - codes
    )
    if not dry_run:
        report.result = save_municipalities(report.rows)
    return report
