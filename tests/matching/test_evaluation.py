"""The labelled matchmaking set (matching/data/evaluation.yaml) and the evaluation code:
the set's shape, its keys against the seeded demo data, the metrics on known rankings,
negatives, and the command's floors."""

import math
import re
import textwrap
from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from kennisschakel.engines.text.folding import fold
from kennisschakel.matching import adapter, evaluation, match_index, services
from kennisschakel.matching.evaluation import (
    EvaluationDataError,
    check_questions,
    hit_at,
    load_questions,
    ndcg_at,
    recall_at,
    resolve_key,
    violations,
)
from kennisschakel.register.models import ForeignPlace, Municipality

ISSUE_12_TYPES = ("place_name", "long_question", "english", "name_fragment", "already_partner")


@pytest.fixture(autouse=True)
def fresh_matcher():
    match_index.forget()
    yield
    match_index.forget()


# --- the labelled set --------------------------------------------------------------------


def test_labelled_set_has_the_size_and_the_categories():
    questions = load_questions()  # raises on any shape problem (check_questions)
    assert len(questions) >= 80
    types = Counter(q["type"] for q in questions)
    assert set(types) <= set(evaluation.TYPES)
    for name in ISSUE_12_TYPES:
        assert types[name] >= 5, name
    for name in ("practice", "international", "municipality", "network", "institution"):
        assert types[name] >= 5, name  # the issue-6 questions are kept
    english = [q for q in questions if q["type"] == "english"]
    assert all(not re.search(r"\b(de|het|een|van|welke|wij)\b", q["text"]) for q in english)
    long = [q for q in questions if q["type"] == "long_question"]
    assert all(len(q["text"].split()) >= 60 for q in long)
    assert any(q["type"] == "place_name" and len(q["text"].split()) == 1 for q in questions)


@pytest.mark.django_db
def test_every_key_resolves_against_the_seeded_demo_data():
    matcher = match_index.current_matcher()
    problems = []
    for question in load_questions():
        municipality = Municipality.objects.filter(cbs_code=question["asker"]).first()
        if municipality is None:
            problems.append(f"{question['id']}: asker {question['asker']} unknown")
            continue
        for raw in [item["key"] for item in question["expected"]] + list(
            question.get("must_not") or []
        ):
            try:
                key = resolve_key(raw)
            except EvaluationDataError:
                problems.append(f"{question['id']}: {raw} names no place")
                continue
            candidate = matcher.get(key)
            if candidate is None:
                problems.append(f"{question['id']}: {raw} is not a candidate")
            elif raw in [item["key"] for item in question["expected"]] and (
                candidate.municipality == question["asker"]
            ):
                problems.append(f"{question['id']}: {raw} is the asker's own")
    assert problems == []


@pytest.mark.django_db
def test_already_partner_negatives_are_the_askers_own_partners():
    for question in load_questions():
        if question["type"] != "already_partner":
            continue
        municipality = Municipality.objects.get(cbs_code=question["asker"])
        partners = adapter.asker_for(municipality.organisation_id).partners
        for raw in question["must_not"]:
            assert resolve_key(raw) in partners, (question["id"], raw)
            name = raw.removeprefix("place:").rpartition(",")[0]
            assert fold(name)[:4] in fold(question["text"]), (question["id"], raw)


@pytest.mark.django_db
def test_name_fragment_negatives_share_only_letters_with_the_question():
    """Each must-not municipality or place shares a part of at least four letters (of its
    name or one of its stored name variants) with a word of the question: that is the trap."""

    def shares_a_part(names: list[str], words: list[str]) -> bool:
        for name in names:
            name = fold(name).replace(" ", "").replace("-", "")
            if any(name[i : i + 4] in word for word in words for i in range(len(name) - 3)):
                return True
        return False

    for question in load_questions():
        if question["type"] != "name_fragment":
            continue
        words = [w for w in re.findall(r"\w+", fold(question["text"])) if len(w) >= 4]
        for raw in question["must_not"]:
            kind, _sep, ident = raw.partition(":")
            assert kind in ("municipality", "place"), (question["id"], raw)
            if kind == "municipality":
                names = [Municipality.objects.get(cbs_code=ident).organisation.name]
            else:
                place = ForeignPlace.objects.get(pk=int(resolve_key(raw).partition(":")[2]))
                names = [n for n in place.search_names.split("|") if n]
            assert shares_a_part(names, words), (question["id"], raw)


def test_shape_problems_are_reported():
    good = {
        "id": "x1",
        "type": "name_fragment",
        "asker": "GM0344",
        "text": "klimaatadaptatie in de wijk",
        "expected": [{"key": "practice:a", "grade": 2}],
        "must_not": ["municipality:GM0867"],
    }
    assert check_questions([good]) == []
    cases = {
        "unknown type": {**good, "type": "misc"},
        "no grade-2 item": {**good, "expected": [{"key": "practice:a", "grade": 1}]},
        "needs a must_not list": {**good, "must_not": []},
        "both expected and must_not": {**good, "must_not": ["practice:a"]},
        "bad key": {**good, "expected": [{"key": "gemeente:Weert", "grade": 2}]},
        "the asker is never a candidate": {
            **good,
            "expected": [{"key": "municipality:GM0344", "grade": 2}],
        },
    }
    for fragment, question in cases.items():
        problems = check_questions([question])
        assert any(fragment in p for p in problems), (fragment, problems)
    assert any("duplicate id" in p for p in check_questions([good, good]))


# --- metrics on known rankings -----------------------------------------------------------


