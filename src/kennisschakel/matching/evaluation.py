"""Offline evaluation of matchmaking against the labelled set in ``data/evaluation.yaml``.

Metrics per question (then averaged per question type and overall):

* recall@10 — share of the expected items found in the top 10;
* nDCG@10 — graded (2 = must, 1 = useful): DCG = Σ (2^grade − 1) / log2(rank + 1),
  divided by the DCG of the ideal order;
* hit@5 — 1 when at least one expected item is in the top 5.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from kennisschakel.matching import services
from kennisschakel.register.services import resolve_place

DATA_FILE = Path(__file__).resolve().parent / "data" / "evaluation.yaml"


def recall_at(ranked: list[str], expected: dict[str, int], k: int = 10) -> float:
    if not expected:
        return 0.0
    return len(set(ranked[:k]) & set(expected)) / len(expected)


def ndcg_at(ranked: list[str], expected: dict[str, int], k: int = 10) -> float:
    def gain(grade: int) -> float:
        return 2**grade - 1

    dcg = sum(
        gain(expected.get(key, 0)) / math.log2(rank + 2) for rank, key in enumerate(ranked[:k])
    )
    ideal = sorted(expected.values(), reverse=True)[:k]
    idcg = sum(gain(grade) / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def hit_at(ranked: list[str], expected: dict[str, int], k: int = 5) -> float:
    return 1.0 if set(ranked[:k]) & set(expected) else 0.0


@dataclass
class QuestionResult:
    id: str
    type: str
    recall: float
    ndcg: float
    hit: float
    missing: list[str]
    top: list[str]


def _key(raw: str) -> str | None:
    """Evaluation keys name places as 'place:Dalian, CN'; the engine uses database ids."""
    if not raw.startswith("place:"):
        return raw
    name, _sep, country = raw[6:].rpartition(",")
    place = resolve_place(name.strip(), country=country.strip())
    return f"place:{place.pk}" if place else None


def evaluate(path: Path = DATA_FILE) -> list[QuestionResult]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    results = []
    for question in data["questions"]:
        expected = {}
        for item in question["expected"]:
            key = _key(item["key"])
            if key:
                expected[key] = int(item.get("grade", 1))
        municipality = services.municipality_by_code(question["asker"])
        found = services.find_matches(
            question["text"],
            municipality,
            international=bool(question.get("international")),
            outside_circle=bool(question.get("outside_circle")),
            limit=10,
        )
        ranked = [s.key for s in found]
        results.append(
            QuestionResult(
                id=question["id"],
                type=question["type"],
                recall=recall_at(ranked, expected),
                ndcg=ndcg_at(ranked, expected),
                hit=hit_at(ranked, expected),
                missing=[key for key in expected if key not in ranked],
                top=ranked[:5],
            )
        )
    return results


def summary(results: list[QuestionResult]) -> dict[str, dict[str, float]]:
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
        }
        for name, rows in sorted(groups.items())
    }
