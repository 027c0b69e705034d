"""The one import/export framework (core/tabular): reading with limits first, one problem
type, formula-safe writers. The apps' imports test their own columns and wording."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management.base import OutputWrapper
from django.utils import translation
from openpyxl import Workbook, load_workbook

from kennisschakel.core import tabular
from kennisschakel.core.tabular import ImportRejected, RowError, read_table


def messages(call, *args, **kwargs) -> list[str]:
    with translation.override("en"), pytest.raises(ImportRejected) as rejected:
        call(*args, **kwargs)
    return [str(error) for error in rejected.value.errors]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_csv_rows_keep_their_spreadsheet_numbers_and_lose_the_export_quote():
    table = read_table("a.csv", '\ufeffcode;name\r\nGM0153;\'=x\r\n\r\nGM0988;"two\nlines"\r\n')
    assert table.header == ["code", "name"]
    assert table.rows == [(2, ["GM0153", "=x"]), (4, ["GM0988", "two\nlines"])]
    assert [row.number for row in table.records()] == [1, 2, 4]


def test_counted_delimiter_is_the_one_the_header_uses_most():
    assert read_table("a,b;c\n1,2;3\n", sniff=False, delimiters=",;").header == ["a", "b;c"]
    assert read_table("a;b;c,d\n", sniff=False, delimiters=",;").header == ["a", "b", "c,d"]


def test_a_workbook_is_read_by_its_content_and_a_false_one_refused():
    table = read_table("p.csv", xlsx([["titel", "van"], ["A", 2020], [None, None]]), workbooks=True)
    assert (table.header, table.rows) == (["titel", "van"], [(2, ["A", "2020"])])
    assert messages(read_table, "p.xlsx", b"a,b\n", workbooks=True) == [
        "'p.xlsx' is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV (UTF-8)."
    ]
    assert "not a CSV file" in messages(read_table, "p.csv", xlsx([["a"]]))[0]


def test_the_archive_check_refuses_before_anything_is_unpacked():
    def refuse(archive: zipfile.ZipFile, name: str) -> None:
        raise ValidationError(f"{name}: {len(archive.infolist())} entries")

    [message] = messages(read_table, "p.xlsx", xlsx([["a"]]), workbooks=True, check_archive=refuse)
    assert message.startswith("p.xlsx: ") and message.endswith(" entries")


def test_limits_come_first(tmp_path, monkeypatch):
    assert messages(read_table, "h\n" + "x\n" * 3, max_rows=2) == ["At most 2 rows per file."]
    assert read_table("h\n" + "x\n" * 2, max_rows=2).rows == [(2, ["x"]), (3, ["x"])]
    path = tmp_path / "big.csv"
    path.write_bytes(b"h\n" + b"x\n" * 10)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read although too large"))
    assert messages(read_table, path, max_bytes=10) == [
        "The file is 22\xa0bytes; the limit for an import is 10\xa0bytes."
    ]


def test_an_import_may_word_its_file_problems_itself():
    wording = tabular.Wording(
        too_many_rows=lambda rows: f"more than {rows}", nul=lambda: "no NUL, please"
    )
    assert messages(read_table, "h\nx\nx\n", max_rows=1, wording=wording) == ["more than 1"]
    assert messages(read_table, "h\x00\n", wording=wording) == ["no NUL, please"]
    assert messages(read_table, b"\xff\xfe") == [
        "The file is not UTF-8 text: 'utf-8' codec can't decode byte 0xff in position 0: "
        "invalid start byte"
    ]


def test_row_errors_read_the_same_on_pages_and_in_commands():
    with translation.override("nl"):
        assert str(RowError(0, "x", "Het bestand is leeg.")) == "Het bestand is leeg."
        assert str(RowError(3, "titel", "leeg")) == "Regel 3, kolom 'titel': leeg"
        error = tabular.command_error(ImportRejected([RowError(3, "titel", "leeg")]))
        assert (
            str(error) == "Import geweigerd; er is niets gewijzigd.\nRegel 3, kolom 'titel': leeg"
        )
        stderr = OutputWrapper(io.StringIO())  # as a command's self.stderr
        error = tabular.command_error(ImportRejected("kapot"), stderr=stderr)
        assert (stderr._out.getvalue(), str(error)) == (
            "kapot\n",
            "Import geweigerd; er is niets gewijzigd. 1 problemen.",
        )
    assert error.returncode == 1


def test_writers_keep_numbers_and_make_every_text_safe():
    rows = [["naam", "bedrag"], ["=HYPERLINK(1)", -3], ["-2+3", 2.0], ["", None]]
    assert tabular.write_csv(rows) == "naam,bedrag\r\n'=HYPERLINK(1),-3\r\n'-2+3,2\r\n,\r\n"
    sheet = load_workbook(io.BytesIO(tabular.write_xlsx(rows, title="t", freeze_panes="A2"))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["naam", "bedrag"],
        ["'=HYPERLINK(1)", -3],
        ["'-2+3", 2],
    ]
    assert sheet.title == "t" and sheet.freeze_panes == "A2"
    assert read_table(tabular.write_csv(rows)).rows == [
        (2, ["=HYPERLINK(1)", "-3"]),
        (3, ["-2+3", "2"]),
    ]
