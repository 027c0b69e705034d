"""An in-memory full-text index for Dutch documents, ranked with BM25F.

:class:`SearchIndex` ties the parts together, each in a module of its own:

* :mod:`~kennisschakel.engines.text.termcounts`: a document's analysed term counts (what
  a caller may store and index again without analysing);
* :mod:`~kennisschakel.engines.text.postings`: documents in slots, the postings with
  BM25F's saturated term frequencies (base and delta), removal and compaction;
* :mod:`~kennisschakel.engines.text.scoring`: one query scored over every slot: the plain
  BM25F "any word" ranking, or *coverage* (strong matches, partial compound matches);
* :mod:`~kennisschakel.engines.text.ranking`: the page of results and each hit's terms;
* :mod:`~kennisschakel.engines.text.facets`: facet filters and counts;
* :mod:`~kennisschakel.engines.text.index_files`: saving and memory-mapping an index;
* :mod:`~kennisschakel.engines.text.spelling`: the words of spelling suggestions.

Not thread-safe: callers serialise access (the Django adapter holds a lock).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.compounds import MIN_PART_LENGTH
from kennisschakel.engines.text.index_files import (
    INDEX_FORMAT,
    MANIFEST,
    SAVED_HEADROOM_FRACTION,
    SAVED_HEADROOM_MIN,
    open_index,
    save_index,
)
from kennisschakel.engines.text.postings import (
    DEFAULT_B,
    DEFAULT_FIELD_WEIGHTS,
    DEFAULT_K1,
    MAX_AVERAGE_DRIFT,
    MAX_FIELD_TF,
    OTHER_FIELD_WEIGHT,
    OTHER_FIELDS,
    SAT_CHUNK,
    Postings,
)
from kennisschakel.engines.text.query import (
    DEFAULT_SYNONYM_WEIGHT,
    Concept,
    parse_query,
    query_terms,
)
from kennisschakel.engines.text.ranking import matched_terms, top_slots
from kennisschakel.engines.text.scoring import (
    COUNT_MASK,
    FIRST_FLAG,
    HEAD_FLAG,
    MEETS,
    MIN_COVERAGE,
    MODIFIER_FACTOR,
    PART_ONLY_FACTOR,
    PARTIAL_FACTOR,
    STRONG_COVERAGE,
    QueryScorer,
)
from kennisschakel.engines.text.spelling import SpellingVocabulary
from kennisschakel.engines.text.termcounts import (
    ANALYSIS_KEY,
    FORMS_KEY,
    LENGTH_KEY,
    PART_MARK,
    TermCounts,
    analyse,
    has_forms,
    is_current,
    merge_fields,
    read_term_counts,
)

# Zipf frequency lent to a word the corpus knows but the lexicon does not, when
# splitting query compounds (see compounds.py: parts need a frequency).
CORPUS_WORD_ZIPF = 3.0

__all__ = [
    "ANALYSIS_KEY",
    "CORPUS_WORD_ZIPF",
    "COUNT_MASK",
    "DEFAULT_B",
    "DEFAULT_FIELD_WEIGHTS",
    "DEFAULT_K1",
    "FIRST_FLAG",
    "FORMS_KEY",
    "HEAD_FLAG",
    "INDEX_FORMAT",
    "LENGTH_KEY",
    "MANIFEST",
    "MAX_AVERAGE_DRIFT",
    "MAX_FIELD_TF",
    "MEETS",
    "MIN_COVERAGE",
    "MODIFIER_FACTOR",
    "OTHER_FIELDS",
    "OTHER_FIELD_WEIGHT",
    "PARTIAL_FACTOR",
    "PART_MARK",
    "PART_ONLY_FACTOR",
    "SAT_CHUNK",
    "SAVED_HEADROOM_FRACTION",
    "SAVED_HEADROOM_MIN",
    "STRONG_COVERAGE",
    "Document",
    "Hit",
    "SearchIndex",
    "SearchResults",
    "TermCounts",
    "has_forms",
    "is_current",
    "merge_fields",
]


@dataclass
class Document:
    id: int
    fields: dict[str, str]
    facets: dict[str, list[str]] = field(default_factory=dict)
    sort_key: float = 0.0  # orders an empty query's results and breaks ties, higher first


@dataclass
class Hit:
    id: int
    score: float
    matched_terms: list[str]
    coverage: float = 1.0  # idf-weighted share of the query's concepts covered
    strong: bool = True  # coverage >= STRONG_COVERAGE (always for an empty query)


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    facet_counts: dict[str, dict[str, int]]
    query_terms: list[str]
    strong_total: int = 0  # of ``total``, the strong matches (they come first)


class SearchIndex:
    def __init__(
        self,
        analyzer: DutchAnalyzer | None = None,
        field_weights: dict[str, float] | None = None,
        *,
        k1: float = DEFAULT_K1,
        b: float = DEFAULT_B,
        field_b: dict[str, float] | None = None,
        synonym_weight: float = DEFAULT_SYNONYM_WEIGHT,
        max_delta_docs: int = 2000,
        max_dead_fraction: float = 0.25,
        auto_compact: bool = True,
        coverage: bool = False,
        part_markers: bool = False,
    ):
        self.analyzer = analyzer or DutchAnalyzer()
        # analyse() marks the terms a field holds only as compound parts (PART_MARK).
        self.part_markers = part_markers
        self.synonym_weight = synonym_weight
        # Coverage scoring (see kennisschakel.engines.text.scoring); off: the sum of the
        # concepts' scores times the share of concepts matched, every match counted (the
        # ranking the matchmaking engine was tuned on).
        self.coverage = coverage
        self._store = Postings(
            field_weights,
            k1=k1,
            b=b,
            field_b=field_b,
            max_delta_docs=max_delta_docs,
            max_dead_fraction=max_dead_fraction,
            auto_compact=auto_compact,
        )
        self._spelling = SpellingVocabulary()  # the documents' words, for suggestions
        self.meta: dict = {}  # the caller's data stored with a saved index

    # -- size and settings ----------------------------------------------------

    def __len__(self) -> int:
        return len(self._store.slot_of)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._store.slot_of

    def nbytes(self) -> int:
        """Approximate memory held by the index's arrays (not the Python dicts)."""
        return self._store.nbytes()

    @property
    def delta_docs(self) -> int:
        """Documents added since the base was built (also replacements)."""
        return self._store.delta_docs

    @property
    def field_names(self) -> list[str]:
        return self._store.field_names

    @property
    def k1(self) -> float:
        return self._store.k1

    @property
    def auto_compact(self) -> bool:
        # Off for an index opened from files (see Postings.auto_compact).
        return self._store.auto_compact

    @auto_compact.setter
    def auto_compact(self, value: bool) -> None:
        self._store.auto_compact = value

    # -- persistence ----------------------------------------------------------

    def save(self, directory: Path | str, meta: Mapping | None = None) -> None:
        """Write the index to ``directory`` (new or empty) as .npy arrays plus a JSON
        manifest, compacting first. :meth:`open` maps the files instead of reading
        them, so processes that open the same files share one copy in the page cache.

        ``meta`` (JSON-serialisable) is stored in the manifest for the caller, e.g.
        the watermark of the data the index was built from.
        """
        save_index(self, directory, meta)

    @classmethod
    def open(cls, directory: Path | str, analyzer: DutchAnalyzer | None = None, **options):
        """An index over the files :meth:`save` wrote, memory-mapped: opening costs
        milliseconds and the arrays stay shared with every other process that maps
        them. Changes (add, remove) stay in this process: they go to a small delta
        and copy-on-write pages; the base is never compacted here (``auto_compact``
        is off) — save a compacted index elsewhere and open that instead."""
        return open_index(cls, directory, analyzer, **options)

    # -- analysis -----------------------------------------------------------

    def analyse(self, fields: Mapping[str, str], labels: bool = False) -> TermCounts:
        """Per-field term counts of a document; JSON-serialisable, so a caller can
        store them and later rebuild with :meth:`add_analysed` without analysing.
        Each field also holds its word count under ``LENGTH_KEY`` and its distinct
        words (folded, sorted) under ``FORMS_KEY``, for spelling suggestions.

        With ``part_markers``, the terms a field holds only as compound parts are marked
        (``PART_MARK``); with ``labels`` too, every term is marked: the fields are labels
        (the names of a document's categories), not words of its own text."""
        return analyse(self.analyzer, fields, self.part_markers, labels)

    # -- changes ------------------------------------------------------------

    def add(self, doc: Document) -> None:
        """Add a document, or replace the one with the same id."""
        self.add_analysed(doc.id, self.analyse(doc.fields), doc.facets, doc.sort_key)

    def add_many(self, docs: Iterable[Document]) -> None:
        """Add (or replace) many documents, then compact once: the fast bulk build."""
        for doc in docs:
            self.add(doc)
        self.compact()

    def add_analysed(
        self,
        doc_id: int,
        term_counts: TermCounts,
        facets: Mapping[str, Iterable[str]] | None = None,
        sort_key: float = 0.0,
    ) -> None:
        """Add (or replace) a document from term counts made by :meth:`analyse`.

        Its words join the spelling vocabulary (a replaced document's words are not
        taken out: document frequencies there are approximate until a rebuild)."""
        if doc_id in self._store.slot_of:
            self.remove(doc_id)
        terms = read_term_counts(term_counts)
        self._store.add(doc_id, terms.fields, terms.part_only, facets, sort_key)
        if terms.forms:
            self._spelling.add_document(terms.forms)

    def remove(self, doc_id: int) -> None:
        """Remove a document; unknown ids are ignored."""
        self._store.remove(doc_id)

    def compact(self) -> None:
        """Merge the delta into the base, drop removed documents and recompute
        every tf~ with the current average field lengths."""
        self._store.compact()

    def document_frequency(self, term: str) -> int:
        """In how many slots ``term`` occurs (dead slots of removed documents included:
        an upper bound, for ranking words, e.g. *vergelijkbare praktijken*)."""
        found = self._store.postings(term)
        return 0 if found is None else len(found[0])

    def _corpus_zipf(self, word: str) -> float | None:
        """Lets query compounds split into words the corpus uses (stemmed terms)."""
        if len(word) < MIN_PART_LENGTH or word in self.analyzer.stopwords:
            return None
        return CORPUS_WORD_ZIPF if self.analyzer.stem(word) in self._store.term_ids else None

    # -- searching ----------------------------------------------------------

    def search(
        self,
        query: str,
        filters: dict[str, set[str]] | None = None,
        limit: int = 20,
        offset: int = 0,
        facet_names: list[str] | None = None,
        allowed_ids: set[int] | None = None,
        strong_only: bool = False,
    ) -> SearchResults:
        """Documents matching ``query`` and ``filters``, best first: the strong
        matches (see *Coverage* in :mod:`kennisschakel.engines.text.scoring`) before the
        others.

        ``filters``: AND across facet names, OR within a facet's values; a facet
        with no values does not filter. An empty query (or one of stop words
        only) returns every document that passes, by sort_key (desc) then id.
        ``facet_counts`` (for ``facet_names``, default all) count the matches over
        every page, each facet under the filters of the *other* facets, so a
        filter's own alternatives keep their counts. ``allowed_ids`` restricts
        the results (and counts) to those ids. ``strong_only`` leaves out the
        documents that only mention some of the query's concepts ("all words").
        """
        store = self._store
        store.maybe_compact()
        size = store.slots
        candidates = store.alive[:size].copy()
        if allowed_ids is not None:
            allowed = np.zeros(size, dtype=bool)
            allowed[store.slot_of.slots_of(allowed_ids)] = True
            candidates &= allowed
        filter_masks = store.facets.filter_masks(filters or {}, size)
        concepts = self.parse(query)
        scorer = QueryScorer(store, size)
        scores = strong = None
        if concepts:
            if self.coverage:
                scores, coverage, meaningful = scorer.coverage(concepts)
            else:
                scores = scorer.any_word(concepts)
                coverage, meaningful = np.ones(size, dtype=np.float32), scores > 0
            candidates &= meaningful
            strong = coverage >= STRONG_COVERAGE - 1e-6
            if strong_only:
                candidates &= strong
        matches = candidates.copy()
        for mask in filter_masks.values():
            matches &= mask

        total = int(np.count_nonzero(matches))
        if scores is None:
            order = store.blank_order()
            page = order[matches[order]][offset : offset + limit]
            hits = [Hit(int(store.ids[slot]), 0.0, []) for slot in page]
            strong_total = total
        else:
            page = top_slots(
                np.flatnonzero(matches), scores, offset, limit, store.ids, store.sort_keys, strong
            )
            terms_of = self._matched_terms(page, scorer.postings)
            hits = [
                Hit(
                    int(store.ids[slot]),
                    float(scores[slot]),
                    terms,
                    float(coverage[slot]),
                    bool(strong[slot]),
                )
                for slot, terms in zip(page, terms_of, strict=True)
            ]
            strong_total = int(np.count_nonzero(matches & strong))
        facet_counts = store.facets.counts(
            facet_names, candidates, filter_masks, filters or {}, store.packed_facets()
        )
        return SearchResults(
            total=total,
            hits=hits,
            facet_counts=facet_counts,
            query_terms=query_terms(concepts),
            strong_total=strong_total,
        )

    @staticmethod
    def _matched_terms(page: np.ndarray, postings: dict) -> list[list[str]]:
        """Per slot of the page, the query terms it holds (a subclass may skip this)."""
        return matched_terms(page, postings)

    def parse(self, query: str) -> list[Concept]:
        """The query's concepts, compounds split against the lexicon and this corpus."""
        return parse_query(query, self.analyzer, self._corpus_zipf, self.synonym_weight)

    # -- spelling -----------------------------------------------------------

    def suggest(self, query: str) -> str | None:
        """``query`` with each word the index cannot match replaced by the nearest word
        the documents contain (*Bedoelde u …?*), or None when no word needs or finds a
        replacement. The rest of the query is kept as typed."""
        analyzer = self.analyzer
        text = analyzer.prepare(query)
        pieces: list[str] = []
        position = 0
        for token in analyzer.token_spans(text):
            word = analyzer.normalise(token.group())
            if not word or self._matches_anything(word):
                continue
            replacement = self._spelling.nearest(word, accept=self._in_live_document)
            if replacement is not None:
                pieces += [text[position : token.start()], replacement]
                position = token.end()
        if not pieces:
            return None
        pieces.append(text[position:])
        return "".join(pieces)

    def _in_live_document(self, word: str) -> bool:
        """Whether the (normalised) word's own term is in a live document."""
        return self._store.weighted_postings(self.analyzer.term(word)) is not None

    def _matches_anything(self, word: str) -> bool:
        """Whether a query of this one (normalised) word matches a live document in
        full through one of its alternatives (as typed, compound parts, synonyms)."""
        if self._in_live_document(word):
            return True
        for concept in self.parse(word):
            for alternative in concept.alternatives:
                if all(self._store.weighted_postings(t) is not None for t in alternative.terms):
                    return True
        return False
