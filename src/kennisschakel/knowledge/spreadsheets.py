"""Practices in and out of spreadsheets: CSV/XLSX import (all or nothing) and CSV/JSON export.

Import and export share one column list, so an exported file can be
edited and imported again. Every row is validated with the same form as the
web page; one bad row anywhere means nothing is written.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kennisschakel.core.tabular import escape_formula, unescape_formula
from kennisschakel.engines.text.folding import fold
from kennisschakel.knowledge.forms import PracticeForm
from kennisschakel.knowledge.models import Maturity, Practice, TransferCategory
from kennisschakel.knowledge.services import save_practice
from kennisschakel.knowledge.uploads import check_zip_archive
from kennisschakel.register.models import Organisation, PolicyDomain

# column → (form field, label for messages)
COLUMNS = {
    "titel": "title",
    "soort": "kind",
    "samenvatting": "summary",
    "beschrijving": "body",
    "domeinen": "domains",
    "overdracht": "transfer",
    "rijpheid": "maturity",
    "negatieve_lessen": "negative_lessons",
    "inzet_en_kosten": "effort_cost",
    "van": "period_start",
    "tot": "period_end",
    "verstedelijking": "context_urbanity",
    "wettelijke_basis": "context_legal_basis",
    "partners": "context_partners",
    "bewijs_link": "evidence_url",
    "talen": "languages",
    "tags": "tags",
    "bron": "source",
}
OWNER_COLUMN = "eigenaar"
REQUIRED_COLUMNS = ("titel", "samenvatting", "domeinen")
MAX_ROWS = 5000


@dataclass
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.row:  # about the file as a whole
            return self.message
        return _("Row %(row)s, column '%(column)s': %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportOutcome:
    created: list[Practice] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message says why, for the user."""


def max_import_bytes() -> int:
    return settings.KENNISSCHAKEL_IMPORT_MAX_BYTES


