"""Tabulation against hand-computed numbers, rounding, suppression, wave comparison.

The expected figures are worked out by hand in the comments, not by the code under test.
"""

import json
import random

import pytest

from kennisschakel.engines.survey import (
    ROUNDING_RULES,
    TOTAL,
    Group,
    Respondent,
    analyse,
    compare_waves,
    detect_rounding,
    load_instrument,
    mean_reproduced,
    percent_reproduced,
    response_table,
    round_as,
    round_half_up,
)
from tests.engines.survey.builders import block, gib, instrument, opts, q

GROUPS = [Group("klein", "Klein", "Small"), Group("groot", "Groot", "Large")]
POPULATION = {"klein": 10, "groot": 6}


@pytest.fixture(scope="module")
def inst():
    return load_instrument(gib())


def wave():
    """Nine respondents: five small, three large, one without a size class (r9)."""
    return [
        Respondent("r1", "klein", {
            "heeft_beleid": "ja", "thema": ["klimaat", "economie"], "prioriteit": ["a", "b"],
            "fte": 2, "budget": "laag", "tevreden": 4, "toelichting": "geheim1", "v1": 4, "v2": 2,
        }),
        Respondent("r2", "klein", {
            "heeft_beleid": "ja", "thema": ["klimaat"], "prioriteit": ["a"], "fte": 3.5,
            "budget": "laag", "tevreden": 5, "v1": 5,
        }),
        # nee: thema and the visie block are not asked, so their answers are dropped.
        Respondent("r3", "klein", {
            "heeft_beleid": "nee", "thema": ["cultuur"], "fte": 0, "budget": "midden",
            "tevreden": 2, "v1": 1,
        }),
        Respondent("r4", "klein", {"budget": "hoog", "tevreden": 3}),
        Respondent("r5", "klein", {"heeft_beleid": "weet_niet", "tevreden": 1}),
        Respondent("r6", "groot", {
            "heeft_beleid": "ja", "thema": ["geen"], "prioriteit": ["c"], "fte": 10,
            "budget": "hoog", "tevreden": 4, "toelichting": "tekst", "v1": 1, "v2": 2, "v3": 3,
        }),
        Respondent("r7", "groot", {
            "heeft_beleid": "nee", "fte": 20, "budget": "hoog", "tevreden": 5,
        }),
        Respondent("r8", "groot", {
            "heeft_beleid": "nee", "thema": [], "fte": 30, "tevreden": 3, "toelichting": "x",
        }),
        Respondent("r9", None, {
            "heeft_beleid": "ja", "thema": ["klimaat"], "fte": 5, "budget": "midden",
            "v2": 4, "v3": 4,
        }),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def tables(inst):
    # min_cell=0: these tests check the arithmetic; suppression has its own tests.
    return {table.id: table for table in analyse(inst, wave(), GROUPS, POPULATION, min_cell=0)}


def values(table, row):
    return table.row(row).values


def test_tables_come_in_order_with_stable_ids(inst):
    result = analyse(inst, wave(), GROUPS, POPULATION, min_cell=0)
    assert [table.id for table in result] == [
        "gib.response",
        "gib.heeft_beleid", "gib.thema", "gib.prioriteit", "gib.fte", "gib.budget",
        "gib.tevreden", "gib.toelichting", "gib.v1", "gib.v2", "gib.v3",
        "gib.visie_score",
    ]  # fmt: skip
    assert [table.kind for table in result] == [
        "response", "single_by_class", "multiple_by_class", "multiple_by_class",
        "number_by_class", "band_by_class", "scale_by_class", "text_count",
        "scale_by_class", "scale_by_class", "scale_by_class", "construct_by_class",
    ]  # fmt: skip
    assert all(table.columns == ["klein", "groot", "total"] for table in result)
    assert result[1].reproduces == ["vng2009.table_3_1"]
    assert result[-1].reproduces == ["rathenau2021.table_1"]
    assert result[1].title_en == "Question heeft_beleid"
    assert result[-1].title_nl == "Visie"
    assert all(table.suppressed == set() for table in result)


def test_response_table(tables):
    table = tables["gib.response"]
    # n: klein 5, groot 3, total 9 (r9 has no class but responded).
    assert values(table, "respondents") == {"klein": 5, "groot": 3, "total": 9}
    assert values(table, "population") == {"klein": 10, "groot": 6, "total": 16}
    # 5/10, 3/6, 9/16 = 56.25 %.
    assert values(table, "response") == {"klein": 50.0, "groot": 50.0, "total": 56.25}
    assert table.base == {"klein": 5, "groot": 3, "total": 9}
    assert table.unit == "percent"
    assert table.row("respondents").unit == "count"


def test_response_table_population_total_and_gaps():
    respondents = [Respondent("a", "klein", {}), Respondent("b", None, {})]
    table = response_table(respondents, GROUPS, {"klein": 4}, slug="x")
    assert table.id == "x.response"
    # groot has no population: its response and the summed total are unknown.
    assert values(table, "population") == {"klein": 4, "groot": None, "total": None}
    assert values(table, "response") == {"klein": 25.0, "groot": None, "total": None}
    table = response_table(respondents, GROUPS, {"klein": 4, "total": 8})
    assert values(table, "response")["total"] == 25.0  # 2 of 8
    with pytest.raises(ValueError, match="unknown groups"):
        response_table(respondents, GROUPS, {"middel": 3})


def test_single_choice_row_percentages(tables):
    table = tables["gib.heeft_beleid"]
    # klein: ja r1 r2, nee r3, weet_niet r5; r4 did not answer -> base 4.
    # groot: ja r6, nee r7 r8 -> base 3. total adds r9 (ja) -> base 8: ja 4, nee 3, wn 1.
    assert table.base == {"klein": 4, "groot": 3, "total": 8}
    assert values(table, "ja") == pytest.approx({"klein": 50, "groot": 100 / 3, "total": 50})
    assert values(table, "nee") == pytest.approx({"klein": 25, "groot": 200 / 3, "total": 37.5})
    assert values(table, "weet_niet") == {"klein": 25.0, "groot": 0.0, "total": 12.5}
    assert [row.code for row in table.rows] == ["ja", "nee", "weet_niet"]
    assert table.row("ja").label_en == "JA"
    assert (table.unit, table.decimals) == ("percent", 0)


def test_band_row_percentages(tables):
    table = tables["gib.budget"]
    # klein: laag r1 r2, midden r3, hoog r4 -> 4; groot: hoog r6 r7 -> 2;
    # total adds r9 midden -> 7: laag 2, midden 2, hoog 3.
    assert table.base == {"klein": 4, "groot": 2, "total": 7}
    assert values(table, "laag") == pytest.approx({"klein": 50, "groot": 0, "total": 200 / 7})
    assert values(table, "midden") == pytest.approx({"klein": 25, "groot": 0, "total": 200 / 7})
    assert values(table, "hoog") == pytest.approx({"klein": 25, "groot": 100, "total": 300 / 7})


def test_multiple_base_is_respondents_who_were_asked_and_chose(tables):
    table = tables["gib.thema"]
    # Asked only when ja: r1, r2 (klein), r6 (groot), r9. r3's answer (nee) is dropped,
    # r8's empty list is not an answer (and r8 was not asked anyway).
    assert table.base == {"klein": 2, "groot": 1, "total": 4}
    assert values(table, "klimaat") == {"klein": 100.0, "groot": 0.0, "total": 75.0}
    assert values(table, "economie") == {"klein": 50.0, "groot": 0.0, "total": 25.0}
    assert values(table, "cultuur") == {"klein": 0.0, "groot": 0.0, "total": 0.0}
    assert values(table, "geen") == {"klein": 0.0, "groot": 100.0, "total": 25.0}
    # Percentages of respondents need not add up to 100: 75 + 25 + 0 + 25 = 125.
    assert sum(row.values["total"] for row in table.rows) == 125.0


def test_top2_is_tabulated_like_multiple(tables):
    table = tables["gib.prioriteit"]
    # r1 [a, b], r2 [a], r6 [c]: klein base 2, groot 1, total 3.
    assert table.kind == "multiple_by_class"
    assert table.base == {"klein": 2, "groot": 1, "total": 3}
    assert values(table, "a") == pytest.approx({"klein": 100, "groot": 0, "total": 200 / 3})
    assert values(table, "b") == pytest.approx({"klein": 50, "groot": 0, "total": 100 / 3})
    assert values(table, "c") == pytest.approx({"klein": 0, "groot": 100, "total": 100 / 3})


def test_number_mean_min_max(tables):
    table = tables["gib.fte"]
    # klein 2, 3.5, 0 -> n 3, mean 5.5 / 3; groot 10, 20, 30 -> mean 20;
    # total adds r9's 5 -> n 7, sum 70.5.
    assert table.base == {"klein": 3, "groot": 3, "total": 7}
    assert values(table, "mean") == pytest.approx(
        {"klein": 5.5 / 3, "groot": 20, "total": 70.5 / 7}
    )
    assert values(table, "min") == {"klein": 0, "groot": 10, "total": 0}
    assert values(table, "max") == {"klein": 3.5, "groot": 30, "total": 30}
    assert (table.unit, table.decimals) == ("mean", 1)
    assert table.row("max").decimals == 1  # as many as the question allows


def test_scale_mean_min_max(tables):
    table = tables["gib.tevreden"]
    # klein 4, 5, 2, 3, 1 -> mean 3; groot 4, 5, 3 -> mean 4; total 27 / 8 = 3.375.
    assert table.base == {"klein": 5, "groot": 3, "total": 8}
    assert values(table, "mean") == {"klein": 3.0, "groot": 4.0, "total": 3.375}
    assert values(table, "min") == {"klein": 1, "groot": 3, "total": 1}
    assert values(table, "max") == {"klein": 5, "groot": 5, "total": 5}
    assert table.row("min").decimals == 0


def test_scale_items_of_a_skipped_block(tables):
    table = tables["gib.v1"]
    # v1: r1 4, r2 5 (klein), r6 1 (groot); r3's 1 is dropped (block not shown).
    assert table.base == {"klein": 2, "groot": 1, "total": 3}
    assert values(table, "mean") == {"klein": 4.5, "groot": 1.0, "total": 10 / 3}


def test_text_is_only_counted(tables):
    table = tables["gib.toelichting"]
    # klein: r1; groot: r6, r8.
    assert [row.code for row in table.rows] == ["answers"]
    assert values(table, "answers") == {"klein": 1, "groot": 2, "total": 3}
    dumped = json.dumps(table.to_dict())
    assert "geheim1" not in dumped and "tekst" not in dumped


def test_construct_needs_min_items(tables):
    table = tables["gib.visie_score"]
    # r1: v1 4, v2 2 -> 3. r2: only v1 -> fewer than 2 items, left out.
    # r6: 1, 2, 3 -> 2. r9 (no class): v2 4, v3 4 -> 4. r3: block not asked.
    assert table.base == {"klein": 1, "groot": 1, "total": 3}
    assert values(table, "mean") == {"klein": 3.0, "groot": 2.0, "total": 3.0}


def test_unknown_values_are_ignored_as_unanswered(inst):
    respondents = [
        Respondent("a", "klein", {"heeft_beleid": "misschien", "tevreden": "vier"}),
        Respondent("b", "klein", {"heeft_beleid": "ja", "thema": ["sport"], "tevreden": True}),
        Respondent("c", "klein", {"heeft_beleid": "ja", "thema": "klimaat"}),
    ]
    by_id = {t.id: t for t in analyse(inst, respondents, GROUPS, POPULATION, min_cell=0)}
    assert by_id["gib.heeft_beleid"].base["total"] == 2
    assert by_id["gib.thema"].base["total"] == 0
    assert by_id["gib.tevreden"].base["total"] == 0
    assert values(by_id["gib.thema"], "klimaat")["total"] is None  # nothing to divide by


def test_bad_input_is_refused(inst):
    with pytest.raises(ValueError, match="not among the groups"):
        analyse(inst, [Respondent("a", "middel", {})], GROUPS, POPULATION)
    with pytest.raises(ValueError, match="occurs twice"):
        analyse(inst, [Respondent("a", "klein", {}), Respondent("a", "groot", {})], GROUPS, {})
    with pytest.raises(ValueError, match="min_cell"):
        analyse(inst, [], GROUPS, POPULATION, min_cell=-1)
    with pytest.raises(ValueError, match="'total'"):
        analyse(inst, [], [Group("total", "T", "T")], {})


# --------------------------------------------------------------------------- rounding


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (12.5, 0, 13.0),  # round() gives 12
        (13.5, 0, 14.0),
        (2.5, 0, 3.0),  # round() gives 2
        (0.125, 2, 0.13),  # round() gives 0.12
        (1.005, 2, 1.01),  # binary 1.00499..., printed 1.005
        (3.375, 1, 3.4),
        (33.33333, 0, 33.0),
        (66.66667, 0, 67.0),
        (-2.5, 0, -3.0),  # halves away from zero
        (7, 1, 7.0),
        (None, 0, None),
    ],
)
def test_round_half_up(value, decimals, expected):
    assert round_half_up(value, decimals) == expected


