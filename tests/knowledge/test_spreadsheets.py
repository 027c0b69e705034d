"""CSV/XLSX import (all or nothing, row-level report) and CSV/JSON export."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.spreadsheets import import_practices

pytestmark = pytest.mark.django_db
HEADER = ["titel", "samenvatting", "domeinen", "rijpheid", "overdracht", "van", "tot", "tags"]


def csv_bytes(rows, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def good_row(n):
    return [
        f"Wijkaanpak schulden nummer {n}",
        "Huisbezoeken bij beginnende schulden.",
        "armoede-en-schulden",
        "in-uitvoering",
        "beleidsinstrumenten",
        "2020",
        "2022",
        "schulden, wijk",
    ]


def test_one_bad_row_among_500_imports_nothing_and_names_row_and_field(enschede_contributor):
    rows = [good_row(n) for n in range(500)]
    rows[336][6] = "2019"  # ends before it starts (2020)
    before = Practice.objects.count()
    outcome = import_practices("praktijken.csv", csv_bytes(rows), enschede_contributor)
    assert Practice.objects.count() == before
    assert outcome.created == []
    assert [str(p) for p in outcome.problems] == [
        "Regel 338, kolom 'tot': Het eindjaar ligt vóór het beginjaar."
    ]


def test_unknown_domain_and_category_are_named(enschede_contributor):
    rows = [good_row(1), good_row(2)]
    rows[1][2] = "ruimtevaart"
    rows[1][4] = "toverkunst"
    outcome = import_practices("p.csv", csv_bytes(rows, ";"), enschede_contributor)
    messages = [str(p) for p in outcome.problems]
    assert "Regel 3, kolom 'domeinen': onbekend beleidsdomein 'ruimtevaart'." in messages
    assert "Regel 3, kolom 'overdracht': onbekende overdrachtscategorie 'toverkunst'." in messages


def test_valid_csv_and_xlsx_import(enschede_contributor):
    outcome = import_practices("p.csv", csv_bytes([good_row(1), good_row(2)]), enschede_contributor)
    assert outcome.problems == []
    assert {p.owner.slug for p in outcome.created} == {"gm0153"}
    assert all(p.status == "draft" for p in outcome.created)

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(good_row(3))
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = import_practices("p.xlsx", buffer.getvalue(), enschede_contributor, publish=True)
    assert outcome.problems == []
    practice = outcome.created[0]
    assert practice.status == "published" and practice.period_start == 2020
    assert practice.tags == ["schulden", "wijk"]


def test_contributor_cannot_import_for_another_owner(enschede_contributor):
    content = (
        b"titel,samenvatting,domeinen,eigenaar\n"
        b"Iets van Weert gemaakt,Een samenvatting,jeugd,gm0988\n"
    )
    outcome = import_practices("p.csv", content, enschede_contributor)
    assert "eigen organisatie" in str(outcome.problems[0])


def test_import_page_reports_problems(client, enschede_contributor):
    client.force_login(enschede_contributor)
    rows = [good_row(1)]
    rows[0][0] = ""
    response = client.post(
        reverse("knowledge:practice-import"),
        {"file": SimpleUploadedFile("p.csv", csv_bytes(rows))},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Er is niets geïmporteerd" in body
    assert "Regel 2, kolom &#x27;titel&#x27;" in body


def test_export_csv_and_json_round_trip(client, enschede_contributor):
    response = client.get(reverse("knowledge:practice-export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == Practice.objects.published().count()
    assert {"titel", "samenvatting", "domeinen", "eigenaar", "overgenomen_door"} <= set(rows[0])
    data = json.loads(client.get(reverse("knowledge:practice-export", args=["json"])).content)
    assert len(data) == len(rows)
    # An exported row imports again (as a new practice of the importer's own organisation).
    row = next(r for r in rows if r["eigenaar"] == "gm0153")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    outcome = import_practices("again.csv", out.getvalue().encode(), enschede_contributor)
    assert outcome.problems == [], [str(p) for p in outcome.problems]
