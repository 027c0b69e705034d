"""Practices in and out of spreadsheets: CSV/XLSX import (all or nothing) and CSV/JSON export.

Import and export share one column list, so an exported file can be
edited and imported again. Every row is validated with the same form as the
web page; one bad row anywhere means nothing is written. Reading and writing the
files is :mod:`kennisschakel.core.tabular`; this module maps the columns.
"""

import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from kennisschakel.core.tabular import (
    ImportRejected,
    ImportReport,
    RowError,
    Wording,
    read_table,
    write_csv,
)
from kennisschakel.engines.text.folding import fold
from kennisschakel.knowledge.forms import PracticeForm
from kennisschakel.knowledge.models import Maturity, Practice, TransferCategory
from kennisschakel.knowledge.services import save_practice
from kennisschakel.knowledge.uploads import check_zip_archive
from kennisschakel.register.models import Organisation, PolicyDomain

# column → form field
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


#: The advice for a file that is not UTF-8 names the other format this import takes.
SPREADSHEET = Wording(
    not_utf8=lambda name, error: (
        _("'%(name)s' is not a CSV file in UTF-8. Save it as CSV (UTF-8) or as .xlsx.")
        % {"name": name}
    )
)


@dataclass
class PracticeImport(ImportReport):
    created: list[Practice] = field(default_factory=list)


def read_rows(name: str, content: bytes) -> list[dict[str, str]]:
    """Rows of a CSV (comma or semicolon, UTF-8) or XLSX file as dicts keyed by the
    folded header (``Inzet en kosten`` -> ``inzet_en_kosten``)."""
    table = read_table(
        name,
        content,
        max_rows=MAX_ROWS,
        workbooks=True,
        check_archive=check_zip_archive,
        wording=SPREADSHEET,
    )
    header = [fold(h).replace(" ", "_") for h in table.header]
    return [dict(zip(header, row.cells, strict=False)) for row in table.rows]


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


def import_practices(name: str, content: bytes, user, publish: bool = False) -> PracticeImport:
    outcome = PracticeImport()
    try:
        rows = read_rows(name, content)
    except ImportRejected as rejected:
        outcome.problems = rejected.errors
        return outcome
    if not rows:
        outcome.problems.append(RowError(0, "", _("The file has no rows.")))
        return outcome
    missing = [c for c in REQUIRED_COLUMNS if c not in rows[0]]
    if missing:
        outcome.problems.append(
            RowError(
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
            outcome.problems.append(RowError(number, column, message))

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
    rows = export_rows(practices)
    header = list(rows[0]) if rows else ["slug", *COLUMNS]
    return write_csv([header, *([row.get(column) for column in header] for row in rows)])


def export_json(practices) -> str:
    return json.dumps(export_rows(practices), ensure_ascii=False, indent=1)
