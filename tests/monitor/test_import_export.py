"""Response import (all or nothing, every problem named by row and column), raw export
(CSV, XLSX) in the layout the import reads, and the ``kennisschakel monitor`` command.

Messages are translated text (msgids in English, Dutch from the catalogue); these tests
assert on the row, the column and stable fragments (the CBS code, the value), not on
the wording.
"""

import csv
import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from kennisschakel.engines import survey
from kennisschakel.monitor import services
from kennisschakel.monitor.imports import (
    ImportRejected,
    RowError,
    export_csv,
    export_xlsx,
    import_responses,
)
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.models import Instrument, Invitation
from kennisschakel.register.models import Merger, SizeScheme
from tests.monitor.test_reproduction import complete_answers

pytestmark = pytest.mark.django_db

REFERENCE = datetime.date(2025, 1, 1)
# Enschede, Weert, Groningen, Almere: municipalities of the population on REFERENCE.
ENSCHEDE, WEERT, GRONINGEN, ALMERE = "GM0153", "GM0988", "GM0014", "GM0034"


@pytest.fixture
def instrument(db):
    load_instruments()
    return Instrument.objects.get(slug="gib")


def make_wave(instrument, slug="gib-import"):
    return services.create_wave(
        {
            "slug": slug,
            "instrument": instrument,
            "title": f"Monitor ({slug})",
            "period": "2025",
            "reference_date": REFERENCE,
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": REFERENCE,
            "closes_on": REFERENCE + datetime.timedelta(days=60),  # closed by its dates
        }
    )


@pytest.fixture
def wave(instrument):
    return make_wave(instrument)


def text_of(rows, delimiter=","):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


INACTIVE = ["heeft_beleid", "redenen_geen_beleid__geen_prioriteit", "redenen_geen_beleid__anders"]


def submitted(wave):
    return wave.invitations.filter(submitted_at__isnull=False)


def rejected(wave, content) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        import_responses(wave, content)
    assert not submitted(wave).exists()  # nothing was written
    return caught.value.errors


def where(errors):
    return [(error.row, error.column) for error in errors]


# --------------------------------------------------------------------------- import