def test_round_half_up_differs_from_round():
    assert round(12.5) == 12 and round_half_up(12.5) == 13
    with pytest.raises(ValueError):
        round_half_up(1.0, -1)


def test_to_dict_rounds_as_printed(tables):
    single = tables["gib.heeft_beleid"].to_dict(rounded=True)
    total = {row["code"]: row["values"]["total"] for row in single["rows"]}
    assert total == {"ja": 50.0, "nee": 38.0, "weet_niet": 13.0}  # 37.5 and 12.5 up
    assert single["rows"][2]["values"]["groot"] == 0.0
    raw = tables["gib.heeft_beleid"].to_dict()
    assert raw["rows"][1]["values"]["total"] == 37.5
    assert raw["rows"][0]["values"]["groot"] == pytest.approx(100 / 3)
    fte = tables["gib.fte"].to_dict(rounded=True)
    # mean 70.5 / 7 = 10.0714... -> 10.1; max 3.5 keeps its decimal (decimals 1).
    assert fte["rows"][0]["values"]["total"] == 10.1
    assert fte["rows"][2]["values"]["klein"] == 3.5
    assert fte["rows"][2]["decimals"] == 1
    # Everything is plain JSON.
    assert json.loads(json.dumps(raw)) == raw


def test_decimals_can_be_overridden(inst):
    result = analyse(inst, wave(), GROUPS, POPULATION, min_cell=0, decimals={"percent": 1})
    by_id = {t.id: t for t in result}
    assert by_id["gib.heeft_beleid"].decimals == 1
    assert by_id["gib.response"].decimals == 1
    assert by_id["gib.response"].to_dict()["rows"][0]["decimals"] == 0  # counts stay whole
    assert by_id["gib.tevreden"].decimals == 1  # mean default


