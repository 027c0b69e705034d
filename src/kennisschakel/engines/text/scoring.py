"""Scoring one query over every slot of the search index: BM25F, and coverage.

Ranking
-------
BM25F (Robertson & Zaragoza, "The Probabilistic Relevance Framework", 2009)
first combines a term's frequencies over the fields, each weighted and
length-normalised, and saturates only the sum::

    tf~(t, d) = Σ_f  w_f · tf_f(t, d) / (1 − b_f + b_f · len_f(d) / avglen_f)
    score(t, d) = idf(t) · tf~ / (k1 + tf~)
    idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5))

* ``w_f``: field weights, title > summary > body (``DEFAULT_FIELD_WEIGHTS``).
  Fields without a weight of their own share one column weighted ``OTHER_FIELD_WEIGHT``.
* ``k1`` (1.2): how quickly repeats of a term stop adding to the score; a term
  said ten times is worth less than twice as much as one said five times.
* ``b`` (0.75, per field via ``field_b``): how much a long field is penalised;
  0 ignores length, 1 divides fully by the length relative to the average.
* ``idf``: rare terms weigh more than common ones.

(tf~ and the idf are kept by :mod:`kennisschakel.engines.text.postings`.)

A query is a list of concepts (see :mod:`kennisschakel.engines.text.query`); a concept
scores as its best alternative, an alternative as the mean of its terms'
scores times its weight. Concepts add up, and the sum is multiplied by the
fraction of concepts the document matches, so documents that match every word
of a query come first. Matching is "any word" (OR): documents with only some
words are still found, lower down. That is the plain ranking; *coverage* below
refines it.

Coverage
--------
With ``coverage=True`` (the knowledge-bank search; the matchmaking engine keeps the
plain ranking described above until it opts in):

An alternative of several terms (a query compound's parts, a synonym phrase) is
met only when the document holds *all* of them. Holding some of them is a partial
match, of two kinds:

* a query compound's first part, the most specific one, with or without other parts
  (*klimaat* of *klimaatbeleid* in a text on *klimaatadaptatie*; *afval* and *project*
  of *afvalscheidingsproject* in one on an *afvalproject*): on topic, but not what was
  asked; score and coverage are multiplied by ``MODIFIER_FACTOR`` (coverage also by
  the share of the parts before the head present);
* anything else, notably a compound's head alone (the *zorg* of *jeugdzorg* in a text
  about *mantelzorg*, the *economie* of *kenniseconomie*, the *beleid* of
  *klimaatbeleid*) or one word of a synonym phrase: multiplied by ``PARTIAL_FACTOR``
  (times the share of the terms present), far below a real match.

A document's term may come only from the parts of its own compounds (its *zorg* only
from *verslavingszorg*), or from a label rather than its text (the name of a category it
is filed under, *Wmo en zorg*). Documents analysed with ``part_markers`` carry a marker
for such terms (``PART_MARK`` + term), and a query compound met in part *only* through
such terms weighs next to nothing (``PART_ONLY_FACTOR``) and does not make a document a
result: *zorgverzekeraar* is not met by *verslavingszorg*. (A query
compound whose every part the document holds, in whatever words, is met in full:
*schuldhulp* in *schuldhulpverlening*.)

A document's **coverage** is the share of the query's concepts it covers, each
concept weighted by its own rarity (the idf of the documents that fully match it), so
that a word found nearly everywhere (*gemeente*) matters little and an unknown word
(a typo) matters most. The summed score is multiplied by the square of the coverage,
so that among documents that cover less, covering more counts for more. Documents
with a coverage of at least ``STRONG_COVERAGE`` are **strong** matches and always
rank before the others (which merely *also mention* some of the words);
``SearchResults.strong_total`` counts them, and ``strong_only`` keeps only them (the
"all words" option).

Not every document that shares a term is a result. A document is found when the
concepts it *meets* (in full, or through a compound's modifiers) weigh at least
``MIN_COVERAGE`` of the concepts the collection meets at all: a text that only shares
a word found nearly everywhere (*gemeente*), or only the head of a query compound, is
left out — also when nothing else is found: an empty result is more honest than
*Harderwijk* answered with *wijk*, and the page then offers a spelling suggestion and
a way to ask for help.
"""

import math
from functools import cache

import numpy as np

from kennisschakel.engines.text.postings import Postings
from kennisschakel.engines.text.query import Alternative, Concept
from kennisschakel.engines.text.termcounts import PART_MARK

