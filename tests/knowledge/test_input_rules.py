"""One set of rules for form and API; malformed input and files answer 400, never 500;
exports are safe to open in a spreadsheet; imports are capped before they are parsed."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kennisschakel.knowledge import spreadsheets
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.spreadsheets import import_practices
from kennisschakel.register.models import PolicyDomain

pytestmark = pytest.mark.django_db
HEADER = ["titel", "samenvatting", "domeinen"]
GOOD = ["Wijkaanpak schulden", "Huisbezoeken bij beginnende schulden.", "armoede-en-schulden"]
TOO_BIG = "99999999999999999999"


def api_as(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def practice_body(**changes):
    body = {
        "title": "Buurtbudget voor jongeren",
        "summary": "Jongeren bepalen zelf de besteding van een buurtbudget.",
        "domains": ["jeugd"],
    }
    body.update(changes)
    return body


def form_data(**changes):
    data = {
        "kind": "praktijk",
        "title": "Buurtbudget voor jongeren",
        "summary": "Jongeren bepalen zelf de besteding van een buurtbudget.",
        "domains": [PolicyDomain.objects.get(slug="jeugd").pk],
        "maturity": "in-uitvoering",
        "languages": "nl",
    }
    data.update(changes)
    return data


def invalid_names(response) -> set[str]:
    return {p["name"] for p in response.json()["invalid_params"]}


# --- C17: the API keeps the form's rules ---


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"domains": []}, "domains"),
        ({"kind": "les"}, "negative_lessons"),
        ({"period_start": 1200}, "period_start"),
        ({"period_start": 2020, "period_end": 2010}, "period_end"),
        ({"title": "Kort"}, "title"),
    ],
)
def test_api_refuses_what_the_form_refuses(enschede_contributor, client, changes, field):
    before = Practice.objects.count()
    response = api_as(enschede_contributor).post(
        "/api/v1/practices", practice_body(**changes), format="json"
    )
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in invalid_names(response)
    client.force_login(enschede_contributor)
    page = client.post(reverse("knowledge:practice-create"), form_data(**changes))
    assert page.status_code == 400
    assert field in page.context["form"].errors
    assert Practice.objects.count() == before


def test_api_without_domains_field_is_refused_in_dutch(enschede_contributor):
    body = practice_body()
    del body["domains"]
    response = api_as(enschede_contributor).post("/api/v1/practices", body, format="json")
    assert response.status_code == 400


def test_api_patch_cannot_empty_the_domains(enschede_contributor, make_practice):
    practice = make_practice("GM0153")
    url = f"/api/v1/practices/{practice.slug}"
    response = api_as(enschede_contributor).patch(url, {"domains": []}, format="json")
    assert response.status_code == 400
    assert "Kies minstens één beleidsdomein." in str(response.json())
    # A PATCH of other fields keeps the stored domains and passes.
    ok = api_as(enschede_contributor).patch(url, {"summary": "Nieuwe samenvatting."}, format="json")
    assert ok.status_code == 200


# --- D22: numbers beyond the column, NUL bytes ---


@pytest.mark.parametrize("field", ["period_start", "period_end"])
def test_integers_beyond_the_column_are_400_in_the_api_and_the_form(
    enschede_contributor, make_practice, client, field
):
    api = api_as(enschede_contributor)
    created = api.post("/api/v1/practices", practice_body(**{field: TOO_BIG}), format="json")
    assert created.status_code == 400
    practice = make_practice("GM0153")
    patched = api.patch(f"/api/v1/practices/{practice.slug}", {field: 10**19}, format="json")
    assert patched.status_code == 400
    client.force_login(enschede_contributor)
    page = client.post(reverse("knowledge:practice-create"), form_data(**{field: TOO_BIG}))
    assert page.status_code == 400
    assert "Geef een" in page.content.decode()


def test_nul_bytes_are_400_in_text_fields_and_never_500_in_slugs(enschede_contributor, client):
    api = api_as(enschede_contributor)
    for field in ("title", "summary", "body", "source"):
        value = "Buurtbudget\x00voor jongeren"
        response = api.post("/api/v1/practices", practice_body(**{field: value}), format="json")
        assert response.status_code == 400, field
    response = api.post("/api/v1/practices", practice_body(tags=["a\x00b"]), format="json")
    assert response.status_code == 400
    assert api.get("/api/v1/practices/abc%00def").status_code in (400, 404)
    assert api.get("/api/v1/practices/%00/adoptions").status_code in (400, 404)
    assert client.get("/api/v1/practices?q=a%00b&domain=%00").status_code in (200, 400)
    assert client.get("/praktijken/?q=a%00b&domain=%00").status_code in (200, 400)
    client.force_login(enschede_contributor)
    page = client.post(reverse("knowledge:practice-create"), form_data(title="Buurt\x00budget"))
    assert page.status_code == 400


# --- D22: corrupt or mislabelled spreadsheets ---


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def broken_xlsx():
    """A real workbook whose sheet XML is cut off halfway."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([GOOD])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/") or info.filename == "xl/workbook.xml":
                data = data[: len(data) // 2]
            archive.writestr(info.filename, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("praktijken.xlsx", b"titel,samenvatting,domeinen\nA,B,C\n"),  # text named .xlsx
        ("praktijken.xlsx", docx_bytes()),  # a zip, but no workbook
        ("praktijken.csv", docx_bytes()),  # the same, named .csv
        ("praktijken.xlsx", broken_xlsx()),
        ("praktijken.xlsx", xlsx_bytes([GOOD])[:300]),  # truncated download
        ("praktijken.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),  # old Excel
        ("praktijken.csv", "titel;samenvatting\nÉén;twee\n".encode("latin-1")),
    ],
)
def test_corrupt_or_mislabelled_files_are_refused_in_dutch_and_write_nothing(
    client, enschede_contributor, name, content
):
    before = Practice.objects.count()
    outcome = import_practices(name, content, enschede_contributor)
    assert outcome.problems and not outcome.created
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("knowledge:practice-import"),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Er is niets geïmporteerd" in body
    assert any(word in body for word in ("Excel-werkmap", "UTF-8", "kan niet worden gelezen"))
    assert Practice.objects.count() == before


def test_a_workbook_sent_with_a_csv_content_type_is_read_by_its_content(
    client, enschede_contributor
):
    client.force_login(enschede_contributor)
    # Named and labelled as CSV, but a workbook: the content decides, not the label.
    upload = SimpleUploadedFile("p.csv", xlsx_bytes([GOOD]), content_type="text/csv")
    response = client.post(reverse("knowledge:practice-import"), {"file": upload})
    assert response.status_code == 302
    assert Practice.objects.filter(title="Wijkaanpak schulden").exists()


# --- D23: size cap first, then a streaming row count ---


def test_a_file_above_the_size_cap_is_refused_unread(client, enschede_contributor, settings):
    settings.KENNISSCHAKEL_IMPORT_MAX_BYTES = 1000
    content = ("titel,samenvatting,domeinen\n" + "x,y,z\n" * 400).encode()
    outcome = import_practices("p.csv", content, enschede_contributor)
    assert [str(p) for p in outcome.problems] == [
        "Het bestand is 2,4\xa0KB; de grens voor een import is 1000\xa0bytes."
    ]
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("knowledge:practice-import"), {"file": SimpleUploadedFile("p.csv", content)}
    )
    assert response.status_code == 400
    assert "grens voor een import" in response.content.decode()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_are_counted_as_a_stream_and_nothing_past_the_limit_is_parsed(
    enschede_contributor, monkeypatch, kind
):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 10)
    built = []
    monkeypatch.setattr(
        spreadsheets, "PracticeForm", lambda *a, **k: built.append(1) or pytest.fail("parsed")
    )
    rows = [GOOD] * 12
    if kind == "csv":
        # After the limit: a field larger than the csv module accepts. Reading on would fail.
        out = io.StringIO()
        csv.writer(out).writerows([HEADER, *rows, ["x" * 200_000, "y", "z"]])
        outcome = import_practices("p.csv", out.getvalue().encode(), enschede_contributor)
    else:
        outcome = import_practices("p.xlsx", xlsx_bytes(rows), enschede_contributor)
    assert [str(p) for p in outcome.problems] == ["Maximaal 10 regels per bestand."]
    assert built == []