# --------------------------------------------------------------------------- printed rounding


@pytest.mark.parametrize(
    "value, decimals, rule, expected",
    [
        (100 * 2 / 7, 0, "truncate", 28.0),  # 004 Table 5.3, 0-10 000: 2/7 printed 28
        (100 * 2 / 7, 0, "half_up", 29.0),
        (31000 / 7, 2, "half_up", 4428.57),  # 004 Table 5.2: € 4.428,57
        (31000 / 7, 2, "truncate", 4428.57),
        (100 * 29 / 100, 0, "truncate", 29.0),  # 29.000000000000004 is printed 29
        (100 * 7 / 100, 0, "truncate", 7.0),  # 7.000000000000001
        (12.5, 0, "truncate", 12.0),
        (None, 0, "truncate", None),
    ],
)
def test_round_as(value, decimals, rule, expected):
    assert round_as(value, decimals, rule) == expected


def test_round_as_refuses_unknown_rules():
    with pytest.raises(ValueError):
        round_as(1.5, 0, "half_even")
    with pytest.raises(ValueError):
        round_as(1.5, -1, "truncate")


def _percent_detection(printed, **options):
    return detect_rounding({"column": lambda rule: percent_reproduced(printed, rule, **options)})


@pytest.mark.parametrize(
    "printed, options, outcome",
    [
        ([28, 57, 14], {"n": 7, "whole": True}, "truncate"),  # 2/7, 4/7, 1/7 cut off
        ([29, 57, 14], {"n": 7, "whole": True}, "half_up"),
        ([28, 57, 14], {"max_n": 18, "whole": True}, "truncate"),  # base not printed
        ([33, 67], {"n": 3, "whole": True}, "half_up"),  # 2/3 = 66.7
        ([33, 66], {"n": 3, "whole": True}, "truncate"),
        ([50, 50], {"n": 2, "whole": True}, "ambiguous"),  # exact: no rule stands out
        ([25, 75], {"max_n": 100, "whole": True}, "ambiguous"),
        ([7], {"counts": [2], "n": 31}, "none"),  # 6.45: neither prints 7 (004 Table 6.8)
        ([61, 65], {"counts": [19, 20]}, "half_up"),  # 20/31 = 64.5; base found
        ([27.1, 39.3], {"counts": [29, 42], "n": 107}, "half_up"),  # 003, one decimal
        ([27.1, 39.2], {"counts": [29, 42], "n": 107}, "truncate"),
        ([None, 40], {"n": 5, "whole": True}, "ambiguous"),  # an empty cell allows any count
    ],
)
def test_detect_percentage_rounding(printed, options, outcome):
    decimals = 1 if any(isinstance(v, float) for v in printed) else 0
    detection = _percent_detection(printed, decimals=decimals, **options)
    assert detection.outcome == outcome
    if outcome in ROUNDING_RULES:
        assert detection.rules == (outcome,)
    if outcome == "none":
        assert detection.rules == () and all(detection.failures.values())


