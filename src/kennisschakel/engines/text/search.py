"""An in-memory full-text index for Dutch documents, ranked with BM25F.

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

Storage
-------
Documents get dense *slots*. Postings live in two places:

* the **base**: per term a run of (slot, field frequencies, saturated tf~) in
  numpy arrays (CSR layout, slots ascending), fast to score;
* the **delta**: flat ``array`` buffers of (term, slot, field, frequency) for
  documents added since the last compaction, scanned with numpy at query time.

Removing a document only marks its slot dead (a tombstone). Before a search the
index compacts, merging the delta into the base and dropping dead slots, when
the delta holds more than ``max_delta_docs`` documents, when more than
``max_dead_fraction`` of the slots are dead, or when the average field lengths
have drifted more than ``MAX_AVERAGE_DRIFT`` from those used for the base.

Not thread-safe: callers serialise access (the Django adapter holds a lock).
"""

import json
import math
import os
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.compounds import MIN_PART_LENGTH
from kennisschakel.engines.text.lookup import SlotMap, Vocabulary, write_sorted_terms
from kennisschakel.engines.text.query import (
    DEFAULT_SYNONYM_WEIGHT,
    Concept,
    parse_query,
    query_terms,
)
from kennisschakel.engines.text.spelling import SpellingVocabulary, is_form

DEFAULT_FIELD_WEIGHTS = {"title": 3.0, "summary": 1.5, "body": 1.0, "negative_lessons": 1.0}
OTHER_FIELDS = "*"
OTHER_FIELD_WEIGHT = 1.0
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75
MAX_FIELD_TF = 255  # stored as uint8; far beyond where k1 saturation flattens out
MAX_AVERAGE_DRIFT = 0.10
# Zipf frequency lent to a word the corpus knows but the lexicon does not, when
# splitting query compounds (see compounds.py: parts need a frequency).
CORPUS_WORD_ZIPF = 3.0
SAT_CHUNK = 1 << 21  # postings per step when recomputing tf~, to bound memory
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

# Files of a saved index (see SearchIndex.save).
INDEX_FORMAT = 1
MANIFEST = "manifest.json"
# Free slots saved after the last document, so an opened index takes a delta of new
# documents in its copy-on-write pages instead of copying every per-slot array.
SAVED_HEADROOM_MIN = 1024
SAVED_HEADROOM_FRACTION = 0.05

# In analysed term counts (with part_markers), a term of a field that occurs there only
# as a compound part also appears with this prefix (count 1). A document holds one
# posting of the marked term when every field that has the term marks it. Terms never
# contain '~'.
PART_MARK = "~"
# In analysed term counts, a top-level key (not a field) holding the analyzer's
# signature: counts stored under another signature are analysed again (is_current).
ANALYSIS_KEY = "#analysis"
# In analysed term counts, the number of words of a field (compound parts not
# counted), so that BM25F's length normalisation does not punish compounds.
# Terms never contain '#'.
LENGTH_KEY = "#words"
# In analysed term counts, the distinct (folded) words of a field as a list: the
# vocabulary of spelling suggestions. Not a term: add_analysed takes it out.
FORMS_KEY = "#forms"

TermCounts = dict[str, dict[str, int]]


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


def _packed(mask: np.ndarray, size: int) -> np.ndarray:
    """A boolean mask over ``size`` slots as 64-bit words of bits (zero-padded)."""
    packed = np.packbits(mask[:size])
    padding = -len(packed) % 8
    if padding:
        packed = np.concatenate([packed, np.zeros(padding, dtype=np.uint8)])
    return packed.view(np.uint64)


def has_forms(term_counts: Mapping) -> bool:
    """Whether stored term counts carry the words for spelling suggestions (counts
    stored before they did are analysed again when indexed)."""
    return any(
        FORMS_KEY in counts
        for name, counts in term_counts.items()
        if not name.startswith("#") and isinstance(counts, Mapping)
    )


def merge_fields(term_counts: Mapping, more: Mapping) -> dict:
    """Analysed term counts of one document with the fields of ``more`` added (a field
    of the same name replaced); the analysis signature stays that of ``term_counts``.
    Which terms the document holds only as compound parts is decided over all its
    fields when it is indexed (add_analysed)."""
    merged = {**term_counts, **{k: v for k, v in more.items() if k != ANALYSIS_KEY}}
    if ANALYSIS_KEY not in term_counts and ANALYSIS_KEY in more:
        merged[ANALYSIS_KEY] = more[ANALYSIS_KEY]
    return merged


