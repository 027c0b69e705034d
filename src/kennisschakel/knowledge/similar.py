"""*Vergelijkbare praktijken*: practices like this one, from the same search engine.

The query is built from the practice's own key words: the words of its title, summary,
tags and text, weighted by field (title most) and by how rare they are in the knowledge
bank (a word most practices use says nothing about this one), the top
``MAX_KEY_WORDS`` of them. It runs against the same saved, memory-mapped index as the
search page (:data:`knowledge.search.practice_search`: nothing is rebuilt per request),
and the practice itself is left out.

Each result carries a short reason: the key words it shares with this practice, **in
the form the result contains them** (*Schuldhulpverlening*, not the stem *schuldhulp*),
rarest first. A result that shares a key word only inside a compound of its own
(key *armoede*, result *armoedebestrijding*) shows that compound.

Cost per page: the counter read of a search (one query) and one query for the results.
"""

import math
from dataclasses import dataclass, field

from kennisschakel.knowledge.analysis import practice_fields, shared_analyzer
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.search import practice_search

DEFAULT_LIMIT = 5
MAX_KEY_WORDS = 12
SPARE_RESULTS = 3
MAX_REASON_WORDS = 4
# One shared word ("bijeenkomsten", a name) is a coincidence, not a likeness; and a
# result far below the best one is listed only to fill the list.
MIN_SHARED_WORDS = 2
MIN_SHARE_OF_BEST_SCORE = 0.3
# Candidate words looked up in the index (by weight in the practice), before rarity.
MAX_CANDIDATES = 60
MIN_WORD_LENGTH = 3
# A word in more than this share of all practices describes none of them.
MAX_DOCUMENT_SHARE = 0.3
FIELD_WEIGHTS = {"title": 3.0, "summary": 1.5, "body": 1.0, "negative_lessons": 1.0}
K1 = 1.2
EVERYDAY_ZIPF = 6.0
EVERYDAY_SPAN = 3.0
EVERYDAY_FLOOR = 0.1
# Words only ever written with a capital (names of places, people, organisations) tell
# where or who, less what: shared names count, but less than shared subjects.
PROPER_NAME_FACTOR = 0.5


@dataclass
class KeyWord:
    word: str  # normalised (folded) word, as it goes into the query
    term: str  # its main term (stem)
    weight: float


@dataclass
class SimilarPractice:
    practice: Practice
    score: float
    shared_words: list[str] = field(default_factory=list)


def _everyday_factor(zipf: float | None) -> float:
    """Everyday words (*jaar*, *geven*, *staan*: Zipf ≥ 5) say little about a practice,
    however rare they are in a small knowledge bank; policy words (*armoede*, *loket*)
    and words no dictionary knows say much. Zipf: wordfreq's log10 frequency per
    billion words, as in the analyser's lexicon."""
    if zipf is None:
        return 1.0
    return min(1.0, max(EVERYDAY_FLOOR, (EVERYDAY_ZIPF - zipf) / EVERYDAY_SPAN))


@dataclass
class _Candidates:
    weights: dict[str, float]  # term → weighted count over the fields
    words: dict[str, str]  # term → the (normalised) word to query it with
    lower_case: set[str]  # terms written in lower case at least once (not only names)


def _candidates(practice: Practice, analyser) -> _Candidates:
    """The practice's words by weight; analysed without the index (no lock held)."""
    found = _Candidates({}, {}, set())
    for name, text in practice_fields(practice).items():
        field_weight = FIELD_WEIGHTS.get(name, 1.0)
        for token in analyser.token_spans(analyser.prepare(text)):
            written = token.group()
            word = analyser.normalise(written)
            if len(word) < MIN_WORD_LENGTH or not word.isalpha():
                continue
            term = analyser.term(word)
            found.weights[term] = found.weights.get(term, 0.0) + field_weight
            found.words.setdefault(term, word)
            if written[0].islower():
                found.lower_case.add(term)
    return found


def key_words(
    practice: Practice, index, limit: int = MAX_KEY_WORDS, candidates: _Candidates | None = None
) -> list[KeyWord]:
    """The words that say most about ``practice``: frequent in it, rare in the bank."""
    analyser = index.analyzer
    found = candidates or _candidates(practice, analyser)
    weights = found.weights
    total = max(len(index), 1)
    own = practice.pk in index
    scored = []
    for term in sorted(weights, key=lambda t: (-weights[t], t))[:MAX_CANDIDATES]:
        frequency = index.document_frequency(term)
        others = frequency - 1 if own else frequency
        if others <= 0 or frequency > MAX_DOCUMENT_SHARE * total:
            continue  # shared with no other practice, or with too many
        idf = math.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5))
        weight = weights[term]
        word = found.words[term]
        meaning = _everyday_factor(analyser.lexicon.get(word))
        if term not in found.lower_case:
            meaning *= PROPER_NAME_FACTOR  # a name: where, not what
        scored.append(KeyWord(word, term, meaning * idf * weight / (weight + K1)))
    scored.sort(key=lambda k: (-k.weight, k.term))
    return scored[:limit]


def similar_practices(practice: Practice, limit: int = DEFAULT_LIMIT) -> list[SimilarPractice]:
    """Up to ``limit`` published practices most like ``practice`` (never itself)."""
    analyser = shared_analyzer()
    candidates = _candidates(practice, analyser)
    with practice_search.current_index() as index:
        keys = key_words(practice, index, candidates=candidates)
        if not keys:
            return []
        # A few spare results: one may be the practice itself, one may be unexplainable.
        results = index.search(
            " ".join(k.word for k in keys), limit=limit + SPARE_RESULTS, facet_names=[]
        )
    hit_scores = {hit.id: hit.score for hit in results.hits if hit.id != practice.pk}
    by_id = (
        Practice.objects.select_related("owner")
        .defer("search_terms", "body")
        .in_bulk(list(hit_scores))
    )
    rank = {k.term: position for position, k in enumerate(keys)}
    best = max(hit_scores.values(), default=0.0)
    similar = []
    for pk, score in hit_scores.items():
        other = by_id.get(pk)
        if other is None or score < MIN_SHARE_OF_BEST_SCORE * best:
            continue
        words = shared_words(other, rank, analyser)
        # A result we cannot explain (matched through word parts only), or that shares a
        # single word, is left out.
        if len(words) >= MIN_SHARED_WORDS:
            similar.append(SimilarPractice(other, score, words))
        if len(similar) == limit:
            break
    return similar


def shared_words(other: Practice, rank: dict[str, int], analyser) -> list[str]:
    """The key words (``rank``: term → position) that ``other`` contains, as written
    there, best-ranked first; whole words before compounds that hold a key word."""
    texts = [other.title, other.summary, " ".join(other.tags or []), other.body_text or ""]
    whole: dict[str, str] = {}
    inside: dict[str, str] = {}
    for text in texts:
        prepared = analyser.prepare(text or "")
        for token in analyser.token_spans(prepared):
            written = token.group()
            terms = analyser.word_terms(written)
            if not terms:
                continue
            if terms[0] in rank:
                whole.setdefault(terms[0], written)
            else:
                for part in terms[1:]:
                    if part in rank:
                        inside.setdefault(part, written)
    chosen = sorted(whole, key=rank.get)
    if len(chosen) < MAX_REASON_WORDS:
        chosen += [t for t in sorted(inside, key=rank.get) if t not in whole]
    found = {**inside, **whole}
    words = []
    for term in chosen:
        if found[term].casefold() not in {w.casefold() for w in words}:
            words.append(found[term])
    return words[:MAX_REASON_WORDS]
