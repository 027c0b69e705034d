"""Spelling suggestions (*Bedoelde u …?*) from the words of the indexed documents.

The vocabulary is the set of (folded) words the documents actually contain, with the
number of documents each occurs in. It is saved with the index and memory-mapped like
the rest of it, so every worker process suggests from the same words without reading or
rebuilding anything (see :class:`kennisschakel.engines.text.search.SearchIndex`).

Finding the near words of a typo without comparing it to every word
----------------------------------------------------------------------
Comparing a word with 400 000 others costs over 100 ms even in C++. A trigram index
narrows that down first (the *q-gram lemma*, Ukkonen 1992): a word padded as
``^^word$$`` has ``len + 2`` trigrams, and one edit (insertion, deletion, substitution,
or a transposition of two neighbours) destroys at most four of them. A word within
``d`` edits of the query therefore shares at least ``distinct query trigrams − 4·d``
trigrams with it. The index lists, per (hashed) trigram, the words that contain it; a
query adds up those lists (``np.bincount``), keeps the words over the bound and of a
length within ``d``, and only those few are compared exactly, with the optimal string
alignment distance (Levenshtein plus transpositions) of ``rapidfuzz``.

A suggestion is the nearest word, then the one in most documents, then the first
alphabetically: deterministic.

Files (beside the index's own, see ``SearchIndex.save``)::

    forms.bin, forms_starts.bin   the words, sorted by UTF-8 bytes (lookup._SortedTerms)
    forms_df.npy                  documents per word (uint32)
    forms_len.npy                 letters per word (uint8)
    grams_offsets.npy, grams_words.npy   trigram bucket → word positions (CSR)
"""

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from rapidfuzz.distance import OSA

from kennisschakel.engines.text.lookup import _SortedTerms, write_sorted_terms
from kennisschakel.engines.text.npy import load_npy

MIN_FORM_LENGTH = 3
MAX_FORM_LENGTH = 30
# Words this short are not corrected: too many neighbours at one edit.
MIN_CORRECTED_LENGTH = 4
# Up to this length one edit is allowed, beyond it two.
ONE_EDIT_UP_TO = 6
GRAM_BUCKETS = 1 << 18
GRAMS_PER_EDIT = 4  # a transposition touches four trigrams; other edits three
FILES = ("forms.bin", "forms_starts.bin", "forms_df.npy", "forms_len.npy",
         "grams_offsets.npy", "grams_words.npy")  # fmt: skip


def is_form(word: str) -> bool:
    """Whether a (folded) word belongs in the spelling vocabulary: letters only, of a
    length worth suggesting."""
    return MIN_FORM_LENGTH <= len(word) <= MAX_FORM_LENGTH and word.isalpha()


def max_edits(word: str) -> int:
    """Edits allowed between a typed word and its suggestion: none for short words."""
    if len(word) < MIN_CORRECTED_LENGTH:
        return 0
    return 1 if len(word) <= ONE_EDIT_UP_TO else 2


def _gram_codes(word: str) -> set[int]:
    padded = f"^^{word}$$"
    return {_hash(padded[i : i + 3]) for i in range(len(padded) - 2)}


def _hash(gram: str) -> int:
    a, b, c = (ord(ch) for ch in gram)
    return ((a * 1_000_003 + b) * 1_009 + c) % GRAM_BUCKETS


def _gram_index(words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """CSR of trigram bucket → positions of the words containing it (each once)."""
    if not words:
        return np.zeros(GRAM_BUCKETS + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    padded = [f"^^{word}$$" for word in words]
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    points = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.int64)
    owner = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    # A trigram starts at i when i + 2 is still in the same word.
    starts = np.flatnonzero(owner[:-2] == owner[2:])
    codes = ((points[starts] * 1_000_003 + points[starts + 1]) * 1_009 + points[starts + 2]) % (
        GRAM_BUCKETS
    )
    pairs = np.unique(codes * len(words) + owner[starts])
    codes, positions = np.divmod(pairs, len(words))
    offsets = np.zeros(GRAM_BUCKETS + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=GRAM_BUCKETS), out=offsets[1:])
    return offsets, positions.astype(np.int32)