def test_detect_mean_rounding():
    # Means of whole numbers over 3 answers: 11 / 3 = 3.666..., printed 3.67 or 3.66.
    def detect(printed, **options):
        return detect_rounding(
            {"mean": lambda rule: mean_reproduced(printed, rule, 2, **options)}
        ).outcome

    assert detect(3.67, n=3, step=1) == "half_up"
    assert detect(3.66, n=3, step=1) == "truncate"
    assert detect(3.33, n=3, step=1) == "ambiguous"  # 10 / 3 prints 3.33 either way
    assert detect(3.01, n=3, step=1) == "none"  # no sum of whole numbers gives it
    assert detect(3.66, step=1) == "ambiguous"  # base unknown: 11/3 or 22/6 ... 183/50
    assert detect(3.67, n=3) == "ambiguous"  # answers of any precision tell nothing
    assert detect_rounding({}).outcome == "not_rounded"


def test_table_rounds_by_its_rule_per_column(tables):
    table = tables["gib.heeft_beleid"]
    row = table.row("ja")
    try:
        table.rounding, table.column_rounding = "half_up", {"groot": "truncate"}
        assert table.shown(row, "groot") == 33.0  # 100 / 3
        shown = table.to_dict(rounded=True)
        assert shown["column_rounding"] == {"groot": "truncate"}
        table.rounding, table.column_rounding = "truncate", {}
        assert table.to_dict(rounded=True)["rows"][1]["values"]["total"] == 37.0  # 37.5 cut
    finally:
        table.rounding, table.column_rounding = "half_up", {}