def test_import_sets_answers_and_marks_the_invitations(wave):
    content = (
        "\ufeffcbs_code;name;" + ";".join(INACTIVE) + ";uren_op_papier\n"
        f"{ENSCHEDE};Enschede;nee;1;0;\n"
        "988;Weert;nee;1;1;\n"  # the code without GM, as some spreadsheets keep it
    ).encode()
    result = import_responses(wave, content)
    assert (result.imported, result.replaced) == (2, 0)
    enschede = wave.invitations.get(cbs_code=ENSCHEDE)
    assert enschede.answers == {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_prioriteit"]}
    assert enschede.imported and enschede.submitted_at and enschede.started_at
    weert = wave.invitations.get(cbs_code=WEERT)
    assert weert.answers["redenen_geen_beleid"] == ["geen_prioriteit", "anders"]
    assert submitted(wave).count() == 2


def test_import_reads_decimal_commas_and_routing(wave):
    instrument = wave.instrument.engine()
    answers = complete_answers(instrument, {"heeft_beleid": "ja", "uren_op_papier": 12.5})
    header = ["cbs_code", "uren_op_papier", "heeft_beleid", "redenen_geen_beleid__anders"]
    rows = [header[:1] + [c for c in instrument.csv_columns if c not in header] + header[1:]]
    values = {c: "" for c in rows[0]}
    for code, value in answers.items():
        question = instrument.question(code)
        if question.type in ("multiple", "top2"):
            for option in question.option_codes:
                values[f"{code}__{option}"] = "1" if option in value else "0"
        else:
            values[code] = str(value)
    values.update({"cbs_code": ALMERE, "uren_op_papier": "12,5"})
    values["redenen_geen_beleid__anders"] = "1"  # not asked (heeft_beleid = ja): dropped
    rows.append([values[c] for c in rows[0]])
    import_responses(wave, text_of(rows, ";"))
    stored = wave.invitations.get(cbs_code=ALMERE).answers
    assert stored == answers
    assert stored["uren_op_papier"] == 12.5 and "redenen_geen_beleid" not in stored


def test_unknown_cbs_code_imports_nothing_and_names_row_and_column(wave):
    errors = rejected(
        wave,
        text_of(
            [["cbs_code", *INACTIVE], [ENSCHEDE, "nee", "1", "0"], ["GM9999", "nee", "1", "0"]]
        ),
    )
    assert where(errors) == [(3, "cbs_code")]
    assert "GM9999" in errors[0].message


def test_former_municipality_is_not_in_todays_population(wave):
    former = (
        Merger.objects.filter(effective_date__lte=REFERENCE)
        .exclude(old_code__in=wave.invitations.values("cbs_code"))
        .values_list("old_code", flat=True)
        .first()
    )
    errors = rejected(wave, text_of([["cbs_code", *INACTIVE], [former, "nee", "1", "0"]]))
    assert where(errors) == [(2, "cbs_code")] and former in errors[0].message


def test_answer_outside_the_option_list_is_named(wave):
    errors = rejected(
        wave,
        text_of(
            [
                ["cbs_code", *INACTIVE],
                [ENSCHEDE, "nee", "1", "0"],
                [WEERT, "misschien", "1", "0"],
                [GRONINGEN, "nee", "2", "0"],  # a 0/1 column with another value
            ]
        ),
    )
    assert where(errors) == [
        (3, "heeft_beleid"),
        (4, "redenen_geen_beleid__geen_prioriteit"),
    ]
    assert "misschien" in errors[0].message and "'2'" in errors[1].message


def test_number_out_of_bounds_is_named(wave):
    instrument = wave.instrument.engine()
    answers = complete_answers(instrument, {"heeft_beleid": "ja"})
    columns = ["cbs_code", "heeft_beleid", "uren_op_papier", "uren_in_praktijk"]
    row = {c: "" for c in instrument.csv_columns}
    for code, value in answers.items():
        question = instrument.question(code)
        if question.type in ("multiple", "top2"):
            row.update({f"{code}__{o}": str(int(o in value)) for o in question.option_codes})
        else:
            row[code] = str(value)
    header = columns + [c for c in row if c not in columns]
    good = {**row, "cbs_code": ENSCHEDE}
    too_many = {**row, "cbs_code": WEERT, "uren_op_papier": "2500"}
    negative = {**row, "cbs_code": GRONINGEN, "uren_in_praktijk": "-3"}
    decimals = {**row, "cbs_code": ALMERE, "uren_op_papier": "1,25"}
    errors = rejected(
        wave,
        text_of([header] + [[r[c] for c in header] for r in (good, too_many, negative, decimals)]),
    )
    assert where(errors) == [(3, "uren_op_papier"), (4, "uren_in_praktijk"), (5, "uren_op_papier")]
    assert "2000" in errors[0].message  # the upper bound
    assert "0" in errors[1].message


def test_unknown_column_is_named_once_for_the_header(wave):
    errors = rejected(
        wave,
        text_of(
            [
                ["cbs_code", *INACTIVE, "inwoners"],
                [ENSCHEDE, "nee", "1", "0", "160000"],
                [WEERT, "nee", "1", "0", "50000"],
            ]
        ),
    )
    assert where(errors) == [(1, "inwoners")]
    assert "inwoners" in errors[0].message


def test_duplicate_row_is_named_with_the_first(wave):
    errors = rejected(
        wave,
        text_of(
            [
                ["cbs_code", *INACTIVE],
                [ENSCHEDE, "nee", "1", "0"],
                [WEERT, "nee", "1", "0"],
                ["gm0153", "nee", "0", "1"],  # Enschede again, in lower case
            ]
        ),
    )
    assert where(errors) == [(4, "cbs_code")]
    assert ENSCHEDE in errors[0].message and "2" in errors[0].message


def test_every_problem_is_collected_in_row_order(wave):
    content = text_of(
        [
            ["cbs_code", *INACTIVE],
            ["GM9998", "nee", "1", "0"],
            [ENSCHEDE, "", "", ""],  # heeft_beleid is required
            [WEERT, "nee", "", ""],  # so is a reason when there is no policy
            [ENSCHEDE, "nee", "1", "ja"],  # twice, and 'ja' in a 0/1 column
        ]
    )
    errors = rejected(wave, content)
    assert where(errors) == [
        (2, "cbs_code"),
        (3, "heeft_beleid"),
        (4, "redenen_geen_beleid"),
        (5, "cbs_code"),
        (5, "redenen_geen_beleid__anders"),
    ]
    assert all(str(error.row) in str(error) and error.column in str(error) for error in errors)


def test_file_level_problems(wave):
    assert where(rejected(wave, "")) == [(0, "")]
    assert where(rejected(wave, b"\xff\xfe not utf-8")) == [(0, "")]
    assert where(rejected(wave, "heeft_beleid\nnee\n")) == [(1, "cbs_code")]
    assert (1, "heeft_beleid") in where(rejected(wave, "cbs_code,heeft_beleid,heeft_beleid\n"))
    extra = rejected(wave, text_of([["cbs_code", *INACTIVE], [ENSCHEDE, "nee", "1", "0", "x"]]))
    assert where(extra) == [(2, "")]


def test_online_submission_is_only_replaced_on_request(wave):
    invitation = wave.invitations.get(cbs_code=ENSCHEDE)
    invitation.answers = {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_taak"]}
    invitation.submitted_at = timezone.now()
    invitation.save()
    content = text_of([["cbs_code", *INACTIVE], [ENSCHEDE, "nee", "1", "0"]])
    with pytest.raises(ImportRejected) as caught:
        import_responses(wave, content)
    assert where(caught.value.errors) == [(2, "cbs_code")]
    invitation.refresh_from_db()
    assert invitation.answers["redenen_geen_beleid"] == ["geen_taak"] and not invitation.imported

    result = import_responses(wave, content, replace_submitted=True)
    assert (result.imported, result.replaced) == (1, 1)
    invitation.refresh_from_db()
    assert invitation.answers["redenen_geen_beleid"] == ["geen_prioriteit"] and invitation.imported
    # An imported response may be imported again without asking.
    assert import_responses(wave, content).replaced == 1


# --------------------------------------------------------------------------- export


TRICKY_TEXT = '=SUM(A1); "Zanzibar", 2e regel\nstedenband'  # a text, also in a spreadsheet


@pytest.fixture
def answered_wave(wave):
    """Four submitted responses covering every kind of answer (web-style, not imported)."""
    instrument = wave.instrument.engine()
    given = {
        ENSCHEDE: {
            "functie_invuller": "stafafdeling",
            "heeft_beleid": "ja",
            "activiteiten": ["stedenband", "anders", "draagvlak"],
            "raad_onderwerp_1": TRICKY_TEXT,
            "inzet_ontwikkeling": "afgenomen",
            "redenen_afname": ["opstelling_raad", "media"],
            "uren_op_papier": 12.5,
            "uren_in_praktijk": 0,
            "aantal_personen": 3,
            "uitgaven_bedrag": 1234.56,
            "regios_partners": ["west_europa", "het_zuiden"],
            "netwerken_deelname": "ja",
        },
        WEERT: {"heeft_beleid": "nee", "redenen_geen_beleid": ["anders"]},
        GRONINGEN: {"heeft_beleid": "ja", "regios_partners": ["geen"], "uren_op_papier": 139},
        ALMERE: {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_vraag", "geen_taak"]},
    }
    now = timezone.now()
    for code, answers in given.items():
        invitation = wave.invitations.get(cbs_code=code)
        # As the questionnaire stores them: normalised (choices in the instrument's order).
        values, errors = survey.normalise_answers(instrument, complete_answers(instrument, answers))
        assert errors == []
        invitation.answers = values
        invitation.submitted_at = now
        invitation.save()
    # Started but not submitted: never exported.
    wave.invitations.filter(cbs_code="GM0363").update(
        answers={"heeft_beleid": "ja"}, started_at=now
    )
    return wave


def answers_by_code(wave):
    return {i.cbs_code: i.answers for i in submitted(wave)}


def test_csv_round_trip_into_another_wave(answered_wave, instrument):
    exported = export_csv(answered_wave)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [row["cbs_code"] for row in rows] == sorted([ENSCHEDE, WEERT, GRONINGEN, ALMERE])
    header = exported.splitlines()[0].split(",")
    assert header[:2] == ["cbs_code", "name"]
    assert header[2:] == list(answered_wave.instrument.engine().csv_columns)
    enschede = next(row for row in rows if row["cbs_code"] == ENSCHEDE)
    assert enschede["raad_onderwerp_1"] == "'" + TRICKY_TEXT  # escaped (issue 10 D21)
    assert enschede["activiteiten__stedenband"] == "1"
    assert enschede["activiteiten__netwerken"] == "0"
    assert enschede["redenen_geen_beleid__anders"] == ""  # not asked: empty, not 0
    assert enschede["uren_op_papier"] == "12.5" and enschede["uitgaven_bedrag"] == "1234.56"

    other = make_wave(instrument, "gib-import-copy")
    result = import_responses(other, exported)
    assert result.imported == 4
    assert answers_by_code(other) == answers_by_code(answered_wave)
    assert all(i.imported for i in submitted(other))


def test_export_leaves_out_answers_that_are_no_longer_asked(answered_wave):
    invitation = answered_wave.invitations.get(cbs_code=WEERT)
    invitation.answers = {**invitation.answers, "activiteiten": ["stedenband"]}  # stale
    invitation.save()
    row = next(
        r for r in csv.DictReader(io.StringIO(export_csv(answered_wave))) if r["cbs_code"] == WEERT
    )
    assert row["activiteiten__stedenband"] == ""


def test_xlsx_has_the_csv_layout_and_values_not_formulas(answered_wave, instrument):
    workbook = load_workbook(io.BytesIO(export_xlsx(answered_wave)))
    sheet = workbook.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    from_csv = list(csv.reader(io.StringIO(export_csv(answered_wave))))
    assert [str(v) for v in values[0]] == from_csv[0]
    for xlsx_row, csv_row in zip(values[1:], from_csv[1:], strict=True):
        assert ["" if v is None else str(v) for v in xlsx_row] == csv_row
    enschede = dict(zip(values[0], next(r for r in values if r[0] == ENSCHEDE), strict=True))
    assert enschede["uren_op_papier"] == 12.5 and enschede["activiteiten__stedenband"] == 1
    # A text, not a formula, and escaped (issue 10 D21) so editing the cell keeps it text.
    assert enschede["raad_onderwerp_1"] == "'" + TRICKY_TEXT
    column = values[0].index("raad_onderwerp_1") + 1
    row = next(i for i, r in enumerate(values, start=1) if r[0] == ENSCHEDE)
    assert sheet.cell(row=row, column=column).data_type == "s"
    # The sheet, saved as CSV by a spreadsheet program, imports into another wave.
    other = make_wave(instrument, "gib-import-from-xlsx")
    import_responses(other, text_of([["" if v is None else str(v) for v in r] for r in values]))
    assert answers_by_code(other) == answers_by_code(answered_wave)


def test_export_of_a_wave_without_responses_is_only_a_header(wave):
    assert export_csv(wave).count("\n") == 1
    assert load_workbook(io.BytesIO(export_xlsx(wave))).worksheets[0].max_row == 1


# --------------------------------------------------------------------------- command


def test_command_import_prints_counts(wave, tmp_path):
    path = tmp_path / "antwoorden.csv"
    path.write_text(text_of([["cbs_code", *INACTIVE], [ENSCHEDE, "nee", "1", "0"]]), "utf-8")
    out = io.StringIO()
    call_command("monitor", "import", wave.slug, str(path), stdout=out)
    assert "1" in out.getvalue() and str(wave.invitations.count()) in out.getvalue()
    assert submitted(wave).count() == 1


def test_command_import_rejected_exits_1_and_names_rows(wave, tmp_path):
    path = tmp_path / "antwoorden.csv"
    path.write_text(
        text_of(
            [["cbs_code", *INACTIVE], [ENSCHEDE, "nee", "1", "0"], ["GM9999", "nee", "1", "0"]]
        ),
        "utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("monitor", "import", wave.slug, str(path), stderr=err)
    assert caught.value.returncode == 1
    lines = err.getvalue().strip().splitlines()
    assert len(lines) == 1 and "3" in lines[0] and "cbs_code" in lines[0] and "GM9999" in lines[0]
    assert not submitted(wave).exists()


def test_command_unknown_wave_and_missing_file(wave, tmp_path):
    with pytest.raises(CommandError, match="no-such-wave"):
        call_command("monitor", "report", "no-such-wave")
    with pytest.raises(CommandError, match="no-such-wave"):
        call_command("monitor", "import", "no-such-wave", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError):
        call_command("monitor", "import", wave.slug, str(tmp_path / "missing.csv"))


def test_command_report_json_and_text(answered_wave):
    out = io.StringIO()
    call_command("monitor", "report", answered_wave.slug, "--json", stdout=out)
    report = json.loads(out.getvalue())
    ids = [table["id"] for table in report["tables"]]
    assert len(ids) == len(set(ids)) > 50
    assert "gib.heeft_beleid" in ids
    heeft_beleid = report["tables"][ids.index("gib.heeft_beleid")]
    assert "vng2009.table_3_1" in heeft_beleid["reproduces"]
    assert heeft_beleid["base"]["total"] is None  # 4 respondents: below min_cell 5
    assert "total" in heeft_beleid["suppressed"]
    assert TRICKY_TEXT not in out.getvalue()  # texts are counted, never printed

    out = io.StringIO()
    call_command("monitor", "report", answered_wave.slug, stdout=out)
    text = out.getvalue()
    assert "[gib.heeft_beleid]" in text and "vng2009.table_3_1" in text
    assert TRICKY_TEXT not in text


def test_command_export_csv_and_xlsx(answered_wave, tmp_path):
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    call_command(
        "monitor", "export", answered_wave.slug, "--output", str(csv_path), stdout=io.StringIO()
    )
    assert csv_path.read_bytes().decode("utf-8") == export_csv(answered_wave)
    call_command(
        "monitor", "export", answered_wave.slug, "--format", "xlsx", "--output", str(xlsx_path),
        stdout=io.StringIO(),
    )  # fmt: skip
    assert load_workbook(xlsx_path).worksheets[0].max_row == 5
    assert Invitation.objects.filter(wave=answered_wave, imported=True).count() == 0