# An alternative of several terms met only in part (a compound's head alone): its
# score, and how far it covers its concept, are multiplied by this.
PARTIAL_FACTOR = 0.2
# A query compound met in part only through terms a document holds only as parts of its
# own compounds (or in labels, see PART_MARK): its score is multiplied by this, and it
# does not meet the concept (alone it makes no result).
PART_ONLY_FACTOR = 0.05
# A query compound met through its modifiers but without its head: related, not asked.
MODIFIER_FACTOR = 0.5
# A concept met at least this far (in full, or through all of a compound's modifiers,
# or through one of two modifiers) makes a document a result.
MEETS = MODIFIER_FACTOR / 2
# Bits of the per-slot uint8 that counts an alternative's terms present (at most 63).
COUNT_MASK, FIRST_FLAG, HEAD_FLAG = 63, 64, 128
# Coverage (idf-weighted share of the query's concepts) of a strong match: all of
# two or three equally rare concepts, three of four.
STRONG_COVERAGE = 0.75
# Least share of the (known) concepts' weight a document must meet in full to be found.
MIN_COVERAGE = 0.1


@cache
def _partial_tables(terms: int, compound: bool) -> tuple[np.ndarray, np.ndarray]:
    """For an alternative of ``terms`` terms, indexed by a slot's code (terms present +
    FIRST_FLAG / HEAD_FLAG): the factor on its score and how far it meets the concept.
    Partial matches: a compound's first part (its most specific) counts for
    MODIFIER_FACTOR, anything else (its head alone, one word of a phrase) for
    PARTIAL_FACTOR."""
    codes = np.arange(256)
    count = (codes & COUNT_MASK).astype(np.float32)
    factors = np.full(256, PARTIAL_FACTOR, dtype=np.float32)
    meets = (PARTIAL_FACTOR / terms) * count
    if compound:
        first = (codes & FIRST_FLAG) > 0
        modifiers = count - ((codes & HEAD_FLAG) > 0)
        factors[first] = MODIFIER_FACTOR
        meets[first] = MODIFIER_FACTOR * modifiers[first] / (terms - 1)
    full = count == terms
    factors[full] = 1.0
    meets[full] = 1.0
    return factors, meets.astype(np.float32)