class SpellingVocabulary:
    """The words of the documents with their document frequencies: a saved base
    (mapped files) plus the words of documents added since, in a dict."""

    def __init__(self):
        self._words: _SortedTerms | None = None
        self._df = np.zeros(0, dtype=np.uint32)
        self._lengths = np.zeros(0, dtype=np.uint8)
        self._gram_offsets = np.zeros(GRAM_BUCKETS + 1, dtype=np.int64)
        self._gram_words = np.zeros(0, dtype=np.int32)
        self._extra: dict[str, int] = {}

    def __len__(self) -> int:
        return (len(self._words) if self._words is not None else 0) + len(self._extra)

    # -- building -------------------------------------------------------------

    def add_document(self, forms: Iterable[str]) -> None:
        """Count the distinct words of one document."""
        extra = self._extra
        for word in set(forms):
            extra[word] = extra.get(word, 0) + 1

    def counts(self) -> dict[str, int]:
        """Every word with its document frequency (base and extra together)."""
        counts: dict[str, int] = {}
        if self._words is not None:
            for position, word in enumerate(self._words):
                counts[word] = int(self._df[position])
        for word, df in self._extra.items():
            counts[word] = counts.get(word, 0) + df
        return counts

    def save(self, directory: Path) -> None:
        counts = self.counts()
        words = sorted(counts, key=str.encode)
        write_sorted_terms(words, directory / "forms.bin", directory / "forms_starts.bin")
        np.save(directory / "forms_df.npy", np.array([counts[w] for w in words], dtype=np.uint32))
        np.save(directory / "forms_len.npy", np.array([len(w) for w in words], dtype=np.uint8))
        offsets, positions = _gram_index(words)
        np.save(directory / "grams_offsets.npy", offsets)
        np.save(directory / "grams_words.npy", positions)

    @classmethod
    def open(cls, directory: Path) -> "SpellingVocabulary":
        """The saved vocabulary, mapped; empty when the index was saved without one."""
        vocabulary = cls()
        if not all((directory / name).exists() for name in FILES):
            return vocabulary

        def load(name: str) -> np.ndarray:
            try:
                return load_npy(directory / name, mmap_mode="r")
            except ValueError:  # an empty array cannot be mapped
                return load_npy(directory / name)

        vocabulary._words = _SortedTerms(directory / "forms.bin", directory / "forms_starts.bin")
        vocabulary._df = load("forms_df.npy")
        vocabulary._lengths = load("forms_len.npy")
        vocabulary._gram_offsets = load("grams_offsets.npy")
        vocabulary._gram_words = load("grams_words.npy")
        return vocabulary

    # -- looking up -------------------------------------------------------------

    def frequency(self, word: str) -> int:
        df = self._extra.get(word, 0)
        if self._words is not None:
            position = self._words.find(word)
            if position is not None:
                df += int(self._df[position])
        return df

    def __contains__(self, word: str) -> bool:
        return self.frequency(word) > 0

    def nearest(self, word: str, accept: Callable[[str], bool] | None = None) -> str | None:
        """The word nearest to ``word`` (within :func:`max_edits`), or None. ``word``
        itself never (it is known or it is not); ``accept(candidate)``, when given,
        must be true for a candidate (e.g. "still in a live document")."""
        best = self.candidates(word)
        for _distance, _df, candidate in best:
            if accept is None or accept(candidate):
                return candidate
        return None

    def candidates(self, word: str) -> list[tuple[int, int, str]]:
        """(distance, −documents, word) of the words within reach, best first."""
        edits = max_edits(word)
        if edits == 0 or not is_form(word):
            return []
        found: dict[str, int] = dict(self._base_candidates(word, edits))
        for candidate, df in self._extra.items():
            if abs(len(candidate) - len(word)) <= edits:
                found[candidate] = found.get(candidate, 0) + df
        ranked = []
        for candidate, df in found.items():
            if candidate == word:
                continue
            distance = OSA.distance(word, candidate, score_cutoff=edits)
            if distance <= edits:
                ranked.append((distance, -df, candidate))
        ranked.sort()
        return ranked

    def _base_candidates(self, word: str, edits: int):
        if self._words is None or not len(self._words):
            return
        grams = _gram_codes(word)
        bound = len(grams) - GRAMS_PER_EDIT * edits
        offsets, listed = self._gram_offsets, self._gram_words
        runs = [listed[offsets[g] : offsets[g + 1]] for g in grams]
        runs = [run for run in runs if len(run)]
        if not runs:
            return
        shared = np.bincount(np.concatenate(runs), minlength=len(self._words))
        # (A bound of 0 or less cannot happen for corrected lengths, but would mean:
        # every word of a fitting length.)
        positions = np.flatnonzero(shared >= bound) if bound > 0 else np.arange(len(shared))
        lengths = self._lengths[positions].astype(np.int64)
        positions = positions[np.abs(lengths - len(word)) <= edits]
        for position in positions.tolist():
            yield self._words[position].decode(), int(self._df[position])
