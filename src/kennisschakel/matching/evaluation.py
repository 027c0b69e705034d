"""Offline evaluation of matchmaking against the labelled set in ``data/evaluation.yaml``.

Metrics per question (then averaged per question type and overall):

* recall@10 — share of the expected items found in the top 10;
* nDCG@10 — graded (2 = must, 1 = useful): DCG = Σ (2^grade − 1) / log2(rank + 1),
  divided by the DCG of the ideal order;
* hit@5 — 1 when at least one grade-2 (must) item is in the top 5;
* negatives — the question's ``must_not`` keys found in the top 10 (each one a violation).

A question the service refuses (``ValidationError``, e.g. shorter than its minimum) counts
as an empty ranking: that is what the asker gets.

The file's header describes the keys and the question types; :func:`check_questions`
checks its shape without a database, the tests check that every key resolves.
"""

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from kennisschakel.matching import services
from kennisschakel.register.services import resolve_place

DATA_FILE = Path(__file__).resolve().parent / "data" / "evaluation.yaml"
TOP = 10
HIT_DEPTH = 5
KEY_KINDS = ("practice", "municipality", "network", "institution", "place")
# The question types (issue 6, then the failure modes of issue 12).
TYPES = (
    "practice",
    "international",
    "municipality",
    "network",
    "institution",
    "mixed",
    "place_name",
    "long_question",
    "english",
    "name_fragment",
    "already_partner",
)
# Types whose point is a negative: each of their questions needs a must_not list.
NEGATIVE_TYPES = ("name_fragment", "already_partner")


class EvaluationDataError(ValueError):
    """The labelled set is malformed, or a key names nothing in the database."""


def recall_at(ranked: list[str], expected: dict[str, int], k: int = TOP) -> float:
    if not expected:
        return 0.0
    return len(set(ranked[:k]) & set(expected)) / len(expected)