def check_import_size(size: int) -> None:
    """The first check of any import, before a byte is parsed."""
    if size > max_import_bytes():
        raise UnreadableFile(
            _("The file is %(size)s; the limit for an import is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_import_bytes())}
        )


def _too_many_rows() -> UnreadableFile:
    return UnreadableFile(_("At most %(max)s rows per file.") % {"max": MAX_ROWS})


def _first_rows(rows, max_rows: int) -> list[list]:
    """The header and up to ``max_rows`` rows, stopping (unparsed) as soon as there are more."""
    values = []
    for row in rows:
        values.append(row)
        if len(values) > max_rows + 1:
            raise _too_many_rows()
    return values


def _xlsx_values(name: str, content: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    not_excel = UnreadableFile(
        _("'%(name)s' is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV (UTF-8).")
        % {"name": name}
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_zip_archive(archive, name)
            if "xl/workbook.xml" not in archive.namelist():
                raise not_excel
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise not_excel
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        return [
            ["" if cell is None else str(cell) for cell in row]
            for row in _first_rows(rows, max_rows)
        ]
    except ValidationError as error:
        raise UnreadableFile(" ".join(error.messages)) from error
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise not_excel from error


def _csv_values(name: str, content: bytes, max_rows: int) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _("'%(name)s' is not a CSV file in UTF-8. Save it as CSV (UTF-8) or as .xlsx.")
            % {"name": name}
        ) from error
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _first_rows(csv.reader(io.StringIO(text), dialect), max_rows)
    except csv.Error as error:
        raise UnreadableFile(_("The file cannot be read: %(error)s") % {"error": error}) from error


def read_rows(name: str, content: bytes, max_rows: int | None = None) -> list[dict[str, str]]:
    """Rows of a CSV (comma or semicolon, UTF-8) or XLSX file as dicts keyed by header.

    The content decides the format, not the name or the browser's content
    type; a name ending in .xlsx must hold a workbook. Size and row count are
    checked before the rows are parsed; ``UnreadableFile`` says what is wrong.
    Values that an export protected against formula injection are read back
    as they were.
    """
    max_rows = MAX_ROWS if max_rows is None else max_rows
    check_import_size(len(content))
    if content.startswith(b"PK\x03\x04"):
        values = _xlsx_values(name, content, max_rows)
    elif name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise UnreadableFile(
            _("'%(name)s' is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV (UTF-8).")
            % {"name": name}
        )
    else:
        values = _csv_values(name, content, max_rows)
    if not values:
        return []
    header = [fold(h).replace(" ", "_") for h in values[0]]
    return [
        dict(zip(header, (unescape_formula(c) for c in row), strict=False))
        for row in values[1:]
        if any(c.strip() for c in row)
    ]


def _domain_lookup() -> dict[str, PolicyDomain]:
    lookup = {}
    for domain in PolicyDomain.objects.filter(children__isnull=True):
        lookup[domain.slug] = domain
        lookup[fold(domain.name_nl)] = domain
        lookup[fold(domain.name_en)] = domain
    return lookup


def _choice_lookup(choices) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        lookup[fold(value)] = value
        lookup[fold(str(label))] = value
    return lookup


def import_practices(name: str, content: bytes, user, publish: bool = False) -> ImportOutcome:
    outcome = ImportOutcome()
    try:
        rows = read_rows(name, content)
    except UnreadableFile as error:
        outcome.problems.append(RowProblem(0, "", str(error)))
        return outcome
    if not rows:
        outcome.problems.append(RowProblem(0, "", _("The file has no rows.")))
        return outcome
    if len(rows) > MAX_ROWS:
        outcome.problems.append(
            RowProblem(0, "", _("At most %(max)s rows per file.") % {"max": MAX_ROWS})
        )
        return outcome
    missing = [c for c in REQUIRED_COLUMNS if c not in rows[0]]
    if missing:
        outcome.problems.append(
            RowProblem(
                1,
                ", ".join(missing),
                _("Required column(s) missing: %(columns)s.") % {"columns": ", ".join(missing)},
            )
        )
        return outcome

    domains = _domain_lookup()
    transfers = _choice_lookup(TransferCategory.choices)
    maturities = _choice_lookup(Maturity.choices)
    kinds = _choice_lookup(Practice.Kind.choices)
    organisations = {o.slug: o for o in Organisation.objects.all()}
    prepared = []
    for number, row in enumerate(rows, start=2):
        problems_before = len(outcome.problems)

        def problem(column, message, number=number):
            outcome.problems.append(RowProblem(number, column, message))

        owner = user.organisation
        owner_value = (row.get(OWNER_COLUMN) or "").strip().lower()
        if owner_value:
            owner = organisations.get(owner_value)
            if owner is None:
                problem(
                    OWNER_COLUMN,
                    _("unknown organisation or CBS code '%(value)s'.") % {"value": owner_value},
                )
            elif owner.pk != user.organisation_id and not user.is_facilitator:
                problem(OWNER_COLUMN, _("you can only import practices of your own organisation."))
        if owner is None and not owner_value:
            problem(OWNER_COLUMN, _("your account belongs to no organisation; give an owner."))

        data = {}
        for column, field_name in COLUMNS.items():
            data[field_name] = (row.get(column) or "").strip()
        data["kind"] = (
            kinds.get(fold(data["kind"]), data["kind"]) if data["kind"] else Practice.Kind.PRACTICE
        )
        data["maturity"] = (
            maturities.get(fold(data["maturity"]), data["maturity"])
            if data["maturity"]
            else Maturity.RUNNING
        )
        data["domains"] = []
        for item in filter(None, (p.strip() for p in (row.get("domeinen") or "").split(";"))):
            domain = domains.get(item) or domains.get(fold(item))
            if domain is None:
                problem("domeinen", _("unknown policy domain '%(value)s'.") % {"value": item})
            else:
                data["domains"].append(domain.pk)
        data["transfer"] = []
        for item in filter(None, (p.strip() for p in (row.get("overdracht") or "").split(";"))):
            value = transfers.get(fold(item))
            if value is None:
                problem("overdracht", _("unknown transfer category '%(value)s'.") % {"value": item})
            else:
                data["transfer"].append(value)
        form = PracticeForm(data=data)
        if not form.is_valid():
            reverse_columns = {v: k for k, v in COLUMNS.items()}
            for field_name, errors in form.errors.items():
                if (
                    field_name in ("domains", "transfer")
                    and len(outcome.problems) > problems_before
                ):
                    continue
                for error in errors:
                    problem(reverse_columns.get(field_name, field_name), error)
        if len(outcome.problems) == problems_before:
            prepared.append((form, owner))

    if outcome.problems:
        return outcome
    with transaction.atomic():
        for form, owner in prepared:
            practice = form.save(commit=False)
            practice.owner = owner
            practice.status = Practice.Status.PUBLISHED if publish else Practice.Status.DRAFT
            save_practice(
                practice,
                user,
                relations={"domains": form.cleaned_data["domains"]},
                note="import",
            )
            outcome.created.append(practice)
    return outcome


def export_rows(practices) -> list[dict]:
    rows = []
    for practice in practices:
        rows.append(
            {
                "slug": practice.slug,
                "titel": practice.title,
                "soort": practice.kind,
                "eigenaar": practice.owner.slug,
                "samenvatting": practice.summary,
                "beschrijving": practice.body,
                "domeinen": ";".join(d.slug for d in practice.domains.all()),
                "overdracht": ";".join(practice.transfer),
                "rijpheid": practice.maturity,
                "negatieve_lessen": practice.negative_lessons,
                "inzet_en_kosten": practice.effort_cost,
                "van": practice.period_start or "",
                "tot": practice.period_end or "",
                "verstedelijking": practice.context_urbanity,
                "wettelijke_basis": practice.context_legal_basis,
                "partners": practice.context_partners,
                "bewijs_link": practice.evidence_url,
                "talen": ", ".join(practice.languages),
                "tags": ", ".join(practice.tags),
                "bron": practice.source,
                "overgenomen_door": practice.adopted_count
                if hasattr(practice, "adopted_count")
                else "",
            }
        )
    return rows


def export_csv(practices) -> str:
    """CSV for spreadsheets: text that would start a formula is escaped (OWASP)."""
    rows = [
        {column: escape_formula(value) for column, value in row.items()}
        for row in export_rows(practices)
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()) if rows else ["slug", *COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export_json(practices) -> str:
    return json.dumps(export_rows(practices), ensure_ascii=False, indent=1)
