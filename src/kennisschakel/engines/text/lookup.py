"""Lookups of the search index that work on memory-mapped files without a Python dict.

A persisted index is opened by every worker process. Turning its vocabulary (hundreds of
thousands of terms) and its document ids into Python dicts would cost each process
seconds and tens of megabytes of private memory. These two maps answer from sorted
arrays on disk instead (binary search; the pages are shared through the OS page cache),
with a small dict on top for what changed since the files were written.
"""

import mmap
import os
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

import numpy as np


class _SortedTerms:
    """Terms sorted by their UTF-8 bytes, read from a blob and an offsets file.

    Both files are mapped, not read: a lookup touches ~20 small slices.
    """

    def __init__(self, blob_path: Path, starts_path: Path):
        self._maps = []
        self._blob = self._map(blob_path)
        starts = self._map(starts_path)
        self._starts = starts.cast("q") if len(starts) else memoryview(b"\0" * 8).cast("q")

    def _map(self, path: Path) -> memoryview:
        size = os.path.getsize(path)
        if size == 0:
            return memoryview(b"")
        with open(path, "rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._maps.append(mapped)
        return memoryview(mapped)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, position: int) -> bytes:
        return bytes(self._blob[self._starts[position] : self._starts[position + 1]])

    def find(self, term: str) -> int | None:
        key = term.encode()
        position = bisect_left(self, key)
        if position < len(self) and self[position] == key:
            return position
        return None

    def __iter__(self):
        for position in range(len(self)):
            yield self[position].decode()


def write_sorted_terms(terms: list[str], blob_path: Path, starts_path: Path) -> None:
    """Write ``terms`` (already sorted) as a UTF-8 blob and little-endian int64 offsets."""
    encoded = [term.encode() for term in terms]
    starts = np.zeros(len(encoded) + 1, dtype="<i8")
    np.cumsum([len(word) for word in encoded], out=starts[1:])
    blob_path.write_bytes(b"".join(encoded))
    starts_path.write_bytes(starts.tobytes())


class Vocabulary:
    """Term → term id. Ids below ``len(base)`` are positions in the sorted base terms;
    terms added later get the next ids, in a dict."""

    def __init__(self, base: _SortedTerms | None = None):
        self._base = base
        self._base_size = len(base) if base is not None else 0
        self._extra: dict[str, int] = {}

    @classmethod
    def mapped(cls, blob_path: Path, starts_path: Path) -> "Vocabulary":
        return cls(_SortedTerms(blob_path, starts_path))

    def get(self, term: str, default=None):
        found = self._extra.get(term)
        if found is not None:
            return found
        if self._base is not None:
            found = self._base.find(term)
        return default if found is None else found

    def setdefault(self, term: str, term_id: int) -> int:
        found = self.get(term)
        if found is None:
            self._extra[term] = found = term_id
        return found

    def __contains__(self, term) -> bool:
        return self.get(term) is not None

    def __len__(self) -> int:
        return self._base_size + len(self._extra)

    def terms_by_id(self) -> list[str]:
        terms = list(self._base) if self._base is not None else []
        terms.extend([None] * len(self._extra))
        for term, term_id in self._extra.items():
            terms[term_id] = term
        return terms


class SlotMap:
    """Document id → slot. The base is two sorted arrays (ids, their slots), possibly
    memory-mapped; documents added or removed since live in a dict and a set."""

    def __init__(
        self, sorted_ids: np.ndarray | None = None, sorted_slots: np.ndarray | None = None
    ):
        self._ids = sorted_ids if sorted_ids is not None else np.zeros(0, dtype=np.int64)
        self._slots = sorted_slots if sorted_slots is not None else np.zeros(0, dtype=np.int64)
        self._removed: set[int] = set()  # base ids no longer present
        self._extra: dict[int, int] = {}

    @classmethod
    def of_slots(cls, ids_by_slot: np.ndarray) -> "SlotMap":
        """The map of ``ids_by_slot[slot] = id`` (every slot present)."""
        order = np.argsort(ids_by_slot, kind="stable")
        return cls(ids_by_slot[order].astype(np.int64), order.astype(np.int64))

    def base_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self._ids, self._slots

    def _base_get(self, doc_id: int) -> int | None:
        if doc_id in self._removed or not len(self._ids):
            return None
        position = int(np.searchsorted(self._ids, doc_id))
        if position < len(self._ids) and self._ids[position] == doc_id:
            return int(self._slots[position])
        return None

    def get(self, doc_id, default=None):
        found = self._extra.get(doc_id)
        if found is None:
            found = self._base_get(doc_id)
        return default if found is None else found

    def __contains__(self, doc_id) -> bool:
        return self.get(doc_id) is not None

    def __setitem__(self, doc_id: int, slot: int) -> None:
        # Callers pop an id before setting it again; a base id set again is shadowed.
        self._extra[doc_id] = slot

    def pop(self, doc_id, default=None):
        if doc_id in self._extra:
            return self._extra.pop(doc_id)
        found = self._base_get(doc_id)
        if found is None:
            return default
        self._removed.add(doc_id)
        return found

    def __len__(self) -> int:
        return len(self._ids) - len(self._removed) + len(self._extra)

    def slots_of(self, doc_ids: Iterable[int]) -> np.ndarray:
        """Slots of those of ``doc_ids`` that are present (vectorised over the base)."""
        doc_ids = list(doc_ids)
        extra = [self._extra[i] for i in doc_ids if i in self._extra]
        rest = np.array(
            [i for i in doc_ids if i not in self._extra and i not in self._removed],
            dtype=np.int64,
        )
        base = np.zeros(0, dtype=np.int64)
        if len(rest) and len(self._ids):
            positions = np.minimum(np.searchsorted(self._ids, rest), len(self._ids) - 1)
            found = self._ids[positions] == rest
            base = self._slots[positions[found]].astype(np.int64)
        return np.concatenate([base, np.array(extra, dtype=np.int64)])