# --------------------------------------------------------------------------- suppression

SIMPLE = instrument(
    block(
        "b",
        q("a", options=opts("ja", "nee")),
        q("follow", "number", when={"question": "a", "equals": "ja"}),
        q("note", "text"),
    ),
    slug="simple",
)
ABCD = [Group(code, code, code) for code in "ABCD"]


@pytest.fixture(scope="module")
def simple():
    return load_instrument(SIMPLE)


def people(sizes, answer=lambda i: {"a": "ja" if i % 2 else "nee", "follow": i, "note": "n"}):
    """``sizes``: {group code or None: count}; keys are unique and recognisable."""
    result = []
    for group, count in sizes.items():
        for i in range(count):
            result.append(Respondent(f"SECRET-{group}-{i}", group, answer(i)))
    return result


def table_a(simple, sizes, min_cell=5, groups=ABCD):
    tables = analyse(simple, people(sizes), groups, {}, min_cell=min_cell)
    return next(t for t in tables if t.id == "simple.a")


def assert_blank(table, column):
    assert column in table.suppressed
    assert table.base[column] is None
    assert all(row.values[column] is None for row in table.rows)


def test_small_group_and_its_complement_are_suppressed(simple):
    # C has 2 < 5: suppressed. Total - A - B would give C's figures back, so the
    # smallest other group (B, 8) goes too: total - A then covers B and C, 10 >= 5.
    table = table_a(simple, {"A": 12, "B": 8, "C": 2, "D": 20})
    assert table.suppressed == {"B", "C"}
    assert_blank(table, "B")
    assert_blank(table, "C")
    assert table.base == {"A": 12, "B": None, "C": None, "D": 20, "total": 42}
    # A: i odd -> ja: 6 of 12.
    assert values(table, "ja")["A"] == 50.0
    assert values(table, "ja")["total"] == pytest.approx(100 * (6 + 4 + 1 + 10) / 42)


