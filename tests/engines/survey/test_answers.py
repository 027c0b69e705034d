"""Answers: normalisation, every error code, CSV rows, completeness."""

import pytest

from kennisschakel.engines.survey import (
    ERROR_CODES,
    AnswerError,
    load_instrument,
    missing_required,
    normalise,
    normalise_answers,
    parse_csv_row,
    progress,
)
from tests.engines.survey.builders import block, gib, instrument, q


@pytest.fixture(scope="module")
def inst():
    return load_instrument(gib())


def error(question, raw) -> AnswerError:
    with pytest.raises(AnswerError) as info:
        normalise(question, raw)
    return info.value


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("code", "raw", "value"),
    [
        ("heeft_beleid", "ja", "ja"),
        ("heeft_beleid", " nee ", "nee"),
        ("heeft_beleid", ["weet_niet"], "weet_niet"),  # a form may post a list
        ("budget", "hoog", "hoog"),
        ("thema", ["cultuur", "klimaat"], ["klimaat", "cultuur"]),  # instrument order
        ("thema", ["klimaat", "klimaat", ""], ["klimaat"]),  # duplicates merged
        ("thema", "economie", ["economie"]),
        ("thema", ["geen"], ["geen"]),  # exclusive alone is fine
        ("prioriteit", ["d", "a"], ["a", "d"]),
        ("tevreden", "4", 4),
        ("tevreden", 5, 5),
        ("tevreden", 4.0, 4),  # JSON may carry a whole number as float
        ("tevreden", " 1 ", 1),
        ("fte", "12", 12),
        ("fte", "12,5", 12.5),  # decimal comma
        ("fte", "12.5", 12.5),
        ("fte", "0", 0),
        ("fte", "1000", 1000),
        ("fte", 7.5, 7.5),
        ("fte", "+3", 3),
        ("toelichting", "  Goed zo  ", "Goed zo"),
        ("toelichting", "a\r\nb", "a\nb"),  # CRLF from a browser counts as one character
        ("toelichting", 42, "42"),
    ],
)
def test_normalise_values(inst, code, raw, value):
    result = normalise(inst.question(code), raw)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize("raw", [None, "", "   ", [], [""], ["  "]])
def test_empty_is_not_answered(inst, raw):
    for code in ("thema", "fte", "tevreden", "toelichting", "budget"):
        assert normalise(inst.question(code), raw) is None


def test_every_error_code_is_documented():
    documented = {
        "required", "not_an_option", "too_many_choices", "exclusive_combined", "not_a_number",
        "too_many_decimals", "below_minimum", "above_maximum", "too_long", "not_an_integer",
        "unknown_column",
    }  # fmt: skip
    assert documented == ERROR_CODES
    with pytest.raises(ValueError, match="unknown answer error code"):
        AnswerError("oops")


@pytest.mark.parametrize(
    ("code", "raw", "expected"),
    [
        ("heeft_beleid", "", AnswerError("required")),
        ("heeft_beleid", None, AnswerError("required")),
        ("heeft_beleid", "misschien", AnswerError("not_an_option", {"value": "misschien"})),
        ("heeft_beleid", "JA", AnswerError("not_an_option", {"value": "JA"})),  # codes are exact
        ("heeft_beleid", 1, AnswerError("not_an_option", {"value": "1"})),
        ("heeft_beleid", ["ja", "nee"], AnswerError("too_many_choices", {"max": 1, "count": 2})),
        ("budget", "enorm", AnswerError("not_an_option", {"value": "enorm"})),
        ("thema", ["klimaat", "sport"], AnswerError("not_an_option", {"value": "sport"})),
        ("thema", [3], AnswerError("not_an_option", {"value": "3"})),
        ("thema", ["geen", "klimaat"], AnswerError("exclusive_combined", {"option": "geen"})),
        ("prioriteit", ["a", "b", "c"], AnswerError("too_many_choices", {"max": 2, "count": 3})),
        ("tevreden", "goed", AnswerError("not_a_number", {"value": "goed"})),
        ("tevreden", True, AnswerError("not_a_number", {"value": "True"})),
        ("tevreden", "3,5", AnswerError("not_an_integer", {"value": "3,5"})),
        ("tevreden", "4.0", AnswerError("not_an_integer", {"value": "4.0"})),
        ("tevreden", 2.5, AnswerError("not_an_integer", {"value": "2.5"})),
        ("tevreden", "0", AnswerError("below_minimum", {"min": 1, "max": 5, "value": "0"})),
        ("tevreden", 6, AnswerError("above_maximum", {"min": 1, "max": 5, "value": "6"})),
        ("fte", "1200", AnswerError("above_maximum", {"min": 0, "max": 1000, "value": "1200"})),
        ("fte", "-1", AnswerError("below_minimum", {"min": 0, "max": 1000, "value": "-1"})),
        ("fte", "1000,1", AnswerError("above_maximum", {"min": 0, "max": 1000, "value": "1000,1"})),
        ("fte", "12,55", AnswerError("too_many_decimals", {"decimals": 1, "value": "12,55"})),
        ("fte", 0.25, AnswerError("too_many_decimals", {"decimals": 1, "value": "0.25"})),
        ("fte", "twaalf", AnswerError("not_a_number", {"value": "twaalf"})),
        ("fte", "1e3", AnswerError("not_a_number", {"value": "1e3"})),  # no exponents
        ("fte", "NaN", AnswerError("not_a_number", {"value": "NaN"})),
        ("fte", "1.200,5", AnswerError("not_a_number", {"value": "1.200,5"})),
        ("fte", "12,", AnswerError("not_a_number", {"value": "12,"})),
        ("fte", float("inf"), AnswerError("not_a_number", {"value": "inf"})),
        ("toelichting", "x" * 21, AnswerError("too_long", {"max_length": 20, "length": 21})),
    ],
)
def test_error_codes(inst, code, raw, expected):
    got = error(inst.question(code), raw)
    assert (got.code, got.params) == (expected.code, expected.params)
    assert got.code in ERROR_CODES