def ndcg_at(ranked: list[str], expected: dict[str, int], k: int = TOP) -> float:
    def gain(grade: int) -> float:
        return 2**grade - 1

    dcg = sum(
        gain(expected.get(key, 0)) / math.log2(rank + 2) for rank, key in enumerate(ranked[:k])
    )
    ideal = sorted(expected.values(), reverse=True)[:k]
    idcg = sum(gain(grade) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def hit_at(ranked: list[str], expected: dict[str, int], k: int = HIT_DEPTH) -> float:
    """1.0 when a grade-2 item is among the first k, else 0.0."""
    return 1.0 if any(expected.get(key, 0) >= 2 for key in ranked[:k]) else 0.0


def violations(ranked: list[str], must_not, k: int = TOP) -> list[str]:
    """The must-not keys that are among the first k, in ranked order."""
    forbidden = set(must_not)
    return [key for key in ranked[:k] if key in forbidden]


def load_questions(path: Path = DATA_FILE) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    questions = data.get("questions") or []
    problems = check_questions(questions)
    if problems:
        raise EvaluationDataError("; ".join(problems))
    return questions


def check_questions(questions: list[dict]) -> list[str]:
    """What is wrong with the labelled set's shape (no database needed); empty when fine."""
    problems = []
    seen = set()
    for number, question in enumerate(questions, start=1):
        qid = question.get("id") or f"#{number}"
        if qid in seen:
            problems.append(f"{qid}: duplicate id")
        seen.add(qid)
        for name in ("type", "asker", "text", "expected"):
            if not question.get(name):
                problems.append(f"{qid}: no {name}")
        if question.get("type") and question["type"] not in TYPES:
            problems.append(f"{qid}: unknown type {question['type']!r}")
        expected = question.get("expected") or []
        keys = [item.get("key", "") for item in expected]
        grades = [item.get("grade", 1) for item in expected]
        must_not = question.get("must_not") or []
        for key in [*keys, *must_not]:
            if key.partition(":")[0] not in KEY_KINDS or not key.partition(":")[2]:
                problems.append(f"{qid}: bad key {key!r}")
        if any(grade not in (1, 2) for grade in grades):
            problems.append(f"{qid}: grades must be 1 or 2")
        if expected and 2 not in grades:
            problems.append(f"{qid}: no grade-2 item")
        if len(set(keys)) != len(keys) or len(set(must_not)) != len(must_not):
            problems.append(f"{qid}: a key is listed twice")
        if set(keys) & set(must_not):
            problems.append(f"{qid}: a key is both expected and must_not")
        if f"municipality:{question.get('asker')}" in [*keys, *must_not]:
            problems.append(f"{qid}: the asker is never a candidate")
        if question.get("type") in NEGATIVE_TYPES and not must_not:
            problems.append(f"{qid}: a {question['type']} question needs a must_not list")
    return problems


def resolve_key(raw: str) -> str:
    """Evaluation keys name places as 'place:Dalian, CN'; the engine uses database ids.
    Other keys are the engine's own. Raises EvaluationDataError for an unknown place."""
    if not raw.startswith("place:"):
        return raw
    name, _sep, country = raw[6:].rpartition(",")
    place = resolve_place(name.strip(), country=country.strip())
    if place is None:
        raise EvaluationDataError(f"{raw!r} names no stored place.")
    return f"place:{place.pk}"


@dataclass
class QuestionResult:
    id: str
    type: str
    recall: float
    ndcg: float
    hit: float
    missing: list[str]
    top: list[str]
    must_not: list[str] = field(default_factory=list)
    violated: list[str] = field(default_factory=list)
    refused: str = ""  # the service refused the question (e.g. too short): no suggestions


def evaluate(
    path: Path = DATA_FILE, find: Callable | None = None, k: int = TOP
) -> list[QuestionResult]:
    """Every question through ``find`` (default: the real ``services.find_matches``)."""
    find = find or services.find_matches
    results = []
    for question in load_questions(path):
        names = {}  # resolved key -> the key as the file writes it (for the report)
        expected = {}
        for item in question["expected"]:
            key = resolve_key(item["key"])
            names[key] = item["key"]
            expected[key] = int(item.get("grade", 1))
        must_not = []
        for raw in question.get("must_not") or []:
            key = resolve_key(raw)
            names[key] = raw
            must_not.append(key)
        municipality = services.municipality_by_code(question["asker"])
        refused = ""
        try:
            found = find(
                question["text"],
                municipality,
                international=bool(question.get("international")),
                outside_circle=bool(question.get("outside_circle")),
                limit=k,
            )
        except ValidationError as error:  # what the asker gets: a message, no suggestions
            found, refused = [], " ".join(error.messages)
        ranked = [s.key for s in found][:k]
        results.append(
            QuestionResult(
                id=question["id"],
                type=question["type"],
                recall=recall_at(ranked, expected, k),
                ndcg=ndcg_at(ranked, expected, k),
                hit=hit_at(ranked, expected),
                missing=[names[key] for key in expected if key not in ranked],
                top=[names.get(key, key) for key in ranked],
                must_not=[names[key] for key in must_not],
                violated=[names[key] for key in violations(ranked, must_not, k)],
                refused=refused,
            )
        )
    return results


def summary(results: list[QuestionResult]) -> dict[str, dict[str, float]]:
    """Per type and 'all': n, recall@10, nDCG@10, hit@5, the number of questions with
    negatives, the must-not keys found in the top 10 and the questions with any."""
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for result in results:
        groups[result.type].append(result)
        groups["all"].append(result)
    return {
        name: {
            "n": len(rows),
            "recall@10": sum(r.recall for r in rows) / len(rows),
            "nDCG@10": sum(r.ndcg for r in rows) / len(rows),
            "hit@5": sum(r.hit for r in rows) / len(rows),
            "with negatives": sum(1 for r in rows if r.must_not),
            "negatives violated": sum(len(r.violated) for r in rows),
            "questions violating": sum(1 for r in rows if r.violated),
            "refused": sum(1 for r in rows if r.refused),
        }
        for name, rows in sorted(groups.items())
    }