def test_empty_group_needs_no_complement(simple):
    table = table_a(simple, {"A": 12, "B": 8, "D": 6})
    assert table.suppressed == {"C"}  # n = 0: nothing to hide, nothing to recover
    assert table.base["B"] == 8 and values(table, "ja")["B"] == 50.0


def test_small_total_suppresses_everything(simple):
    table = table_a(simple, {"A": 2, "B": 2})
    assert table.suppressed == {"A", "B", "C", "D", TOTAL}
    for column in table.columns:
        assert_blank(table, column)
    assert all(value is None for row in table.to_dict()["rows"] for value in row["values"].values())


def test_total_at_min_cell_is_shown(simple):
    table = table_a(simple, {"A": 2, "B": 3})
    # Both groups small; together 5 = min_cell: total shown, nothing to complement.
    assert table.suppressed == {"A", "B", "C", "D"}
    assert table.base[TOTAL] == 5


def test_two_small_groups_whose_sum_is_still_small(simple):
    # C 1 + D 2 = 3 < 5 would be recoverable together: complement with B (8 < 12).
    table = table_a(simple, {"A": 12, "B": 8, "C": 1, "D": 2})
    assert table.suppressed == {"B", "C", "D"}


def test_two_small_groups_whose_sum_is_large_enough(simple):
    # C 3 + D 4 = 7 >= 5: total - A - B reveals only a group of 7.
    table = table_a(simple, {"A": 12, "B": 8, "C": 3, "D": 4})
    assert table.suppressed == {"C", "D"}
    assert table.base["B"] == 8


def test_respondents_without_a_group_are_protected_too(simple):
    # 2 respondents without a class: total - A - B - C - D would be theirs.
    table = table_a(simple, {"A": 12, "B": 8, "C": 9, "D": 10, None: 2})
    assert table.suppressed == {"B"}
    assert table.base[TOTAL] == 41


def test_complement_ties_take_the_first_group(simple):
    table = table_a(simple, {"A": 8, "B": 8, "C": 1, "D": 9})
    assert table.suppressed == {"A", "C"}


def test_routed_question_is_suppressed_on_its_own_base(simple):
    tables = analyse(simple, people({"A": 12, "B": 8, "C": 6, "D": 5}), ABCD, {}, min_cell=5)
    by_id = {t.id: t for t in tables}
    assert by_id["simple.a"].suppressed == set()
    follow = by_id["simple.follow"]
    # follow is asked when a == ja (odd i): A 6, B 4, C 3, D 2 -> B, C, D small; hidden 9.
    assert follow.suppressed == {"B", "C", "D"}
    assert follow.base == {"A": 6, "B": None, "C": None, "D": None, "total": 15}
    # A's odd i: 1, 3, 5, 7, 9, 11 -> mean 6, min 1, max 11.
    assert values(follow, "mean")["A"] == 6.0
    assert (values(follow, "min")["A"], values(follow, "max")["A"]) == (1, 11)


def test_response_table_is_not_suppressed(simple):
    tables = analyse(simple, people({"A": 12, "C": 2}), ABCD, {"A": 20, "C": 4})
    response = tables[0]
    assert response.suppressed == set()
    assert values(response, "respondents")["C"] == 2
    assert values(response, "response")["C"] == 50.0


def test_suppression_invariants_on_random_waves(simple):
    """Whatever the group sizes: no shown column below min_cell, and total minus the
    shown groups is 0 or at least min_cell respondents."""
    rng = random.Random(20090)
    checked = 0
    for _ in range(300):
        sizes = {code: rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14]) for code in "ABCD"}
        sizes[None] = rng.choice([0, 0, 0, 1, 2, 6])
        min_cell = rng.choice([3, 5, 10])

        def answer(i):
            return {
                "a": rng.choice(["ja", "nee", None]),
                "follow": rng.randint(0, 9),
                "note": rng.choice(["x", ""]),
            }

        for table in analyse(simple, people(sizes, answer), ABCD, {}, min_cell=min_cell)[1:]:
            groups = [c for c in table.columns if c != TOTAL]
            for column in table.columns:
                if column in table.suppressed:
                    assert table.base[column] is None
                    assert all(row.values[column] is None for row in table.rows)
                else:
                    assert table.base[column] >= min_cell
            if TOTAL in table.suppressed:
                assert set(table.columns) == table.suppressed
                continue
            shown = sum(table.base[c] for c in groups if c not in table.suppressed)
            hidden = table.base[TOTAL] - shown
            assert hidden == 0 or hidden >= min_cell, (sizes, table.id, table.base)
            checked += 1
    assert checked > 100


