"""From a query string to weighted alternatives of terms.

A query is a list of *concepts*, one per word or per recognised synonym phrase.
Each concept can be met in several ways (*alternatives*), each a group of terms
with a weight:

* the words as typed (weight 1.0);
* a compound's parts, for a document that writes them apart
  (*armoedebestrijding* → armoed + bestrijd, ``COMPOUND_WEIGHT``), and its
  smallest parts when it splits further (``LEAVES_WEIGHT``);
* the other members of a synonym group (*Wmo* → maatschappelijk +
  ondersteuning, ``synonym_weight``, 0.7 by default);
* translations (English → Dutch) from :func:`translations`, the one hook point for
  cross-language search (``TRANSLATION_WEIGHT``).

The index scores an alternative as the mean score of its terms (so a
three-word synonym weighs no more than a single word), and a concept as its
best alternative; an alternative of several terms counts in full only where all of
them occur (see *Coverage* in :mod:`kennisschakel.engines.text.search`).
"""

from dataclasses import dataclass

from kennisschakel.engines.text.bilingual import dutch_translations
from kennisschakel.engines.text.compounds import ZipfLookup

COMPOUND_WEIGHT = 0.9
LEAVES_WEIGHT = 0.8
DEFAULT_SYNONYM_WEIGHT = 0.7
TRANSLATION_WEIGHT = 0.8
# Longest run of query words looked up as one phrase in :func:`translations`.
MAX_TRANSLATED_WORDS = 3


def translations(words: tuple[str, ...]) -> list[str]:
    """HOOK for cross-language search (issue 12): Dutch phrases meaning the query
    words ``words`` (folded, stop words left out; one word or a run of up to
    ``MAX_TRANSLATED_WORDS``), e.g. ("poverty", "reduction") → ["armoedebestrijding"].

    Each phrase is analysed like a synonym and added to the concept as an alternative
    weighing ``TRANSLATION_WEIGHT``; a run of several words that has translations
    becomes one concept. The English–Dutch lexicon of policy terms
    (``engines/text/bilingual.py``, ``data/bilingual_en_nl.tsv``) answers it.
    """
    return dutch_translations(words)


@dataclass(frozen=True)
class Alternative:
    weight: float
    terms: tuple[str, ...]
    # The parts of a query compound, in order: the last is its (grammatical) head, the
    # general word (*zorg* in *jeugdzorg*); the ones before it say what it is about.
    compound: bool = False


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
        translated: list[str] = []
        for run in range(min(MAX_TRANSLATED_WORDS, len(words) - position), 0, -1):
            if run < length:
                break
            translated = translations(tuple(words[position : position + run]))
            if translated:
                if run > length:
                    match, length = None, run
                break
        span = tuple(main_terms[position : position + length])
        alternatives = {span: 1.0}
        compound_parts = set()
        if length == 1:
            for weight, parts in _compound_alternatives(analyzer, words[position], extra):
                if parts not in alternatives:
                    alternatives[parts] = weight
                    compound_parts.add(parts)
        for phrase in match.others if match else ():
            alternatives[phrase] = max(alternatives.get(phrase, 0.0), synonym_weight)
        for phrase in filter(None, map(analyzer.main_terms, translated)):
            alternatives[phrase] = max(alternatives.get(phrase, 0.0), TRANSLATION_WEIGHT)
        concept = Concept(
            text=" ".join(words[position : position + length]),
            alternatives=tuple(
                Alternative(w, terms, terms in compound_parts) for terms, w in alternatives.items()
            ),
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
