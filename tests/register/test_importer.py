"""The CBS-style CSV importer: updates the register, or rejects the whole file."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from kennisschakel.register.importers import ImportRejected, import_municipalities
from kennisschakel.register.models import Municipality, Organisation

pytestmark = pytest.mark.django_db
DATE = datetime.date(2025, 1, 1)


def snapshot():
    return list(
        Municipality.objects.order_by("cbs_code").values_list(
            "cbs_code", "name", "province__code", "inhabitants", "inhabitants_date"
        )
    )


def test_updates_inhabitants_and_names_from_a_semicolon_file(tmp_path):
    path = tmp_path / "cbs.csv"
    path.write_text(
        "Gemeentecode;Gemeentenaam;Provincienaam;Inwoners\n"
        "GM0153;Enschede;Overijssel;161.000\n"
        "0988;Weert;Limburg;50123\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_municipalities", str(path), "--date", "2025-01-01", stdout=out)
    enschede = Municipality.objects.get(cbs_code="GM0153")
    weert = Municipality.objects.get(cbs_code="GM0988")
    assert (enschede.inhabitants, enschede.inhabitants_date) == (161_000, DATE)
    assert weert.inhabitants == 50_123
    assert weert.inhabitants_source == "cbs.csv"
    assert "2 rows valid" in out.getvalue() or "2 rijen geldig" in out.getvalue()


def test_new_municipality_gets_an_organisation():
    import_municipalities(
        "code,naam,provincie\nGM1999,Nieuwgemeente,Friesland\n", reference_date=None
    )
    municipality = Municipality.objects.get(cbs_code="GM1999")
    assert municipality.province.name == "Fryslân"
    assert municipality.organisation.type == Organisation.Type.MUNICIPALITY


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # Each bad file starts with a valid Weert row: it must not be written either.
        (
            "code,naam,provincie\nGM0988,Weert,Limburg\nGM01X3,Enschede,Overijssel\n",
            "Regel 3, kolom 'code'",
        ),
        ("code,naam,provincie\nGM0988,Weert,Limburg\nGM0153,,Overijssel\n", "de naam is leeg"),
        (
            "code,naam,provincie\nGM0988,Weert,Limburg\nGM0153,Enschede,Twente\n",
            "'Twente' is geen Nederlandse provincie",
        ),
        (
            "code,naam,provincie,inwoners\nGM0988,Weert,Limburg,1\nGM0153,Enschede,Overijssel,veel\n",
            "'veel' is geen geheel aantal inwoners",
        ),
        (
            "code,naam,provincie\nGM0153,A,Overijssel\nGM0153,B,Overijssel\n",
            "code GM0153 komt ook voor op regel 2",
        ),
        ("gemeente;inwoners\nEnschede;1\n", "Verplichte kolom(men) ontbreken"),
        ("", "Het bestand is leeg"),
    ],
)
def test_bad_files_are_rejected_with_a_row_level_message_and_change_nothing(content, expected):
    before = snapshot()
    with translation.override("nl"), pytest.raises(ImportRejected) as rejected:
        import_municipalities(content.replace("Weert", "Weert-Nieuw"), reference_date=DATE)
    assert expected in "\n".join(str(e) for e in rejected.value.errors)
    assert snapshot() == before


def test_command_reports_errors_in_english_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "code,name,province,inhabitants\nGM0153,Enschede,Overijssel,12\nGM0988,Weert,Mars,5\n"
    )
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_municipalities", str(path), "--date", "2025-01-01", "--language", "en")
    message = str(error.value)
    assert "Import rejected; nothing was changed." in message
    assert "Line 3, column 'province': 'Mars' is not a Dutch province." in message
    assert snapshot() == before


def test_inhabitants_without_reference_date_are_refused():
    with translation.override("nl"), pytest.raises(ImportRejected) as rejected:
        import_municipalities(
            "code,name,province,inhabitants\nGM0153,Enschede,Overijssel,1\n", reference_date=None
        )
    assert "peildatum" in str(rejected.value)