def test_no_respondent_key_or_text_in_any_table(simple, inst):
    respondents = people({"A": 12, "B": 8, "C": 2, None: 1})
    respondents = [
        Respondent(r.key, r.group, {**r.answers, "note": f"TEXT-{r.key}"}) for r in respondents
    ]
    dumped = json.dumps(
        [t.to_dict() for t in analyse(simple, respondents, ABCD, {"A": 30})]
        + [t.to_dict(rounded=True) for t in analyse(simple, respondents, ABCD, {}, min_cell=0)]
        + [t.to_dict() for t in compare_waves(simple, [("w1", respondents), ("w2", respondents)])]
    )
    assert "SECRET" not in dumped
    assert "TEXT-" not in dumped
    assert '"note"' in dumped  # the text question itself is there, as a count
    # Keys also stay out of the objects (not only of their JSON).
    table = analyse(simple, respondents, ABCD, {})[1]
    assert "SECRET" not in repr(table)


# --------------------------------------------------------------------------- waves


def test_compare_waves(inst):
    later = [
        Respondent("x1", "klein", {"heeft_beleid": "ja", "tevreden": 2}),
        Respondent("x2", "onbekende-klasse", {"heeft_beleid": "ja", "tevreden": 4}),
        Respondent("x3", None, {"heeft_beleid": "nee"}),
    ]
    tables = {t.id: t for t in compare_waves(inst, [("2005", wave()), ("2009", later)], min_cell=0)}
    assert list(tables)[0] == "gib.heeft_beleid.by_wave"
    assert len(tables) == 11  # ten questions and the construct
    table = tables["gib.heeft_beleid.by_wave"]
    assert (table.kind, table.columns, table.subject) == (
        "by_wave",
        ["2005", "2009"],
        "heeft_beleid",
    )
    assert table.reproduces == ["vng2009.table_3_1"]
    # 2005: the total column above (50, 37.5, 12.5 of 8); 2009: ja 2, nee 1 of 3.
    assert table.base == {"2005": 8, "2009": 3}
    assert values(table, "ja") == pytest.approx({"2005": 50, "2009": 200 / 3})
    assert values(table, "nee") == pytest.approx({"2005": 37.5, "2009": 100 / 3})
    assert values(table, "weet_niet") == {"2005": 12.5, "2009": 0.0}
    scale = tables["gib.tevreden.by_wave"]
    assert values(scale, "mean") == {"2005": 3.375, "2009": 3.0}
    assert (scale.unit, scale.decimals) == ("mean", 1)
    assert tables["gib.visie_score.by_wave"].base == {"2005": 3, "2009": 0}


def test_compare_waves_suppresses_small_waves(inst):
    later = [Respondent(f"x{i}", None, {"heeft_beleid": "ja"}) for i in range(4)]
    tables = {t.id: t for t in compare_waves(inst, [("2005", wave()), ("2009", later)])}
    table = tables["gib.heeft_beleid.by_wave"]
    assert table.suppressed == {"2009"}  # 4 < 5
    assert table.base == {"2005": 8, "2009": None}
    assert values(table, "ja") == {"2005": 50.0, "2009": None}
    # fte: 2005 has 7 answers, 2009 none -> suppressed as well; 2005 shown.
    assert tables["gib.fte.by_wave"].suppressed == {"2009"}
    # thema: 2005 base 4 < 5 -> suppressed.
    assert tables["gib.thema.by_wave"].suppressed == {"2005", "2009"}


def test_compare_waves_needs_unique_labels(inst):
    with pytest.raises(ValueError, match="unique"):
        compare_waves(inst, [("2009", []), ("2009", [])])
    assert compare_waves(inst, []) == []
