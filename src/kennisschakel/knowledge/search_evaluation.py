"""Offline evaluation of the knowledge-bank search against the labelled set in
``data/search_cases.yaml`` (issue 12; see docs/search.md).

Each case is a query with graded relevant practices (2 = must be in the top 10,
1 = useful), optional ``must_not`` practices that must not be in the top 10, and an
optional ``max_total`` (the page must not report more matches). Metrics per case,
then averaged per category and overall:

* nDCG@10 — graded: DCG = Σ (2^grade − 1) / log2(rank + 1), divided by the DCG of the
  ideal order (the same definition as ``kennisschakel.matching.evaluation``);
* hit@10 — 1 when every grade-2 practice is in the top 10 (when a case has only grade-1
  practices: when at least one is);
* recall@10 — share of the grade-2 practices found in the top 10;
* negatives — ``must_not`` practices found in the top 10, and a ``max_total`` exceeded.

A case without relevant practices (only allowed for category ``negative``) counts for
the negatives only. The metric functions and :func:`evaluate` take plain data; only
:func:`practice_searcher` touches Django (the practice search on the current database).
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
CASES_FILE = DATA_DIR / "search_cases.yaml"
PRACTICES_FILE = DATA_DIR / "practices.yaml"

CATEGORIES = (
    "typo",
    "multi_word",
    "compound",
    "compound_head",
    "english",
    "abbreviation",
    "stemming",
    "place_name",
    "negative",
)
MIN_CASES = 60
K = 10
CASE_KEYS = {"query", "category", "relevant", "must_not", "max_total", "language", "top", "why"}


@dataclass(frozen=True)
class SearchCase:
    query: str
    category: str
    relevant: dict[str, int]
    must_not: tuple[str, ...] = ()
    max_total: int | None = None
    language: str | None = None
    top: int | None = None
    why: str = ""

    @property
    def must(self) -> list[str]:
        """The grade-2 practices: they must be in the top 10."""
        return [slug for slug, grade in self.relevant.items() if grade >= 2]


@dataclass
class CaseResult:
    case: SearchCase
    ranked: list[str]
    total: int
    ndcg: float | None
    hit: float | None
    recall: float | None
    violations: list[str] = field(default_factory=list)
    over: bool = False

    @property
    def missing(self) -> list[str]:
        top = set(self.ranked[:K])
        return [slug for slug in self.case.must if slug not in top]


# -- metrics (plain data) ---------------------------------------------------------------


def dcg(grades: Iterable[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """Graded nDCG of ``ranked`` (ids, best first) against ``relevant`` (id: grade)."""
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    if not ideal:
        return 0.0
    return dcg(relevant.get(key, 0) for key in ranked[:k]) / ideal


def hit_at(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """1 when every grade-2 id is in the top k (with only grade-1 ids: when any is)."""
    top = set(ranked[:k])
    must = [key for key, grade in relevant.items() if grade >= 2]
    if must:
        return 1.0 if all(key in top for key in must) else 0.0
    return 1.0 if top & set(relevant) else 0.0


def recall_at(ranked: list[str], relevant: dict[str, int], k: int = K) -> float:
    """Share of the grade-2 ids (all ids when none is grade 2) found in the top k."""
    must = [key for key, grade in relevant.items() if grade >= 2] or list(relevant)
    if not must:
        return 0.0
    top = set(ranked[:k])
    return sum(key in top for key in must) / len(must)


def negatives_in_top(ranked: list[str], must_not: Iterable[str], k: int = K) -> list[str]:
    top = set(ranked[:k])
    return [key for key in must_not if key in top]


def score_case(case: SearchCase, ranked: list[str], total: int) -> CaseResult:
    graded = bool(case.relevant)
    return CaseResult(
        case=case,
        ranked=list(ranked),
        total=total,
        ndcg=ndcg_at(ranked, case.relevant) if graded else None,
        hit=hit_at(ranked, case.relevant) if graded else None,
        recall=recall_at(ranked, case.relevant) if graded else None,
        violations=negatives_in_top(ranked, case.must_not),
        over=case.max_total is not None and total > case.max_total,
    )


# -- the labelled set -------------------------------------------------------------------


def parse_case(raw: dict) -> SearchCase:
    relevant = raw.get("relevant") or {}
    return SearchCase(
        query=str(raw["query"]),
        category=str(raw["category"]),
        relevant={str(slug): int(grade) for slug, grade in relevant.items()},
        must_not=tuple(str(slug) for slug in raw.get("must_not") or ()),
        max_total=int(raw["max_total"]) if raw.get("max_total") is not None else None,
        language=raw.get("language"),
        top=int(raw["top"]) if raw.get("top") is not None else None,
        why=str(raw.get("why") or ""),
    )


def load_raw(path: Path = CASES_FILE) -> list[dict]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return data if isinstance(data, list) else []


def load_cases(path: Path = CASES_FILE) -> list[SearchCase]:
    return [parse_case(raw) for raw in load_raw(path)]


def practice_slugs(path: Path = PRACTICES_FILE) -> set[str]:
    """The slugs of the demo practices (the bank the cases are written for)."""
    return {item["slug"] for item in yaml.safe_load(Path(path).read_text(encoding="utf-8"))}


def validate(raw_cases: list[dict], slugs: set[str], complete: bool = True) -> list[str]:
    """Problems with the labelled set, as readable lines (empty when it is sound).
    ``complete``: the set must also have MIN_CASES cases and every category."""
    problems = []
    if complete and len(raw_cases) < MIN_CASES:
        problems.append(f"{len(raw_cases)} cases, at least {MIN_CASES} needed")
    seen = set()
    for number, raw in enumerate(raw_cases, start=1):
        if not isinstance(raw, dict) or not raw.get("query"):
            problems.append(f"case {number}: no query")
            continue
        name = f"case {number} ({raw['query']!r})"
        key = (str(raw["query"]).casefold(), raw.get("language"))
        if key in seen:
            problems.append(f"{name}: duplicate query")
        seen.add(key)
        if unknown := set(raw) - CASE_KEYS:
            problems.append(f"{name}: unknown fields {sorted(unknown)}")
        if raw.get("category") not in CATEGORIES:
            problems.append(f"{name}: unknown category {raw.get('category')!r}")
        if not str(raw.get("why") or "").strip():
            problems.append(f"{name}: no 'why'")
        relevant = raw.get("relevant") or {}
        if not isinstance(relevant, dict):
            problems.append(f"{name}: 'relevant' must map slug to grade")
            relevant = {}
        for slug, grade in relevant.items():
            if slug not in slugs:
                problems.append(f"{name}: unknown practice {slug!r}")
            if grade not in (1, 2):
                problems.append(f"{name}: grade of {slug!r} must be 1 or 2, not {grade!r}")
        must_not = raw.get("must_not") or []
        for slug in must_not:
            if slug not in slugs:
                problems.append(f"{name}: unknown practice {slug!r} in must_not")
            if slug in relevant:
                problems.append(f"{name}: {slug!r} both relevant and must_not")
        if not relevant and not (raw.get("category") == "negative" and must_not):
            problems.append(f"{name}: no relevant practice (only a negative case may have none)")
        if raw.get("top") is not None and not any(g == 2 for g in relevant.values()):
            problems.append(f"{name}: 'top' needs a grade-2 practice")
        if raw.get("language") not in (None, "nl", "en"):
            problems.append(f"{name}: unknown language {raw.get('language')!r}")
        if raw.get("category") == "english" and raw.get("language") != "en":
            problems.append(f"{name}: an english case searches with language: en")
    present = {raw.get("category") for raw in raw_cases if isinstance(raw, dict)}
    for category in CATEGORIES if complete else ():
        if category not in present:
            problems.append(f"no case of category {category!r}")
    return problems


# -- running and summarising ------------------------------------------------------------

Searcher = Callable[[SearchCase], tuple[list[str], int]]


def evaluate(cases: list[SearchCase], search: Searcher) -> list[CaseResult]:
    """Score every case; ``search(case)`` returns (slugs best first, total found)."""
    return [score_case(case, *search(case)) for case in cases]


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summary(results: list[CaseResult]) -> dict[str, dict]:
    """Per category (in the order of CATEGORIES) and 'all'."""
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        groups[result.case.category].append(result)
    order = [c for c in CATEGORIES if c in groups] + sorted(set(groups) - set(CATEGORIES))
    table = {}
    for name, rows in [*((c, groups[c]) for c in order), ("all", results)]:
        graded = [r for r in rows if r.ndcg is not None]
        table[name] = {
            "n": len(rows),
            "graded": len(graded),
            "nDCG@10": _mean([r.ndcg for r in graded]),
            "hit@10": _mean([r.hit for r in graded]),
            "recall@10": _mean([r.recall for r in graded]),
            "negatives": sum(1 for r in rows if r.violations),
            "over": sum(1 for r in rows if r.over),
        }
    return table


def practice_searcher(limit: int = K) -> Searcher:
    """Search the practices of the current database as the results page does (with its
    automatic spelling correction), in the case's interface language (Dutch unless the
    case says otherwise). The total is the count the page reports as matching: the strong
    matches, not the practices that only mention a word."""
    from django.conf import settings
    from django.utils import translation

    from kennisschakel.knowledge.search import practice_search

    def search(case: SearchCase) -> tuple[list[str], int]:
        with translation.override(case.language or settings.LANGUAGE_CODE):
            result = practice_search.search(case.query, limit=limit, correct_spelling=True)
        return [hit.practice.slug for hit in result.hits], result.strong_total

    return search
