"""The search evaluation: its metrics on known rankings, the labelled set's schema, and
the `evaluate_search` command on the seeded demo practices."""

import math
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from kennisschakel.knowledge.search_evaluation import (
    CATEGORIES,
    MIN_CASES,
    SearchCase,
    evaluate,
    hit_at,
    load_cases,
    load_raw,
    ndcg_at,
    negatives_in_top,
    practice_slugs,
    recall_at,
    score_case,
    summary,
    validate,
)

# -- metrics ------------------------------------------------------------------------------


def test_ndcg_of_the_ideal_ranking_is_one():
    assert ndcg_at(["a", "b", "x"], {"a": 2, "b": 1}) == pytest.approx(1.0)


def test_ndcg_of_a_swapped_ranking_by_hand():
    # ranked b (grade 1) then a (grade 2): DCG = 1/log2(2) + 3/log2(3); ideal = 3 + 1/log2(3)
    expected = (1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3))
    assert ndcg_at(["b", "a"], {"a": 2, "b": 1}) == pytest.approx(expected)
    assert expected == pytest.approx(0.7967, abs=1e-4)


def test_ndcg_counts_only_the_top_ten_and_misses_cost():
    filler = [f"x{i}" for i in range(10)]
    assert ndcg_at([*filler, "a"], {"a": 2}) == 0.0
    assert ndcg_at(["x", "a"], {"a": 2}) == pytest.approx(1 / math.log2(3))
    # a relevant item never found lowers the score even when the found one is first
    assert ndcg_at(["a"], {"a": 2, "b": 2}) == pytest.approx(3 / (3 + 3 / math.log2(3)))
    assert ndcg_at(["a"], {}) == 0.0


def test_hit_needs_every_grade_two_in_the_top_ten():
    relevant = {"a": 2, "b": 2, "c": 1}
    assert hit_at(["a", "b"], relevant) == 1.0
    assert hit_at(["a", "c"], relevant) == 0.0
    assert hit_at([*(f"x{i}" for i in range(9)), "a", "b"], relevant) == 0.0  # b is 11th
    assert hit_at(["x", "c"], {"c": 1}) == 1.0  # only useful ones: any will do
    assert hit_at(["x"], {"c": 1}) == 0.0


def test_recall_is_the_share_of_grade_two_found():
    assert recall_at(["a", "x"], {"a": 2, "b": 2, "c": 1}) == 0.5
    assert recall_at(["c"], {"c": 1}) == 1.0


def test_negatives_are_found_in_the_top_ten_only():
    ranked = [f"x{i}" for i in range(9)] + ["bad", "worse"]
    assert negatives_in_top(ranked, ["bad", "worse", "absent"]) == ["bad"]
    assert negatives_in_top(ranked, []) == []


def test_a_case_result_reports_misses_negatives_and_a_total_too_high():
    case = SearchCase(
        query="q", category="multi_word", relevant={"a": 2, "b": 2}, must_not=("n",), max_total=3
    )
    result = score_case(case, ["n", "a", "y"], total=60)
    assert result.missing == ["b"]
    assert result.violations == ["n"]
    assert result.over is True
    assert result.hit == 0.0 and result.recall == 0.5
    assert score_case(case, ["a", "b"], total=3).over is False


def test_summary_per_category_and_overall():
    cases = [
        SearchCase("good", "typo", {"a": 2}),
        SearchCase("bad", "typo", {"a": 2}),
        SearchCase("noise", "negative", {}, must_not=("n",)),
    ]
    found = {"good": (["a"], 1), "bad": (["x"], 1), "noise": (["n"], 1)}
    table = summary(evaluate(cases, lambda case: found[case.query]))
    assert list(table) == ["typo", "negative", "all"]
    assert table["typo"]["nDCG@10"] == pytest.approx(0.5)
    assert table["typo"]["hit@10"] == pytest.approx(0.5)
    assert table["typo"]["negatives"] == 0
    # a case without relevant practices counts for negatives, not for nDCG
    assert table["negative"]["nDCG@10"] is None and table["negative"]["negatives"] == 1
    assert table["all"]["n"] == 3 and table["all"]["graded"] == 2
    assert table["all"]["nDCG@10"] == pytest.approx(0.5)


