"""What the question says, for the text search and the explanation: the question
without its filler words (:func:`topic_text`) and, per result shown, the question's words
its text matched (:func:`topic_words`, the topic reason's params)."""

from __future__ import annotations

from kennisschakel.engines.matching.entities import ambiguous_names
from kennisschakel.engines.text.analysis import NAME_JOIN, DutchAnalyzer
from kennisschakel.engines.text.query import parse_query
from kennisschakel.engines.text.search import SearchIndex


def topic_text(
    analyzer: DutchAnalyzer,
    filler: frozenset[str],
    text: str,
    known: frozenset[str] = frozenset(),
    asking: dict[str, str] | None = None,
) -> str:
    """The question without its filler words (data/question_filler.txt) and without
    the ``known`` name terms (the asker's own partners it names), each compound that
    asks for a kind of suggestion (``asking``, ``Matcher.asking_words``) replaced by its
    modifier, for the text search; the whole question when nothing else is left."""
    kept = []
    dropped = False
    asking = asking or {}
    for word in analyzer.words(text):
        term = analyzer.term(word)
        if (NAME_JOIN not in word and term in filler) or term in known:
            dropped = True
            continue
        if NAME_JOIN not in word and word in asking:
            dropped = True
            word = asking[word]
        kept.append(word)
    if not dropped:
        return text
    return " ".join(kept) if kept else text


def topic_words(
    index: SearchIndex, filler: frozenset[str], text: str, doc_ids: set[int]
) -> dict[int, dict]:
    """The topic reason's params of the results shown: per concept of the question
    (a word, a synonym phrase or a name) that the result's text matched, the word as
    the result contains it — the question's word when the result has it (any
    inflection), else only the parts of the question's compound the result has
    (*kenniseconomie* → *kennis*). Question filler and stop words never appear."""
    if not doc_ids:
        return {}
    analyzer = index.analyzer
    concepts = []
    for concept in parse_query(
        text,
        analyzer,
        index._corpus_zipf,  # the same compound splits as the search itself
        index.synonym_weight,
    ):
        whole = concept.alternatives[0].terms if concept.alternatives else ()
        if len(whole) == 1 and whole[0] in filler:
            continue
        parts: dict[str, str] = {}  # stem → the part as the question writes it
        part_terms: set[str] = set()
        compound = any(len(alt.terms) > 1 for alt in concept.alternatives[1:])
        if len(whole) == 1 and compound and NAME_JOIN not in concept.text:
            # One split (not cached: it consults the corpus), only for compounds.
            for part in analyzer.splitter.parts(concept.text, index._corpus_zipf):
                stem = analyzer.stem(part)
                part_terms.add(stem)
                if stem not in filler:
                    parts.setdefault(stem, part)
        concepts.append(
            (
                display(analyzer, concept.text),
                frozenset(whole),
                frozenset(concept.terms),
                parts,
                part_terms,
            )  # fmt: skip
        )
    found = index.search(text, limit=len(doc_ids), facet_names=[], allowed_ids=doc_ids)
    words = {}
    for hit in found.hits:
        matched = set(hit.matched_terms)
        shown: list[str] = []
        for word, whole, terms, parts, part_terms in concepts:
            hit_terms = matched & terms
            if not hit_terms:
                continue
            if whole and whole <= matched:
                shown.append(word)
            elif hit_terms - part_terms - filler:
                shown.append(word)  # through a synonym of the word
            else:
                shown.extend(part for term, part in parts.items() if term in hit_terms)
        words[hit.id] = {"terms": list(dict.fromkeys(shown))}
    return words


def display(analyzer: DutchAnalyzer, word: str) -> str:
    """A concept as shown: a protected name as it is written in the register (not an
    ordinary word that is also a name: "buren" stays "buren")."""
    if NAME_JOIN not in word and word in ambiguous_names():
        return word
    return analyzer.name_display(word)
