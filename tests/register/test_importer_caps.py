"""The register import checks the file's size first, then counts rows as a stream."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kennisschakel.register import importers
from kennisschakel.register.importers import ImportRejected, import_municipalities
from kennisschakel.register.models import Municipality

pytestmark = pytest.mark.django_db
HEADER = "code,naam,provincie,inwoners\n"
ROW = "GM0988,Weert,Limburg,50123\n"


def test_text_above_the_size_cap_is_refused_before_parsing(settings):
    settings.KENNISSCHAKEL_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportRejected) as rejected:
        import_municipalities(HEADER + ROW * 10, reference_date=datetime.date(2025, 1, 1))
    assert "de grens voor een import is 100\xa0bytes" in str(rejected.value)
    assert Municipality.objects.get(cbs_code="GM0988").inhabitants != 50123


def test_the_command_refuses_a_file_above_the_cap_without_reading_it(
    settings, tmp_path, monkeypatch
):
    settings.KENNISSCHAKEL_IMPORT_MAX_BYTES = 100
    path = tmp_path / "cbs.csv"
    path.write_text(HEADER + ROW * 10, encoding="utf-8")
    monkeypatch.setattr(Path, "read_text", lambda *a, **k: pytest.fail("the file was read"))
    with pytest.raises(CommandError, match="grens voor een import"):
        call_command("import_municipalities", str(path), "--date", "2025-01-01")


def test_rows_past_the_limit_are_counted_not_parsed(monkeypatch):
    monkeypatch.setattr(importers, "MAX_ROWS", 5)
    # Past the limit: a field larger than the csv module reads. Parsing on would fail there.
    text = HEADER + ROW * 6 + f"GM0153,{'x' * 200_000},Overijssel,1\n"
    with pytest.raises(ImportRejected) as rejected:
        import_municipalities(text, reference_date=datetime.date(2025, 1, 1))
    assert [str(e) for e in rejected.value.errors] == ["Maximaal 5 regels per bestand."]
    assert Municipality.objects.get(cbs_code="GM0988").inhabitants != 50123


def test_a_file_within_the_limits_still_imports(monkeypatch):
    monkeypatch.setattr(importers, "MAX_ROWS", 5)
    report = import_municipalities(HEADER + ROW, reference_date=datetime.date(2025, 1, 1))
    assert report.result is not None
    assert Municipality.objects.get(cbs_code="GM0988").inhabitants == 50123