@cache
def _code_tables(terms: int, compound: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_partial_tables as three tables a whole array of codes is looked up in at once:
    the factor on the score (a code without any term of its own: a part-only match),
    1.0 where the code meets the alternative in full, and how far it meets it in part
    (0.0 where in full or not at all)."""
    factors, meets = _partial_tables(terms, compound)
    factors = factors.copy()
    factors[(np.arange(256) & COUNT_MASK) == 0] = PART_ONLY_FACTOR
    in_full = (meets >= 1.0).astype(np.float32)
    in_part = np.where(meets < 1.0, meets, np.float32(0.0)).astype(np.float32)
    return factors, in_full, in_part


class QueryScorer:
    """Scores one query's concepts over the first ``size`` slots of ``postings``.

    Dense arrays over every slot, each made in one pass from the query's term vectors:
    at national scale a query's terms touch most documents, and a term comes back in
    several alternatives and concepts (as typed, as compound parts, in synonyms), so it
    is scattered once per query and then only added."""

    def __init__(self, postings: Postings, size: int):
        self.store = postings
        self.size = size
        self.live = len(postings.slot_of)
        # term → its slots with idf · tf~ (None: no live document holds it), in the
        # order the query met them: also which terms a hit holds (matched_terms).
        self.postings: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
        self._vectors: dict[str, np.ndarray | None] = {}  # per term: see _term_vector

    def any_word(self, concepts: list[Concept]) -> np.ndarray:
        """Without coverage scoring: a concept scores as its best alternative, an
        alternative as the mean of its terms' scores (present or not) times its weight;
        the sum is multiplied by the share of the concepts matched."""
        total = np.zeros(self.size, dtype=np.float32)
        matched = np.zeros(self.size, dtype=np.float32)
        for concept in concepts:
            best = None
            for alternative in concept.alternatives:
                terms = alternative.terms
                score, _indexed = self._summed(terms, alternative.weight / len(terms))
                if score is not None:
                    best = score if best is None else np.maximum(best, score, out=best)
            if best is not None:
                total += best
                matched += best > 0
        if len(concepts) > 1:
            total *= matched / len(concepts)
        return total

    def coverage(self, concepts: list[Concept]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per slot: the score (summed concepts times coverage squared), the coverage,
        and whether the concepts met weigh enough to make it a result."""
        size, live = self.size, self.live
        alive = self.store.alive[:size] if self.store.dead else None
        total = np.zeros(size, dtype=np.float32)
        covered = np.zeros(size, dtype=np.float32)
        # The weight of the concepts met (in full or enough in part); the same as
        # ``covered`` until a concept is met in part (made then, to save passes).
        covered_met = None
        weights = known_weights = 0.0
        for concept in concepts:
            # best: the concept's score; full: met in full by some alternative;
            # partial: how far partial matches meet it (only where not in full).
            # clean: the best score of the alternatives met in full (only kept apart
            # from ``best`` once some alternative is met in part).
            best = clean = partial = None
            for alternative in concept.alternatives:
                found = self._alternative(alternative)
                if found is None:
                    continue
                score, score_in_full, met = found
                if score_in_full is None:
                    if best is None:
                        best = score
                        continue
                    if clean is not None:
                        np.maximum(clean, score, out=clean)
                    np.maximum(best, score, out=best)
                    continue
                if best is None:
                    best, clean = score, score_in_full
                else:
                    if clean is None:
                        clean = best.copy()
                    np.maximum(clean, score_in_full, out=clean)
                    np.maximum(best, score, out=best)
                partial = met if partial is None else np.maximum(partial, met, out=partial)
            full = None if best is None else (clean if clean is not None else best) > 0
            # The concept's weight: the idf of the documents matching it in full (an
            # unknown word: as rare as can be).
            full_matches = 0
            if full is not None:
                full_matches = int(np.count_nonzero(full if alive is None else full & alive))
            weight = math.log(1.0 + (live - full_matches + 0.5) / (full_matches + 0.5))
            weights += weight
            if best is None:
                continue
            total += best
            w = np.float32(weight)
            if partial is not None and covered_met is None:
                covered_met = covered.copy()
            covered += full * w
            if partial is None:
                if full_matches:
                    known_weights += weight
                    if covered_met is not None:
                        covered_met += full * w
                continue
            partial[full] = 0.0
            covered += w * partial
            meets = full | (partial >= MEETS)
            if np.count_nonzero(meets if alive is None else meets & alive):
                known_weights += weight
                covered_met += meets * w
        coverage = covered / np.float32(weights) if weights > 0 else covered
        total *= coverage * coverage
        if covered_met is None:
            covered_met = covered
        meaningful = covered_met > 0
        meaningful &= covered_met >= np.float32(MIN_COVERAGE * known_weights * (1 - 1e-6))
        return total, coverage, meaningful

    def _summed(self, terms, share: float) -> tuple[np.ndarray | None, list[str]]:
        """``share`` × idf · tf~ summed per slot over ``terms`` (a new array), and the
        terms some live document holds; None, []: none does."""
        share = np.float32(share)
        indexed = [term for term in terms if self._term_vector(term) is not None]
        if not indexed:
            return None, indexed
        vectors = self._vectors
        score = vectors[indexed[0]] * share
        for term in indexed[1:]:
            score += vectors[term] * share
        return score, indexed

    def _alternative(self, alternative: Alternative):
        """One alternative's score per slot (partial matches weighed down), the score
        where it is met in full and how far it is met in part, per slot (None, None:
        met in full wherever it scores); None: none of its terms is indexed."""
        terms = tuple(dict.fromkeys(alternative.terms))
        score, indexed = self._summed(terms, alternative.weight / len(terms))
        if score is None:
            return None
        if len(terms) == 1:
            return score, None, None
        # Per slot, the number of terms present plus a flag for a compound's first
        # part and one for its head: a code into _code_tables. ``whole``: the same,
        # counting a compound's terms only where the document has them as words of
        # their own (not only inside its compounds; see PART_MARK).
        present = np.zeros(self.size, dtype=np.uint8)
        whole = None
        for term in indexed:
            flag = np.uint8(1)
            if alternative.compound and term == terms[0]:
                flag += np.uint8(FIRST_FLAG)
            elif alternative.compound and term == terms[-1]:
                flag += np.uint8(HEAD_FLAG)
            holds = self._vectors[term] > 0
            present += holds * flag
            parts_only = self._part_only_mask(term) if alternative.compound else None
            if parts_only is not None and whole is None:
                whole = present.copy()  # the terms so far, then this one without
                whole -= holds * flag
            if whole is not None:
                whole += (holds & ~parts_only if parts_only is not None else holds) * flag
        factors, in_full, in_part = _code_tables(len(terms), alternative.compound)
        codes = present
        if whole is not None:
            # Met in full: every term present, in whatever words. Met in part: only
            # through the terms the document has as words of their own.
            codes = np.where((present & COUNT_MASK) == len(terms), present, whole)
        score *= factors[codes]
        return score, score * in_full[codes], in_part[codes]

    def _term_vector(self, term: str) -> np.ndarray | None:
        """The term's idf · tf~ per slot (0.0 where absent) — every slot holding it
        is positive — made once per query; None when no live document holds it."""
        postings = self.postings
        if term not in postings:
            postings[term] = self.store.weighted_postings(term)
        if postings[term] is None:
            return None
        vector = self._vectors.get(term)
        if vector is None:
            slots, weighted = postings[term]
            vector = self._vectors[term] = np.zeros(self.size, dtype=np.float32)
            vector[slots] = weighted
        return vector

    def _part_only_mask(self, term: str) -> np.ndarray | None:
        """Per slot, whether the document has ``term`` only as a part of its compounds
        (its PART_MARK posting); None: nowhere. Marks only slots holding the term:
        analyse() marks only terms a field holds, and add_analysed() posts a
        document's marks with its terms."""
        key = PART_MARK + term
        vectors = self._vectors
        if key not in vectors:
            marker = self.store.postings(key)
            if marker is None:
                vectors[key] = None
            else:
                mask = vectors[key] = np.zeros(self.size, dtype=bool)
                mask[marker[0]] = True
        return vectors[key]