# -- the labelled set ---------------------------------------------------------------------


def test_the_labelled_set_is_sound():
    raw = load_raw()
    assert len(raw) >= MIN_CASES
    assert validate(raw, practice_slugs()) == []
    cases = load_cases()
    assert {case.category for case in cases} == set(CATEGORIES)
    assert all(case.why for case in cases)
    assert any(case.must_not for case in cases if case.category == "compound_head")
    assert all(case.language == "en" for case in cases if case.category == "english")


def _case(**changes):
    raw = {"query": "q", "category": "typo", "relevant": {"kwartiermaker": 2}, "why": "002 §5.2"}
    raw.update(changes)
    return raw


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"relevant": {"no-such-practice": 2}}, "unknown practice 'no-such-practice'"),
        ({"must_not": ["no-such-practice"]}, "unknown practice 'no-such-practice' in must_not"),
        ({"category": "spelling"}, "unknown category 'spelling'"),
        ({"relevant": {"kwartiermaker": 3}}, "must be 1 or 2"),
        ({"must_not": ["kwartiermaker"]}, "both relevant and must_not"),
        ({"relevant": {}}, "no relevant practice"),
        ({"category": "english"}, "language: en"),
        ({"why": ""}, "no 'why'"),
        ({"grade": 2}, "unknown fields ['grade']"),
        ({"top": 3, "relevant": {"kwartiermaker": 1}}, "'top' needs a grade-2"),
    ],
)
def test_validation_catches_a_broken_case(changes, problem):
    slugs = {"kwartiermaker", "b5"}
    sound = [_case(query=f"q{i}", category=c) for i, c in enumerate(CATEGORIES)]
    sound[-1]["must_not"] = ["b5"]  # the negative case
    sound[CATEGORIES.index("english")]["language"] = "en"
    assert validate(sound, slugs, complete=False) == []
    problems = validate([*sound, _case(**changes)], slugs, complete=False)
    assert any(problem in line for line in problems), problems


def test_validation_wants_enough_cases_and_every_category():
    slugs = {"kwartiermaker"}
    problems = validate([_case()], slugs)
    assert f"1 cases, at least {MIN_CASES} needed" in problems
    assert "no case of category 'english'" in problems
    duplicate = validate([_case(), _case(query="Q")], slugs, complete=False)
    assert any("duplicate query" in line for line in duplicate)


# -- the command on the seeded demo practices ---------------------------------------------


@pytest.mark.django_db
def test_command_prints_a_table_per_category_and_keeps_the_floor(tmp_path):
    out = StringIO()
    call_command("evaluate_search", "--min-ndcg", "0", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["category", "n", "nDCG@10"]
    names = [line.split()[0] for line in lines[1:]]
    assert names == [*CATEGORIES, "all"]
    assert int(lines[-1].split()[1]) == len(load_raw())
    with pytest.raises(CommandError, match="below the bar"):
        call_command("evaluate_search", "--min-ndcg", "1.01", stdout=StringIO())


@pytest.mark.django_db
def test_command_fails_on_a_negative_only_when_strict(tmp_path):
    # "Kwartiermaker" must bring up its own practice: forbidding it must be caught.
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        yaml.safe_dump(
            [
                {
                    "query": "kwartiermaker",
                    "category": "negative",
                    "relevant": {"b5-overleg-brabantse-steden": 1},
                    "must_not": ["kwartiermaker-voor-intergemeentelijke-kennisdeling"],
                    "why": "test",
                }
            ]
        ),
        encoding="utf-8",
    )
    out = StringIO()
    call_command("evaluate_search", "--cases", str(cases), "--verbose", stdout=out)
    assert "NOT WANTED: kwartiermaker-voor-intergemeentelijke-kennisdeling" in out.getvalue()
    with pytest.raises(CommandError, match="must not come up"):
        call_command("evaluate_search", "--cases", str(cases), "--strict-negatives", stdout=out)


@pytest.mark.django_db
def test_command_refuses_cases_for_practices_not_in_the_database(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        yaml.safe_dump(
            [{"query": "x", "category": "typo", "relevant": {"not-seeded": 2}, "why": "test"}]
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="unknown practice 'not-seeded'"):
        call_command("evaluate_search", "--cases", str(cases), stdout=StringIO())