def test_decimals_as_written_guard_against_a_thousands_separator():
    # With decimals: 0, "1.000" is refused, not read as 1 (a Dutch "duizend").
    inst = load_instrument(instrument(block("b", q("n", "number", min=0))))
    got = error(inst.question("n"), "1.000")
    assert (got.code, got.params) == ("too_many_decimals", {"decimals": 0, "value": "1.000"})
    assert normalise(inst.question("n"), "1000") == 1000
    assert normalise(inst.question("n"), 3.0) == 3  # a JSON float that is whole


def test_text_length_counts_crlf_as_one():
    inst = load_instrument(gib())
    text = "a\r\n" * 10  # 30 characters as posted, 20 after normalising
    assert normalise(inst.question("toelichting"), text) == ("a\n" * 10).strip()


def test_shapes_no_form_produces_are_a_type_error(inst):
    with pytest.raises(TypeError):
        normalise(inst.question("fte"), {"value": 3})
    with pytest.raises(TypeError):
        normalise(inst.question("thema"), {"klimaat": True})


def test_answer_error_equality_and_text():
    assert AnswerError("too_long", {"max_length": 2, "length": 3}) == AnswerError(
        "too_long", {"max_length": 2, "length": 3}
    )
    assert AnswerError("required") != AnswerError("too_long")
    assert str(AnswerError("required")) == "required"
    assert isinstance(AnswerError("required"), ValueError)


# --------------------------------------------------------------------------- whole response


def test_normalise_answers_walks_the_routing(inst):
    answers, errors = normalise_answers(
        inst,
        {
            "heeft_beleid": "nee",
            "thema": ["sport"],  # not asked: dropped, its error too
            "fte": "2,5",
            "tevreden": "9",
            "v1": "3",  # block not shown: dropped
            "csrfmiddlewaretoken": "x",  # not a question: ignored
        },
    )
    assert answers == {"heeft_beleid": "nee", "fte": 2.5}
    assert errors == [
        ("tevreden", AnswerError("above_maximum", {"min": 1, "max": 5, "value": "9"}))
    ]


def test_required_is_reported_only_when_asked():
    inst = load_instrument(
        instrument(
            block(
                "b",
                q("a"),
                q("follow", "number", required=True, when={"question": "a", "equals": "ja"}),
            )
        )
    )
    assert normalise_answers(inst, {"a": "nee"}) == ({"a": "nee"}, [])
    assert normalise_answers(inst, {"a": "ja", "follow": ""}) == (
        {"a": "ja"},
        [("follow", AnswerError("required"))],
    )


def test_an_invalid_answer_counts_as_unanswered_for_later_routing(inst):
    answers, errors = normalise_answers(inst, {"heeft_beleid": "jawel", "thema": ["klimaat"]})
    assert answers == {}
    assert errors == [("heeft_beleid", AnswerError("not_an_option", {"value": "jawel"}))]


# --------------------------------------------------------------------------- CSV


def test_csv_row_with_option_columns_and_decimal_comma(inst):
    row = {
        "heeft_beleid": "ja",
        "thema__klimaat": "1",
        "thema__economie": "0",
        "thema__cultuur": "1",
        "thema__geen": "",  # empty next to filled cells: 0
        "prioriteit__a": "0",
        "prioriteit__b": "1",
        "prioriteit__c": "",
        "prioriteit__d": "",
        "fte": "3,5",
        "budget": "midden",
        "tevreden": "4",
        "toelichting": "",
        "v1": "2",
    }
    answers, errors = parse_csv_row(inst, row)
    assert errors == []
    assert answers == {
        "heeft_beleid": "ja",
        "thema": ["klimaat", "cultuur"],
        "prioriteit": ["b"],
        "fte": 3.5,
        "budget": "midden",
        "tevreden": 4,
        "v1": 2,
    }


