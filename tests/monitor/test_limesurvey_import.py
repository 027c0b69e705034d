"""Import from LimeSurvey (monitor/limesurvey.py): a response export (question codes,
answer codes, the token column) through a mapping file, all rows or none, every problem
named by row and LimeSurvey column; the wave's import page takes it as a second format.

The export below is written the way LimeSurvey writes one (its own columns first,
``Y`` for a ticked sub-question, numbers with ten decimals), built here by hand.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from kennisschakel.monitor import services
from kennisschakel.monitor.imports import ImportRejected
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.limesurvey import import_limesurvey, read_mapping
from kennisschakel.monitor.models import Instrument
from kennisschakel.register.models import SizeScheme

pytestmark = pytest.mark.django_db

REFERENCE = datetime.date(2025, 1, 1)
ENSCHEDE, WEERT = "GM0153", "GM0988"

MAPPING_YAML = """
tokens:
  tok4enschede: GM0153
  tok4weert: GM0988
questions:
  Q00: functie_invuller
  Q01:
    question: heeft_beleid
    options: {A1: ja, A2: nee}
  Q02:
    question: redenen_geen_beleid
    options: {SQ001: geen_prioriteit, SQ002: geen_taak, SQ005: anders}
  Q03: redenen_geen_beleid_anders