def test_ndcg_on_known_rankings():
    expected = {"a": 2, "b": 1}
    idcg = 3 + 1 / math.log2(3)
    assert ndcg_at(["a", "b"], expected) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], expected) == pytest.approx((1 + 3 / math.log2(3)) / idcg)
    assert ndcg_at(["x", "y", "a"], expected) == pytest.approx((3 / 2) / idcg)
    assert ndcg_at(["x"] * 10 + ["a"], expected) == 0.0  # rank 11 is outside the top 10
    assert ndcg_at(["a"], {}) == 0.0
    assert recall_at(["a", "x"], expected) == 0.5


def test_hit_at_5_counts_only_grade_2_items():
    expected = {"must": 2, "useful": 1}
    assert hit_at(["useful", "x", "x", "x", "x"], expected) == 0.0
    assert hit_at(["x", "x", "x", "x", "must"], expected) == 1.0
    assert hit_at(["x", "x", "x", "x", "x", "must"], expected) == 0.0


def test_violations_only_in_the_top_10():
    ranked = [f"k{i}" for i in range(1, 13)]
    assert violations(ranked, ["k10", "k11", "z"]) == ["k10"]
    assert violations(ranked, []) == []


# --- evaluate() and the command on a small set with a fake engine ------------------------

SMALL_SET = """\
questions:
  - id: t1
    type: name_fragment
    asker: GM0344
    text: "klimaatadaptatie in de wijk"
    expected:
      - {key: "practice:p-must", grade: 2}
      - {key: "practice:p-useful", grade: 1}
    must_not: ["municipality:GM0867"]
  - id: t2
    type: already_partner
    asker: GM0988
    text: "Onze stedenband met Huangzhou"
    expected:
      - {key: "practice:q-must", grade: 2}
    must_not: ["place:Huangzhou, CN"]
"""


@pytest.fixture
def small_set(tmp_path, monkeypatch):
    path = tmp_path / "evaluation.yaml"
    path.write_text(textwrap.dedent(SMALL_SET), encoding="utf-8")
    huangzhou = resolve_key("place:Huangzhou, CN")
    rankings = {
        # t1: the must at rank 1, the fragment municipality at rank 10 -> one violation
        "klimaatadaptatie in de wijk": ["practice:p-must"]
        + [f"practice:x{i}" for i in range(8)]
        + ["municipality:GM0867", "practice:p-useful"],
        # t2: the must only at rank 6 (no hit@5); the own partner at rank 11 (allowed)
        "Onze stedenband met Huangzhou": [f"practice:y{i}" for i in range(5)]
        + ["practice:q-must"]
        + [f"practice:z{i}" for i in range(4)]
        + [huangzhou],
    }
    calls = []

    def fake_find(text, municipality, *, international, outside_circle, limit):
        calls.append((text, municipality.cbs_code, limit))
        return [SimpleNamespace(key=key) for key in rankings[text]]

    monkeypatch.setattr(services, "find_matches", fake_find)
    return path, calls


@pytest.mark.django_db
def test_evaluate_counts_negatives_and_hits(small_set):
    path, calls = small_set
    results = {r.id: r for r in evaluation.evaluate(path)}
    assert [c[1] for c in calls] == ["GM0344", "GM0988"] and {c[2] for c in calls} == {10}
    assert results["t1"].violated == ["municipality:GM0867"]
    assert results["t1"].hit == 1.0 and results["t1"].recall == 0.5  # p-useful is 11th
    assert results["t2"].violated == []  # rank 11 is not suggested
    assert results["t2"].hit == 0.0 and results["t2"].recall == 1.0
    table = evaluation.summary(list(results.values()))
    assert table["all"]["negatives violated"] == 1
    assert table["name_fragment"]["questions violating"] == 1
    assert table["already_partner"]["negatives violated"] == 0
    assert table["all"]["hit@5"] == 0.5


@pytest.mark.django_db
def test_command_floors_and_strict_negatives(small_set, capsys):
    path, _calls = small_set
    call_command("evaluate_matching", "--file", str(path), "--min-ndcg", "0")
    out = capsys.readouterr().out
    assert "name_fragment" in out and "violated" in out
    with pytest.raises(CommandError, match=r"t1 \(municipality:GM0867\)"):
        call_command(
            "evaluate_matching", "--file", str(path), "--min-ndcg", "0", "--strict-negatives"
        )
    with pytest.raises(CommandError, match="hit@5 0.500 is below the floor of 0.60"):
        call_command(
            "evaluate_matching", "--file", str(path), "--min-ndcg", "0", "--min-hit5", "0.6"
        )
    with pytest.raises(CommandError, match="nDCG@10"):
        call_command("evaluate_matching", "--file", str(path), "--min-ndcg", "0.99")


@pytest.mark.django_db
def test_command_refuses_a_place_that_does_not_exist(tmp_path):
    path = tmp_path / "evaluation.yaml"
    path.write_text(
        SMALL_SET.replace("place:Huangzhou, CN", "place:Nergenshuizen, CN"), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="Nergenshuizen"):
        call_command("evaluate_matching", "--file", str(path))


@pytest.mark.django_db
def test_a_refused_question_counts_as_no_suggestions(small_set, monkeypatch):
    path, _calls = small_set

    def refusing_find(text, municipality, **options):
        raise ValidationError("Beschrijf wat u zoekt in minstens 10 tekens.")

    monkeypatch.setattr(services, "find_matches", refusing_find)
    results = evaluation.evaluate(path)
    assert all(r.refused and r.ndcg == 0.0 and r.hit == 0.0 and not r.violated for r in results)
    assert evaluation.summary(results)["all"]["refused"] == 2