def test_csv_all_zero_or_empty_option_columns_are_not_answered(inst):
    zero = {f"thema__{code}": "0" for code in ("klimaat", "economie", "cultuur", "geen")}
    answers, errors = parse_csv_row(inst, {"heeft_beleid": "ja", **zero})
    assert (answers, errors) == ({"heeft_beleid": "ja"}, [])
    empty = {column: "" for column in zero}
    assert parse_csv_row(inst, {"heeft_beleid": "ja", **empty}) == ({"heeft_beleid": "ja"}, [])


def test_csv_errors_name_the_column(inst):
    row = {
        "respondent": "GM0363",  # the caller's own column
        "heeft_beleid": "ja",
        "thema__klimaat": "ja",  # not 0/1
        "thema__economie": "1",
        "prioriteit__a": "1",
        "prioriteit__b": "1",
        "prioriteit__c": "1",
        "fte": "12,55",
        "budget": "enorm",
        "colour": "red",
        "prioriteit": "a",  # a multiple question has option columns only
        "thema__sport": "1",
    }
    answers, errors = parse_csv_row(inst, row, ignore=["respondent"])
    assert answers == {"heeft_beleid": "ja"}
    assert errors == [
        ("colour", AnswerError("unknown_column", {"column": "colour"})),
        ("prioriteit", AnswerError("unknown_column", {"column": "prioriteit"})),
        ("thema__sport", AnswerError("unknown_column", {"column": "thema__sport"})),
        (
            "thema__klimaat",
            AnswerError("not_an_option", {"value": "ja", "options": ["0", "1"]}),
        ),
        ("prioriteit", AnswerError("too_many_choices", {"max": 2, "count": 3})),
        ("fte", AnswerError("too_many_decimals", {"decimals": 1, "value": "12,55"})),
        ("budget", AnswerError("not_an_option", {"value": "enorm"})),
    ]


def test_csv_unknown_column_unless_ignored(inst):
    _, errors = parse_csv_row(inst, {"respondent": "GM0363", "heeft_beleid": "nee"})
    assert errors == [("respondent", AnswerError("unknown_column", {"column": "respondent"}))]
    assert (
        parse_csv_row(inst, {"respondent": "x", "heeft_beleid": "nee"}, ignore={"respondent"})[1]
        == []
    )


def test_csv_cells_beyond_the_header(inst):
    # csv.DictReader files surplus cells under the key None.
    _, errors = parse_csv_row(inst, {"heeft_beleid": "nee", None: ["x", "y"]})
    assert errors == [("", AnswerError("unknown_column", {"column": ""}))]


def test_csv_answers_to_unasked_questions_are_dropped_silently(inst):
    row = {
        "heeft_beleid": "nee",
        "thema__klimaat": "1",
        "thema__geen": "1",  # would be exclusive_combined, but thema is not asked
        "prioriteit__a": "maybe",  # invalid cell of an unasked question: no error either
        "v1": "9",  # block visie not shown
    }
    assert parse_csv_row(inst, row) == ({"heeft_beleid": "nee"}, [])


def test_csv_exclusive_and_required(inst):
    answers, errors = parse_csv_row(inst, {"heeft_beleid": "", "fte": "1"})  # required and empty
    assert answers == {"fte": 1}
    assert errors == [("heeft_beleid", AnswerError("required"))]
    _, errors = parse_csv_row(
        inst, {"heeft_beleid": "ja", "thema__geen": "1", "thema__cultuur": "1"}
    )
    assert errors == [("thema", AnswerError("exclusive_combined", {"option": "geen"}))]


def test_csv_missing_cells_are_empty(inst):
    # DictReader gives None for cells missing at the end of a short row.
    assert parse_csv_row(inst, {"heeft_beleid": "nee", "fte": None, "thema__geen": None}) == (
        {"heeft_beleid": "nee"},
        [],
    )


# --------------------------------------------------------------------------- completeness


def test_missing_required_only_counts_asked_questions():
    inst = load_instrument(
        instrument(
            block(
                "b",
                q("a", required=True),
                q("follow", "number", required=True, when={"question": "a", "equals": "ja"}),
                q("free", "text"),
            ),
            block("c", q("late", required=True), when={"question": "a", "equals": "nee"}),
        )
    )
    assert missing_required(inst, {}) == ["a"]
    assert missing_required(inst, {"a": "ja"}) == ["follow"]
    assert missing_required(inst, {"a": "ja", "follow": 0}) == []  # 0 is an answer
    assert missing_required(inst, {"a": "nee", "follow": 3}) == ["late"]


def test_progress_counts_asked_questions(inst):
    assert progress(inst, {}) == (0, 5)
    assert progress(inst, {"heeft_beleid": "nee", "fte": 0}) == (2, 5)
    # ja opens thema, prioriteit and the visie block (3 more): 10 asked.
    assert progress(inst, {"heeft_beleid": "ja", "thema": [], "v1": 3}) == (2, 10)
    # An answer to an unasked question does not count.
    assert progress(inst, {"heeft_beleid": "nee", "v1": 3}) == (1, 5)
