"""Practices in and out of spreadsheets: CSV/XLSX import (all or nothing) and CSV/JSON export.

Import and export share one column list, so an exported file can be
edited and imported again. Every row is validated with the same form as the
web page; one bad row anywhere means nothing is written.
"""

import csv
import io
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from kennisschakel.knowledge.forms import PracticeForm
from kennisschakel.knowledge.models import Maturity, Practice, TransferCategory
from kennisschakel.knowledge.services import save_practice
from kennisschakel.register.models import Organisation, PolicyDomain
from kennisschakel.text.folding import fold

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
        return _("Row %(row)s, column '%(column)s': %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportOutcome:
    created: list[Practice] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read_rows(name: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (comma or semicolon, UTF-8) or XLSX file as dicts keyed by header."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = [
            ["" if cell is None else str(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    else:
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        values = list(csv.reader(io.StringIO(text), dialect))
    if not values:
        return []
    header = [fold(h).replace(" ", "_") for h in values[0]]
    return [
        dict(zip(header, row, strict=False)) for row in values[1:] if any(c.strip() for c in row)
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
    except (UnicodeDecodeError, csv.Error, ValueError, KeyError, OSError) as error:
        outcome.problems.append(
            RowProblem(0, "", _("The file cannot be read: %(error)s") % {"error": error})
        )
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
    rows = export_rows(practices)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()) if rows else ["slug", *COLUMNS])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def export_json(practices) -> str:
    return json.dumps(export_rows(practices), ensure_ascii=False, indent=1)
