"""From a query string to weighted alternatives of terms.

A query is a list of *concepts*, one per word or per recognised synonym phrase.
Each concept can be met in several ways (*alternatives*), each a group of terms
with a weight:

* the words as typed (weight 1.0);
* a compound's parts, for a document that writes them apart
  (*armoedebestrijding* → armoed + bestrijd, ``COMPOUND_WEIGHT``), and its
  smallest parts when it splits further (``LEAVES_WEIGHT``);
* the other members of a synonym group (*Wmo* → maatschappelijk +
  ondersteuning, ``synonym_weight``, 0.7 by default).

The index scores an alternative as the mean score of its terms (so a
three-word synonym weighs no more than a single word), and a concept as its
best alternative; see :mod:`kennisschakel.text.search`.
"""

from dataclasses import dataclass

from kennisschakel.text.compounds import ZipfLookup

COMPOUND_WEIGHT = 0.9
LEAVES_WEIGHT = 0.8
DEFAULT_SYNONYM_WEIGHT = 0.7


@dataclass(frozen=True)
class Alternative:
    weight: float
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Concept:
    text: str
    alternatives: tuple[Alternative, ...]

    @property
    def terms(self) -> list[str]:
        return list(dict.fromkeys(t for alt in self.alternatives for t in alt.terms))


def parse_query(
    query: str,
    analyzer,
    extra: ZipfLookup | None = None,
    synonym_weight: float = DEFAULT_SYNONYM_WEIGHT,
) -> list[Concept]:
    """Concepts of ``query``; ``extra`` adds known words (the corpus) for splitting."""
    words = analyzer.words(query)
    main_terms = [analyzer.term(word) for word in words]
    synonyms = analyzer.synonyms
    concepts: list[Concept] = []
    position = 0
    while position < len(words):
        match = synonyms.match(main_terms, position)
        length = match.length if match else 1
        span = tuple(main_terms[position : position + length])
        alternatives = {span: 1.0}
        if length == 1:
            for weight, parts in _compound_alternatives(analyzer, words[position], extra):
                alternatives.setdefault(parts, weight)
        for phrase in match.others if match else ():
            alternatives[phrase] = max(alternatives.get(phrase, 0.0), synonym_weight)
        concept = Concept(
            text=" ".join(words[position : position + length]),
            alternatives=tuple(Alternative(w, terms) for terms, w in alternatives.items()),
        )
        if concept not in concepts:
            concepts.append(concept)
        position += length
    return concepts


def _compound_alternatives(analyzer, word: str, extra: ZipfLookup | None):
    options = analyzer.compound_alternatives(word, extra)
    for index, parts in enumerate(options):
        yield (COMPOUND_WEIGHT if index == 0 else LEAVES_WEIGHT), parts


def query_terms(concepts: list[Concept]) -> list[str]:
    """Every term the query may match, in order, without duplicates."""
    return list(dict.fromkeys(term for concept in concepts for term in concept.terms))