def is_current(term_counts: Mapping, analyzer: DutchAnalyzer) -> bool:
    """Whether stored term counts were made by an analyzer like ``analyzer`` (same
    analysis version and protected names, see DutchAnalyzer.signature) and carry the
    words for spelling suggestions; other counts must be analysed again."""
    if not term_counts or not has_forms(term_counts):
        return False
    return term_counts.get(ANALYSIS_KEY) == analyzer.signature


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
        weights = dict(field_weights or DEFAULT_FIELD_WEIGHTS)
        self.field_names = [*weights, OTHER_FIELDS]
        self._column = {name: index for index, name in enumerate(weights)}
        self._other_column = len(weights)
        self._weights = np.array([*weights.values(), OTHER_FIELD_WEIGHT], dtype=np.float64)
        field_b = field_b or {}
        self._b = np.array([field_b.get(name, b) for name in self.field_names], dtype=np.float64)
        self.k1 = k1
        self.synonym_weight = synonym_weight
        self.max_delta_docs = max_delta_docs
        self.max_dead_fraction = max_dead_fraction
        # Off for an index opened from files: compacting would copy the shared base
        # into this process; the owner of the files compacts and saves instead.
        self.auto_compact = auto_compact
        # Coverage scoring (see the module docstring); off: the sum of the concepts'
        # scores times the share of concepts matched, every match counted (the ranking
        # the matchmaking engine was tuned on).
        self.coverage = coverage
        columns = len(self.field_names)

        # Per slot. Arrays grow by doubling; only [:self._slots] is in use.
        self._slots = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._alive = np.zeros(0, dtype=bool)
        self._sort_keys = np.zeros(0, dtype=np.float64)
        self._lengths = np.zeros((0, columns), dtype=np.float32)
        self._slot_of = SlotMap()
        self._dead = 0
        self._length_sums = np.zeros(columns, dtype=np.float64)  # over live documents
        self._facets: dict[str, dict[str, np.ndarray]] = {}  # name → value → bool per slot

        self._term_ids = Vocabulary()
        self._spelling = SpellingVocabulary()  # the documents' words, for suggestions
        # Base postings, CSR by term id.
        self._base_offsets = np.zeros(1, dtype=np.int64)
        self._base_slots = np.zeros(0, dtype=np.int32)
        self._base_tf = np.zeros((0, columns), dtype=np.uint8)
        self._base_sat = np.zeros(0, dtype=np.float32)
        self._base_averages: np.ndarray | None = None
        self._base_slot_count = 0  # slots below this are in the base
        # Delta postings: one entry per (term, slot, field column).
        self._delta_terms = array("i")
        self._delta_slots = array("i")
        self._delta_columns = array("b")
        self._delta_tf = array("I")
        self._delta_docs = 0

        self._version = 0  # bumped on every change; keys the caches below
        self._cache: dict[str, tuple[int, object]] = {}
        self.meta: dict = {}  # the caller's data stored with a saved index

    # -- size ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._slot_of

    def nbytes(self) -> int:
        """Approximate memory held by the index's arrays (not the Python dicts)."""
        arrays = [
            self._ids,
            self._alive,
            self._sort_keys,
            self._lengths,
            self._base_offsets,
            self._base_slots,
            self._base_tf,
            self._base_sat,
            *(mask for masks in self._facets.values() for mask in masks.values()),
        ]
        delta = (self._delta_terms, self._delta_slots, self._delta_columns, self._delta_tf)
        return sum(a.nbytes for a in arrays) + sum(len(d) * d.itemsize for d in delta)

    @property
    def delta_docs(self) -> int:
        """Documents added since the base was built (also replacements)."""
        return self._delta_docs

    # -- persistence ----------------------------------------------------------

    def save(self, directory: Path | str, meta: Mapping | None = None) -> None:
        """Write the index to ``directory`` (new or empty) as .npy arrays plus a JSON
        manifest, compacting first. :meth:`open` maps the files instead of reading
        them, so processes that open the same files share one copy in the page cache.

        ``meta`` (JSON-serialisable) is stored in the manifest for the caller, e.g.
        the watermark of the data the index was built from.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self._delta_docs or self._dead or self._base_averages is None:
            self.compact()
        size = self._slots
        capacity = size + max(SAVED_HEADROOM_MIN, int(size * SAVED_HEADROOM_FRACTION))

        # Term ids become positions in the vocabulary sorted by UTF-8 bytes, so a
        # lookup is a binary search in the mapped file; terms without postings go.
        terms = self._term_ids.terms_by_id()
        counts = np.diff(self._base_offsets)
        kept = np.flatnonzero(counts).tolist()
        kept.sort(key=lambda term_id: terms[term_id].encode())
        order = np.array(kept, dtype=np.int64)
        lengths = counts[order]
        offsets = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        gather = np.repeat(self._base_offsets[order] - offsets[:-1], lengths) + np.arange(
            int(offsets[-1]), dtype=np.int64
        )
        write_sorted_terms(
            [terms[term_id] for term_id in kept],
            directory / "terms.bin",
            directory / "term_starts.bin",
        )

        def padded(values: np.ndarray, fill=0) -> np.ndarray:
            out = np.full((capacity, *values.shape[1:]), fill, dtype=values.dtype)
            out[:size] = values[:size]
            return out

        facet_values = [(name, value) for name, masks in self._facets.items() for value in masks]
        facet_masks = np.zeros((len(facet_values), capacity), dtype=bool)
        for row, (name, value) in enumerate(facet_values):
            facet_masks[row, :size] = self._facets[name][value][:size]
        sorted_ids, sorted_slots = self._slot_of.base_arrays()
        arrays = {
            "ids": padded(self._ids),
            "alive": padded(self._alive, False),
            "sort_keys": padded(self._sort_keys),
            "lengths": padded(self._lengths),
            "facets": facet_masks,
            "sorted_ids": sorted_ids,
            "sorted_slots": sorted_slots,
            "blank_order": self._blank_order(),
            "base_offsets": offsets,
            "base_slots": self._base_slots[gather],
            "base_tf": self._base_tf[gather],
            "base_sat": self._base_sat[gather],
        }
        for name, values in arrays.items():
            np.save(directory / f"{name}.npy", np.ascontiguousarray(values))
        facets: dict[str, list[str]] = {}
        for name, value in facet_values:
            facets.setdefault(name, []).append(value)
        manifest = {
            "format": INDEX_FORMAT,
            "documents": size,
            "terms": len(kept),
            "field_weights": dict(
                zip(self.field_names[:-1], self._weights[:-1].tolist(), strict=True)
            ),
            "b": dict(zip(self.field_names, self._b.tolist(), strict=True)),
            "k1": self.k1,
            "synonym_weight": self.synonym_weight,
            "averages": self._base_averages.tolist(),
            "facets": facets,
            "meta": dict(meta or {}),
        }
        self._spelling.save(directory)
        (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        for path in directory.iterdir():
            with open(path, "rb") as file:
                os.fsync(file.fileno())
        # What this process keeps using now matches the files.
        self._term_ids = Vocabulary.mapped(directory / "terms.bin", directory / "term_starts.bin")
        self._spelling = SpellingVocabulary.open(directory)
        self._base_offsets = offsets
        self._base_slots = arrays["base_slots"]
        self._base_tf = arrays["base_tf"]
        self._base_sat = arrays["base_sat"]
        self._version += 1

    @classmethod
    def open(cls, directory: Path | str, analyzer: DutchAnalyzer | None = None, **options):
        """An index over the files :meth:`save` wrote, memory-mapped: opening costs
        milliseconds and the arrays stay shared with every other process that maps
        them. Changes (add, remove) stay in this process: they go to a small delta
        and copy-on-write pages; the base is never compacted here (``auto_compact``
        is off) — save a compacted index elsewhere and open that instead."""
        directory = Path(directory)
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != INDEX_FORMAT:
            raise ValueError(f"unknown index format in {directory}")
        options.setdefault("auto_compact", False)
        index = cls(
            analyzer,
            field_weights=manifest["field_weights"],
            k1=manifest["k1"],
            field_b=manifest["b"],
            synonym_weight=manifest["synonym_weight"],
            **options,
        )
        size = manifest["documents"]

        def load(name: str, mode: str = "r") -> np.ndarray:
            path = directory / f"{name}.npy"
            try:
                return np.load(path, mmap_mode=mode)
            except ValueError:  # an empty array cannot be mapped
                return np.load(path)

        # Per-slot arrays are copy-on-write: a removal or a delta document dirties
        # only the pages it touches; the headroom saved after the last slot takes the
        # delta's documents without growing (copying) the arrays.
        index._ids = load("ids", "c")
        index._alive = load("alive", "c")
        index._sort_keys = load("sort_keys", "c")
        index._lengths = load("lengths", "c")
        facet_masks = load("facets", "c")
        row = 0
        for name, values in manifest["facets"].items():
            masks = index._facets[name] = {}
            for value in values:
                masks[value] = facet_masks[row]
                row += 1
        index._slots = index._base_slot_count = size
        index._slot_of = SlotMap(load("sorted_ids"), load("sorted_slots"))
        index._length_sums = np.asarray(index._lengths[:size]).sum(axis=0, dtype=np.float64)
        index._term_ids = Vocabulary.mapped(directory / "terms.bin", directory / "term_starts.bin")
        index._spelling = SpellingVocabulary.open(directory)
        # Plain arrays over the same mapped pages: slicing a memmap object costs a
        # Python-level finaliser per slice, and a query slices the postings often.
        index._base_offsets = np.asarray(load("base_offsets"))
        index._base_slots = np.asarray(load("base_slots"))
        index._base_tf = np.asarray(load("base_tf"))
        index._base_sat = np.asarray(load("base_sat"))
        index._base_averages = np.array(manifest["averages"], dtype=np.float64)
        index._cache["blank"] = (index._version, load("blank_order"))
        index.meta = manifest["meta"]
        return index

    # -- analysis -----------------------------------------------------------

    def analyse(self, fields: Mapping[str, str], labels: bool = False) -> TermCounts:
        """Per-field term counts of a document; JSON-serialisable, so a caller can
        store them and later rebuild with :meth:`add_analysed` without analysing.
        Each field also holds its word count under ``LENGTH_KEY`` and its distinct
        words (folded, sorted) under ``FORMS_KEY``, for spelling suggestions.

        With ``part_markers``, the terms a field holds only as compound parts are marked
        (``PART_MARK``); with ``labels`` too, every term is marked: the fields are labels
        (the names of a document's categories), not words of its own text."""
        counts: dict = {}
        for name, text in fields.items():
            terms, words, whole = self.analyzer.analyse_parts(text or "")
            if terms:
                forms = sorted({w for w in self.analyzer.words(text) if is_form(w)})
                field_counts = {**terms, LENGTH_KEY: words, FORMS_KEY: forms}
                if self.part_markers:
                    for term in terms if labels else terms.keys() - whole:
                        field_counts[PART_MARK + term] = 1
                counts[name] = field_counts
        if counts:
            counts[ANALYSIS_KEY] = self.analyzer.signature
        return counts

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
        if doc_id in self._slot_of:
            self.remove(doc_id)
        slot = self._new_slot()
        self._ids[slot] = doc_id
        self._alive[slot] = True
        self._sort_keys[slot] = sort_key
        self._slot_of[doc_id] = slot
        term_ids = self._term_ids
        forms: set[str] = set()
        marked: set[str] = set()  # terms some field holds only as compound parts
        fields = []  # per field: its terms and those it marks
        for field_name, counts in term_counts.items():
            if not counts or field_name.startswith("#"):
                continue
            if FORMS_KEY in counts or any(term[:1] == PART_MARK for term in counts):
                forms.update(counts.get(FORMS_KEY, ()))
                field_marked = {t[1:] for t in counts if t[:1] == PART_MARK}
                counts = {
                    term: count
                    for term, count in counts.items()
                    if term != FORMS_KEY and term[:1] != PART_MARK
                }
                marked |= field_marked
            else:
                field_marked = set()
            fields.append((counts, field_marked))
            column = self._column.get(field_name, self._other_column)
            # The word count rides along as a pseudo-term: no query can ask for it.
            ids = [term_ids.get(term) for term in counts]
            if None in ids:
                for position, term in enumerate(counts):
                    if ids[position] is None:
                        ids[position] = term_ids.setdefault(term, len(term_ids))
            frequencies = list(counts.values())
            length = counts.get(LENGTH_KEY)
            self._lengths[slot, column] += sum(frequencies) if length is None else length
            self._delta_terms.extend(ids)
            self._delta_slots.extend([slot] * len(ids))
            self._delta_columns.extend([column] * len(ids))
            self._delta_tf.extend(frequencies)
        if marked:
            # One marker posting per term the document holds only as compound parts
            # (marked by every field that has it); it adds nothing to the lengths.
            part_only = [
                PART_MARK + term
                for term in sorted(marked)
                if all(term in marks or term not in counts for counts, marks in fields)
            ]
            ids = [term_ids.setdefault(term, len(term_ids)) for term in part_only]
            self._delta_terms.extend(ids)
            self._delta_slots.extend([slot] * len(ids))
            self._delta_columns.extend([self._other_column] * len(ids))
            self._delta_tf.extend([1] * len(ids))
        self._length_sums += self._lengths[slot]
        if forms:
            self._spelling.add_document(forms)
        for name, values in (facets or {}).items():
            masks = self._facets.setdefault(name, {})
            for value in values:
                mask = masks.get(value)
                if mask is None:
                    mask = masks[value] = np.zeros(len(self._alive), dtype=bool)
                mask[slot] = True
        self._delta_docs += 1
        self._version += 1

    def remove(self, doc_id: int) -> None:
        """Remove a document; unknown ids are ignored."""
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return
        self._alive[slot] = False
        self._length_sums -= self._lengths[slot]
        self._dead += 1
        self._version += 1

    def _new_slot(self) -> int:
        slot = self._slots
        if slot >= len(self._alive):
            self._grow(max(64, 2 * len(self._alive)))
        self._slots += 1
        return slot

    def _grow(self, capacity: int) -> None:
        def grown(values: np.ndarray) -> np.ndarray:
            bigger = np.zeros((capacity, *values.shape[1:]), dtype=values.dtype)
            bigger[: len(values)] = values
            return bigger

        self._ids = grown(self._ids)
        self._alive = grown(self._alive)
        self._sort_keys = grown(self._sort_keys)
        self._lengths = grown(self._lengths)
        for masks in self._facets.values():
            for value in masks:
                masks[value] = grown(masks[value])

    # -- compaction ---------------------------------------------------------

    def compact(self) -> None:
        """Merge the delta into the base, drop removed documents and recompute
        every tf~ with the current average field lengths."""
        live = np.flatnonzero(self._alive[: self._slots])
        new_slot = np.full(self._slots, -1, dtype=np.int64)
        new_slot[live] = np.arange(len(live))

        base_terms = np.repeat(
            np.arange(len(self._base_offsets) - 1, dtype=np.int64), np.diff(self._base_offsets)
        )
        delta_terms, delta_slots, delta_tf = self._aggregated_delta()
        terms = np.concatenate([base_terms, delta_terms])
        slots = np.concatenate([self._base_slots.astype(np.int64), delta_slots])
        tf = np.concatenate([self._base_tf, delta_tf])
        del base_terms, delta_terms, delta_slots, delta_tf

        keep = self._alive[slots]
        terms, slots, tf = terms[keep], new_slot[slots[keep]], tf[keep]
        # Both runs are in (term, slot) order and every delta slot comes after every
        # base slot, so a stable sort by term alone yields (term, slot) order.
        order = np.argsort(terms, kind="stable")
        terms, slots, tf = terms[order], slots[order], tf[order]
        del order, keep

        self._base_offsets = np.zeros(len(self._term_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self._term_ids)), out=self._base_offsets[1:])
        self._base_slots = slots.astype(np.int32)
        self._base_tf = tf

        self._ids = self._ids[live]
        self._alive = np.ones(len(live), dtype=bool)
        self._sort_keys = self._sort_keys[live]
        self._lengths = self._lengths[live]
        for masks in self._facets.values():
            for value in list(masks):
                masks[value] = masks[value][live]
        self._slots = self._base_slot_count = len(live)
        self._slot_of = SlotMap.of_slots(self._ids)
        self._dead = 0
        self._length_sums = self._lengths.sum(axis=0, dtype=np.float64)

        self._delta_terms = array("i")
        self._delta_slots = array("i")
        self._delta_columns = array("b")
        self._delta_tf = array("I")
        self._delta_docs = 0

        averages = self._averages()
        self._base_sat = np.empty(len(self._base_slots), dtype=np.float32)
        for start in range(0, len(self._base_slots), SAT_CHUNK):
            chunk = slice(start, start + SAT_CHUNK)
            self._base_sat[chunk] = self._saturate(
                self._base_slots[chunk], self._base_tf[chunk], averages
            )
        self._base_averages = averages
        self._version += 1

    def _aggregated_delta(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The delta as (term, slot, per-field frequencies) rows, one per term and slot."""
        columns = len(self.field_names)
        if not self._delta_terms:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros((0, columns), dtype=np.uint8)
        # Entries were appended slot by slot, so a stable sort by term gives
        # (term, slot) order, with a term's fields in one slot side by side.
        terms = np.array(self._delta_terms, dtype=np.int32)
        order = np.argsort(terms, kind="stable")
        terms = terms[order]
        slots = np.array(self._delta_slots, dtype=np.int64)[order]
        starts = np.ones(len(terms), dtype=bool)
        starts[1:] = (terms[1:] != terms[:-1]) | (slots[1:] != slots[:-1])
        row = np.cumsum(starts) - 1
        rows = int(row[-1]) + 1
        columns_of = np.array(self._delta_columns, dtype=np.int64)[order]
        tf = np.bincount(
            row * columns + columns_of,
            weights=np.array(self._delta_tf, dtype=np.float64)[order],
            minlength=rows * columns,
        )
        tf = np.minimum(tf, MAX_FIELD_TF).astype(np.uint8).reshape(rows, columns)
        return terms[starts].astype(np.int64), slots[starts], tf

    def _averages(self) -> np.ndarray:
        live = max(len(self._slot_of), 1)
        averages = self._length_sums / live
        averages[averages <= 0] = 1.0
        return averages

    def _saturate(self, slots: np.ndarray, tf: np.ndarray, averages: np.ndarray) -> np.ndarray:
        """BM25F's saturated tf~ for postings given per-field frequencies (rows)."""
        lengths = self._lengths[slots]
        norm = self._weights / (1.0 - self._b + self._b * lengths / averages)
        combined = (tf * norm).sum(axis=1)
        return (combined / (self.k1 + combined)).astype(np.float32)

    def _maybe_compact(self) -> None:
        if not self.auto_compact:
            return
        if self._delta_docs > self.max_delta_docs or (
            self._dead > 16 and self._dead > self.max_dead_fraction * self._slots
        ):
            self.compact()
        elif self._base_averages is not None and self._base_slot_count:
            drift = np.abs(self._averages() - self._base_averages) / self._base_averages
            if drift.max() > MAX_AVERAGE_DRIFT:
                self.compact()

    # -- postings -----------------------------------------------------------

    def _cached(self, name: str, compute):
        version, value = self._cache.get(name, (-1, None))
        if version != self._version:
            value = compute()
            self._cache[name] = (self._version, value)
        return value

    def _delta_arrays(self):
        return self._cached(
            "delta",
            lambda: (
                np.array(self._delta_terms, dtype=np.int32),
                np.array(self._delta_slots, dtype=np.int64),
                np.array(self._delta_columns, dtype=np.int64),
                np.array(self._delta_tf, dtype=np.float64),
            ),
        )

    def document_frequency(self, term: str) -> int:
        """In how many slots ``term`` occurs (dead slots of removed documents included:
        an upper bound, for ranking words, e.g. *vergelijkbare praktijken*)."""
        found = self._postings(term)
        return 0 if found is None else len(found[0])

    def _postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Slots (ascending) holding ``term``, live or dead, with their tf~."""
        term_id = self._term_ids.get(term)
        if term_id is None:
            return None
        parts_slots, parts_sat = [], []
        if term_id + 1 < len(self._base_offsets):
            start, end = self._base_offsets[term_id], self._base_offsets[term_id + 1]
            parts_slots.append(self._base_slots[start:end])
            parts_sat.append(self._base_sat[start:end])
        if self._delta_docs:
            terms, slots, columns, tf = self._delta_arrays()
            rows = np.flatnonzero(terms == term_id)
            if len(rows):
                slots, columns, tf = slots[rows], columns[rows], tf[rows]
                lengths = self._lengths[slots, columns]
                b = self._b[columns]
                averages = self._averages()[columns]
                weighted = tf * self._weights[columns] / (1.0 - b + b * lengths / averages)
                unique_slots, slot_row = np.unique(slots, return_inverse=True)
                combined = np.bincount(slot_row, weights=weighted)
                parts_slots.append(unique_slots.astype(np.int32))
                parts_sat.append((combined / (self.k1 + combined)).astype(np.float32))
        if not parts_slots:
            return None
        if len(parts_slots) == 1:
            return parts_slots[0], parts_sat[0]
        return np.concatenate(parts_slots), np.concatenate(parts_sat)

    def _corpus_zipf(self, word: str) -> float | None:
        """Lets query compounds split into words the corpus uses (stemmed terms)."""
        if len(word) < MIN_PART_LENGTH or word in self.analyzer.stopwords:
            return None
        return CORPUS_WORD_ZIPF if self.analyzer.stem(word) in self._term_ids else None

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
        matches (see *Coverage* in the module docstring) before the others.

        ``filters``: AND across facet names, OR within a facet's values; a facet
        with no values does not filter. An empty query (or one of stop words
        only) returns every document that passes, by sort_key (desc) then id.
        ``facet_counts`` (for ``facet_names``, default all) count the matches over
        every page, each facet under the filters of the *other* facets, so a
        filter's own alternatives keep their counts. ``allowed_ids`` restricts
        the results (and counts) to those ids. ``strong_only`` leaves out the
        documents that only mention some of the query's concepts ("all words").
        """
        self._maybe_compact()
        size = self._slots
        candidates = self._alive[:size].copy()
        if allowed_ids is not None:
            allowed = np.zeros(size, dtype=bool)
            allowed[self._slot_of.slots_of(allowed_ids)] = True
            candidates &= allowed
        filter_masks = self._filter_masks(filters or {}, size)
        concepts = self.parse(query)
        postings: dict[str, tuple[np.ndarray, np.ndarray] | None] = {}
        scores = strong = None
        if concepts:
            if self.coverage:
                scores, coverage, meaningful = self._score(concepts, size, postings)
            else:
                scores = self._score_any_word(concepts, size, postings)
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
            order = self._blank_order()
            page = order[matches[order]][offset : offset + limit]
            hits = [Hit(int(self._ids[slot]), 0.0, []) for slot in page]
            strong_total = total
        else:
            page = self._top(np.flatnonzero(matches), scores, offset, limit, strong)
            hits = [
                Hit(
                    int(self._ids[slot]),
                    float(scores[slot]),
                    terms,
                    float(coverage[slot]),
                    bool(strong[slot]),
                )
                for slot, terms in zip(page, self._matched_terms(page, postings), strict=True)
            ]
            strong_total = int(np.count_nonzero(matches & strong))
        return SearchResults(
            total=total,
            hits=hits,
            facet_counts=self._facet_counts(facet_names, candidates, filter_masks, filters or {}),
            query_terms=query_terms(concepts),
            strong_total=strong_total,
        )

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
        return self._weighted_postings(self.analyzer.term(word), len(self._slot_of)) is not None

    def _matches_anything(self, word: str) -> bool:
        """Whether a query of this one (normalised) word matches a live document in
        full through one of its alternatives (as typed, compound parts, synonyms)."""
        if self._in_live_document(word):
            return True
        live = len(self._slot_of)
        for concept in self.parse(word):
            for alternative in concept.alternatives:
                if all(self._weighted_postings(t, live) is not None for t in alternative.terms):
                    return True
        return False

    def _filter_masks(self, filters: Mapping[str, Iterable[str]], size: int):
        masks = {}
        for name, values in filters.items():
            values = list(values)
            if not values:
                continue
            mask = np.zeros(size, dtype=bool)
            known = self._facets.get(name, {})
            for value in values:
                if value in known:
                    mask |= known[value][:size]
            masks[name] = mask
        return masks

    def _score(
        self, concepts: list[Concept], size: int, postings: dict
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per slot: the score (summed concepts times coverage squared), the coverage,
        and whether the concepts met weigh enough to make it a result."""
        live = len(self._slot_of)
        alive = self._alive[:size] if self._dead else None
        vectors: dict[str, np.ndarray] = {}  # per term of this query: see _term_vector
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
                found = self._alternative(alternative, size, postings, live, vectors)
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

    def _alternative(self, alternative, size: int, postings: dict, live: int, vectors: dict):
        """One alternative's score per slot (partial matches weighed down), the score
        where it is met in full and how far it is met in part, per slot (None, None:
        met in full wherever it scores); None: none of its terms is indexed.

        Dense arrays over every slot, each made in one pass from the query's term
        vectors: at national scale a query's terms touch most documents, and a term
        comes back in several alternatives and concepts (as typed, as compound parts,
        in synonyms), so it is scattered once per query and then only added."""
        terms = tuple(dict.fromkeys(alternative.terms))
        share = np.float32(alternative.weight / len(terms))
        indexed = [
            term
            for term in terms
            if self._term_vector(term, size, postings, live, vectors) is not None
        ]
        if not indexed:
            return None
        score = vectors[indexed[0]] * share
        for term in indexed[1:]:
            score += vectors[term] * share
        if len(terms) == 1:
            return score, None, None
        # Per slot, the number of terms present plus a flag for a compound's first
        # part and one for its head: a code into _code_tables. ``whole``: the same,
        # counting a compound's terms only where the document has them as words of
        # their own (not only inside its compounds; see PART_MARK).
        present = np.zeros(size, dtype=np.uint8)
        whole = None
        for term in indexed:
            flag = np.uint8(1)
            if alternative.compound and term == terms[0]:
                flag += np.uint8(FIRST_FLAG)
            elif alternative.compound and term == terms[-1]:
                flag += np.uint8(HEAD_FLAG)
            holds = vectors[term] > 0
            present += holds * flag
            parts_only = self._part_only_mask(term, size, vectors) if alternative.compound else None
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

    def _term_vector(self, term: str, size: int, postings: dict, live: int, vectors: dict):
        """The term's idf · tf~ per slot (0.0 where absent) — every slot holding it
        is positive — made once per query; None when no live document holds it."""
        if term not in postings:
            postings[term] = self._weighted_postings(term, live)
        if postings[term] is None:
            return None
        vector = vectors.get(term)
        if vector is None:
            slots, weighted = postings[term]
            vector = vectors[term] = np.zeros(size, dtype=np.float32)
            vector[slots] = weighted
        return vector

    def _part_only_mask(self, term: str, size: int, vectors: dict) -> np.ndarray | None:
        """Per slot, whether the document has ``term`` only as a part of its compounds
        (its PART_MARK posting); None: nowhere. Marks only slots holding the term:
        analyse() marks only terms a field holds, and add_analysed() posts a
        document's marks with its terms."""
        key = PART_MARK + term
        if key not in vectors:
            marker = self._postings(key)
            if marker is None:
                vectors[key] = None
            else:
                mask = vectors[key] = np.zeros(size, dtype=bool)
                mask[marker[0]] = True
        return vectors[key]

    def _score_any_word(self, concepts: list[Concept], size: int, postings: dict) -> np.ndarray:
        """Without coverage scoring: a concept scores as its best alternative, an
        alternative as the mean of its terms' scores (present or not) times its weight;
        the sum is multiplied by the share of the concepts matched."""
        live = len(self._slot_of)
        total = np.zeros(size, dtype=np.float32)
        matched = np.zeros(size, dtype=np.float32)
        for concept in concepts:
            best = None
            for alternative in concept.alternatives:
                score = None
                share = alternative.weight / len(alternative.terms)
                for term in alternative.terms:
                    if term not in postings:
                        postings[term] = self._weighted_postings(term, live)
                    if postings[term] is None:
                        continue
                    slots, weighted = postings[term]
                    if score is None:
                        score = np.zeros(size, dtype=np.float32)
                    score[slots] += share * weighted
                if score is not None:
                    best = score if best is None else np.maximum(best, score, out=best)
            if best is not None:
                total += best
                matched += best > 0
        if len(concepts) > 1:
            total *= matched / len(concepts)
        return total

    def _weighted_postings(self, term: str, live: int):
        """A term's slots with idf · tf~, idf counting live documents only."""
        found = self._postings(term)
        if found is None:
            return None
        slots, sat = found
        frequency = int(np.count_nonzero(self._alive[slots])) if self._dead else len(slots)
        if frequency == 0:
            return None
        idf = math.log(1.0 + (live - frequency + 0.5) / (frequency + 0.5))
        return slots, sat * np.float32(idf)

    def _top(
        self,
        slots: np.ndarray,
        scores: np.ndarray,
        offset: int,
        limit: int,
        strong: np.ndarray | None = None,
    ) -> np.ndarray:
        """The page of ``slots`` by score, then sort_key (desc), then id: deterministic.
        With ``strong`` (a mask per slot), the strong ones first."""
        wanted = offset + limit
        if wanted <= 0 or not len(slots):
            return slots[:0]
        if strong is not None:
            # The strong ones first: the best of them, then (when they do not fill
            # the page) the best of the rest.
            is_strong = strong[slots]
            strong_slots = slots[is_strong]
            first = self._top(strong_slots, scores, 0, wanted)
            if len(first) < wanted:
                rest = self._top(slots[~is_strong], scores, 0, wanted - len(first))
                first = np.concatenate([first, rest])
            return first[offset:wanted]
        values = scores[slots]
        if len(slots) > wanted:
            # Keep everything tied with the last wanted score, so ties resolve by key.
            threshold = np.partition(values, len(values) - wanted)[len(values) - wanted]
            keep = values >= threshold
            slots, values = slots[keep], values[keep]
        order = np.lexsort((self._ids[slots], -self._sort_keys[slots], -values))
        return slots[order][offset:wanted]

    def _blank_order(self) -> np.ndarray:
        def compute():
            live = np.flatnonzero(self._alive[: self._slots])
            return live[np.lexsort((self._ids[live], -self._sort_keys[live]))]

        return self._cached("blank", compute)

    @staticmethod
    def _matched_terms(page: np.ndarray, postings: dict) -> list[list[str]]:
        """Per slot of the page, the query terms it holds (one lookup per term)."""
        matched: list[list[str]] = [[] for _ in page]
        for term, found in postings.items():
            if found is None:
                continue
            slots = found[0]
            position = np.minimum(np.searchsorted(slots, page), len(slots) - 1)
            for row in np.flatnonzero(slots[position] == page):
                matched[row].append(term)
        return matched

    def _facet_counts(self, names, candidates, filter_masks, filters) -> dict:
        size = len(candidates)
        rows, packed = self._packed_facets()
        counts: dict[str, dict[str, int]] = {}
        for name in names if names is not None else list(self._facets):
            mask = candidates
            for other, other_mask in filter_masks.items():
                if other != name:
                    mask = mask & other_mask
            values: dict[str, int] = {}
            if name in rows:
                first, end, value_names = rows[name]
                # Bits of every value of the facet against the mask's, 64 slots a word.
                per_value = np.bitwise_count(packed[first:end] & _packed(mask, size)).sum(axis=1)
                for value, count in zip(value_names, per_value.tolist(), strict=True):
                    if count:
                        values[value] = count
            for value in filters.get(name, ()):
                values.setdefault(value, 0)  # a chosen filter stays visible
            counts[name] = dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
        return counts

    def _packed_facets(self) -> tuple[dict, np.ndarray | None]:
        """Every facet value's slots as bits (a row of 64-bit words per value), and per
        facet name its rows and values: counting a page's facets is then a few
        bitwise passes instead of one pass over every slot per value."""

        def compute():
            size = self._slots
            rows: dict[str, tuple[int, int, list[str]]] = {}
            masks = []
            for name, values in self._facets.items():
                rows[name] = (len(masks), len(masks) + len(values), list(values))
                masks += [mask[:size] for mask in values.values()]
            if not masks:
                return rows, None
            return rows, np.vstack([_packed(mask, size) for mask in masks])

        return self._cached("facets_packed", compute)