ignore: [interviewtime]
"""

HEADER = ["id", "submitdate", "lastpage", "startlanguage", "seed", "token", "startdate",
          "datestamp", "Q00", "Q01", "Q02[SQ001]", "Q02[SQ002]", "Q02[SQ005]", "Q03",
          "interviewtime"]  # fmt: skip


def row(token, q01="A2", ticks=("Y", "", ""), q03="", submitdate="2025-01-20 10:00:00"):
    return ["1", submitdate, "3", "nl", "123", token, "2025-01-20 09:50:00",
            "2025-01-20 10:00:00", "", q01, *ticks, q03, "612.5"]  # fmt: skip


def export(*rows, header=HEADER):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, *rows])
    return out.getvalue()


@pytest.fixture
def wave(db):
    load_instruments()
    return services.create_wave(
        {
            "slug": "gib-lime",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": "Monitor (LimeSurvey)",
            "period": "2025",
            "reference_date": REFERENCE,
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": REFERENCE,
            "closes_on": REFERENCE + datetime.timedelta(days=60),
        }
    )


def submitted(wave):
    return wave.invitations.filter(submitted_at__isnull=False)


def rejected(wave, text, mapping=MAPPING_YAML):
    with pytest.raises(ImportRejected) as caught:
        import_limesurvey(wave, text, mapping)
    assert not submitted(wave).exists()  # nothing written
    return caught.value.errors


def test_valid_export_imports_every_row(wave):
    text = export(
        row("tok4enschede", ticks=("Y", "Y", "")),
        row("tok4weert", ticks=("", "", "Y"), q03="Geen capaciteit"),
    )
    result = import_limesurvey(wave, text, MAPPING_YAML)
    assert result.imported == 2
    enschede = wave.invitations.get(cbs_code=ENSCHEDE)
    assert enschede.imported and enschede.submitted_at
    assert enschede.answers == {
        "heeft_beleid": "nee",
        "redenen_geen_beleid": ["geen_prioriteit", "geen_taak"],
    }
    weert = wave.invitations.get(cbs_code=WEERT)
    assert weert.answers["redenen_geen_beleid"] == ["anders"]
    assert weert.answers["redenen_geen_beleid_anders"] == "Geen capaciteit"


def test_csv_mapping_file_and_a_token_that_is_a_cbs_code(wave):
    mapping = (
        "kind,limesurvey,code,instrument\n"
        "question,Q00,,functie_invuller\n"
        "question,Q01,,heeft_beleid\n"
        "option,Q01,A1,ja\n"
        "option,Q01,A2,nee\n"
        "question,Q02,,redenen_geen_beleid\n"
        "option,Q02,SQ001,geen_prioriteit\n"
        "option,Q02,SQ002,geen_taak\n"
        "option,Q02,SQ005,anders\n"
        "question,Q03,,redenen_geen_beleid_anders\n"
        "ignore,interviewtime,,\n"
    )
    assert read_mapping(mapping).questions["Q01"] == "heeft_beleid"
    result = import_limesurvey(wave, export(row("gm0153")), mapping, mapping_name="koppeling.csv")
    assert result.imported == 1
    assert submitted(wave).get().cbs_code == ENSCHEDE


def test_participant_attribute_with_the_cbs_code(wave):
    header = [*HEADER, "attribute_1"]
    mapping = MAPPING_YAML + "cbs_code_column: attribute_1\n"
    text = export([*row("random-token"), "GM0988"], header=header)
    assert import_limesurvey(wave, text, mapping).imported == 1
    assert submitted(wave).get().cbs_code == WEERT


def test_unknown_token_names_row_and_column(wave):
    errors = rejected(wave, export(row("tok4enschede"), row("onbekend123")))
    assert [(e.row, e.column) for e in errors] == [(3, "token")]
    assert "onbekend123" in errors[0].message


def test_unmapped_column_names_the_column(wave):
    header = [*HEADER, "Q99"]
    errors = rejected(wave, export([*row("tok4enschede"), "x"], header=header))
    assert [(e.row, e.column) for e in errors] == [(1, "Q99")]


def test_unmapped_subquestion_is_named(wave):
    header = [*HEADER, "Q02[SQ009]"]
    errors = rejected(wave, export([*row("tok4enschede"), "Y"], header=header))
    assert [(e.row, e.column) for e in errors] == [(1, "Q02[SQ009]")]


def test_bad_values_name_row_and_limesurvey_column(wave):
    errors = rejected(
        wave,
        export(
            row("tok4enschede"),
            row("tok4weert", q01="A7"),  # an answer code the mapping does not know
        ),
    )
    assert [(e.row, e.column) for e in errors] == [(3, "Q01")]
    assert "A7" in errors[0].message
    errors = rejected(wave, export(row("tok4enschede", ticks=("X", "", ""))))
    assert [(e.row, e.column) for e in errors] == [(2, "Q02[SQ001]")]
    # A required answer missing (no reason ticked) is named by the LimeSurvey column.
    errors = rejected(wave, export(row("tok4enschede", ticks=("", "", ""))))
    assert [(e.row, e.column) for e in errors] == [(2, "Q02[SQ001]")]


def test_incomplete_response_and_duplicate_token(wave):
    errors = rejected(wave, export(row("tok4enschede", submitdate="")))
    assert [(e.row, e.column) for e in errors] == [(2, "submitdate")]
    errors = rejected(wave, export(row("tok4enschede"), row("GM0153")))
    assert [(e.row, e.column) for e in errors] == [(3, "token")]


def test_mapping_to_an_unknown_question_or_option(wave):
    errors = rejected(wave, export(row("tok4enschede")), "questions: {Q01: bestaat_niet}\n")
    assert errors[0].column == "Q01" and "bestaat_niet" in errors[0].message
    mapping = "questions: {Q01: {question: heeft_beleid, options: {A1: misschien}}}\n"
    errors = rejected(wave, export(row("tok4enschede")), mapping)
    assert "misschien" in errors[0].message


def test_numbers_lose_limesurveys_trailing_zeros():
    from kennisschakel.monitor.limesurvey import _number

    assert _number("1000.0000000000") == "1000"
    assert _number("12.5000000000") == "12.5"
    assert _number("7") == "7"


@pytest.mark.parametrize(
    ("upload", "mapping"),
    [
        (b"\xff\xfe\x00garbage", MAPPING_YAML.encode()),  # not UTF-8
        (b"PK\x03\x04zip", MAPPING_YAML.encode()),  # a spreadsheet
        (export(row("tok4enschede")).encode(), b"questions: [unclosed"),  # bad YAML
        (export(row("tok4enschede")).encode(), b"\xff\xfe"),  # mapping not UTF-8
        (export(row("tok4enschede")).encode(), b"- just\n- a list\n"),
        (export(row("tok4enschede")).encode(), b"questions: {Q01: {question: [1, 2]}}"),
        (b'"unclosed,quote\n', MAPPING_YAML.encode()),
        (b"", MAPPING_YAML.encode()),
    ],
)
def test_malformed_uploads_are_400_and_write_nothing(client, facilitator, wave, upload, mapping):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(facilitator)
    response = client.post(
        reverse("monitor:wave-import", args=[wave.slug]),
        {
            "format": "limesurvey",
            "file": SimpleUploadedFile("export.csv", upload, "text/csv"),
            "mapping": SimpleUploadedFile("koppeling.yaml", mapping, "application/yaml"),
        },
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not submitted(wave).exists()


def test_import_page_takes_the_limesurvey_format(client, facilitator, wave):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(facilitator)
    url = reverse("monitor:wave-import", args=[wave.slug])
    page = client.get(url).content.decode()
    assert 'value="limesurvey"' in page and 'name="mapping"' in page
    missing = client.post(
        url,
        {"format": "limesurvey", "file": SimpleUploadedFile("e.csv", b"id\n", "text/csv")},
    )
    assert missing.status_code == 400
    response = client.post(
        url,
        {
            "format": "limesurvey",
            "file": SimpleUploadedFile("e.csv", export(row("tok4weert")).encode(), "text/csv"),
            "mapping": SimpleUploadedFile("k.yaml", MAPPING_YAML.encode(), "application/yaml"),
        },
    )
    assert response.status_code == 302
    assert submitted(wave).get().cbs_code == WEERT
    # The Dutch message names row and column.
    bad = client.post(
        url,
        {
            "format": "limesurvey",
            "file": SimpleUploadedFile(
                "e.csv", export(row("tok4weert", q01="A9")).encode(), "text/csv"
            ),
            "mapping": SimpleUploadedFile("k.yaml", MAPPING_YAML.encode(), "application/yaml"),
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "rij 2" in text and "kolom Q01" in text
    assert "Antwoordcode &#x27;A9&#x27; is geen antwoordmogelijkheid" in text