# --- D21: formula injection in the public export ---

FORMULAS = ['=HYPERLINK("https://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_export_csv_escapes_every_cell_that_would_start_a_formula(client, make_practice):
    make_practice(
        "GM0153",
        title=FORMULAS[0],
        summary=FORMULAS[1],
        body=FORMULAS[2],
        source=FORMULAS[3],
        context_urbanity=FORMULAS[4],
        context_legal_basis=FORMULAS[5],
        tags=["=cmd|' /C calc'!A0"],
    )
    response = client.get(reverse("knowledge:practice-export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    row = next(r for r in rows if r["titel"].endswith('evil.example")'))
    for column in ("titel", "samenvatting", "beschrijving", "bron", "verstedelijking"):
        assert row[column].startswith("'"), (column, row[column])
    assert row["wettelijke_basis"].startswith("'")
    assert row["tags"].startswith("'=")
    for rest in rows:
        for value in rest.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_an_escaped_export_imports_back_to_the_original_text(
    client, make_practice, weert_contributor
):
    make_practice("GM0988", title="=Praktijk met een formule", status="published")
    response = client.get(reverse("knowledge:practice-export", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    row = next(r for r in rows if "Praktijk met een formule" in r["titel"])
    assert row["titel"] == "'=Praktijk met een formule"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    outcome = import_practices("again.csv", out.getvalue().encode(), weert_contributor)
    assert outcome.problems == []
    assert outcome.created[0].title == "=Praktijk met een formule"
