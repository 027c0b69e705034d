"""The postings of the search index: documents in dense slots, each term's slots with
BM25F's saturated term frequency, kept fast to score under additions and removals.

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

The saturated tf~ and the idf are BM25F's (see :mod:`kennisschakel.engines.text.scoring`);
the per-slot facet masks (:class:`~kennisschakel.engines.text.facets.FacetMasks`) grow
and compact with the slots.
"""

import math
from array import array

import numpy as np

from kennisschakel.engines.text.facets import FacetMasks
from kennisschakel.engines.text.lookup import SlotMap, Vocabulary
from kennisschakel.engines.text.termcounts import LENGTH_KEY

DEFAULT_FIELD_WEIGHTS = {"title": 3.0, "summary": 1.5, "body": 1.0, "negative_lessons": 1.0}
OTHER_FIELDS = "*"
OTHER_FIELD_WEIGHT = 1.0
DEFAULT_K1 = 1.2
DEFAULT_B = 0.75
MAX_FIELD_TF = 255  # stored as uint8; far beyond where k1 saturation flattens out
MAX_AVERAGE_DRIFT = 0.10
SAT_CHUNK = 1 << 21  # postings per step when recomputing tf~, to bound memory


class Postings:
    """Slots, term postings (base and delta), field lengths and facet masks."""

    def __init__(
        self,
        field_weights: dict[str, float] | None = None,
        *,
        k1: float = DEFAULT_K1,
        b: float = DEFAULT_B,
        field_b: dict[str, float] | None = None,
        max_delta_docs: int = 2000,
        max_dead_fraction: float = 0.25,
        auto_compact: bool = True,
    ):
        weights = dict(field_weights or DEFAULT_FIELD_WEIGHTS)
        self.field_names = [*weights, OTHER_FIELDS]
        self.column = {name: index for index, name in enumerate(weights)}
        self.other_column = len(weights)
        self.weights = np.array([*weights.values(), OTHER_FIELD_WEIGHT], dtype=np.float64)
        field_b = field_b or {}
        self.b = np.array([field_b.get(name, b) for name in self.field_names], dtype=np.float64)
        self.k1 = k1
        self.max_delta_docs = max_delta_docs
        self.max_dead_fraction = max_dead_fraction
        # Off for an index opened from files: compacting would copy the shared base
        # into this process; the owner of the files compacts and saves instead.
        self.auto_compact = auto_compact
        columns = len(self.field_names)

        # Per slot. Arrays grow by doubling; only [:self.slots] is in use.
        self.slots = 0
        self.ids = np.zeros(0, dtype=np.int64)
        self.alive = np.zeros(0, dtype=bool)
        self.sort_keys = np.zeros(0, dtype=np.float64)
        self.lengths = np.zeros((0, columns), dtype=np.float32)
        self.slot_of = SlotMap()
        self.dead = 0
        self.length_sums = np.zeros(columns, dtype=np.float64)  # over live documents
        self.facets = FacetMasks()

        self.term_ids = Vocabulary()
        # Base postings, CSR by term id.
        self.base_offsets = np.zeros(1, dtype=np.int64)
        self.base_slots = np.zeros(0, dtype=np.int32)
        self.base_tf = np.zeros((0, columns), dtype=np.uint8)
        self.base_sat = np.zeros(0, dtype=np.float32)
        self.base_averages: np.ndarray | None = None
        self.base_slot_count = 0  # slots below this are in the base
        self._clear_delta()

        self.version = 0  # bumped on every change; keys the caches below
        self._cache: dict[str, tuple[int, object]] = {}

    def _clear_delta(self) -> None:
        # Delta postings: one entry per (term, slot, field column).
        self.delta_terms = array("i")
        self.delta_slots = array("i")
        self.delta_columns = array("b")
        self.delta_tf = array("I")
        self.delta_docs = 0

    def nbytes(self) -> int:
        """Approximate memory held by the arrays (not the Python dicts)."""
        arrays = [
            self.ids,
            self.alive,
            self.sort_keys,
            self.lengths,
            self.base_offsets,
            self.base_slots,
            self.base_tf,
            self.base_sat,
            *self.facets.arrays(),
        ]
        delta = (self.delta_terms, self.delta_slots, self.delta_columns, self.delta_tf)
        return sum(a.nbytes for a in arrays) + sum(len(d) * d.itemsize for d in delta)

    # -- changes ------------------------------------------------------------

    def add(
        self,
        doc_id: int,
        fields: list[tuple[str, dict[str, int]]],
        part_only: list[str],
        facets,
        sort_key: float,
    ) -> None:
        """A new slot for ``doc_id`` (not in the index) with the fields' term counts
        (``LENGTH_KEY``, when given, the field's length) and one posting per marker term
        in ``part_only`` (adding nothing to the lengths)."""
        slot = self._new_slot()
        self.ids[slot] = doc_id
        self.alive[slot] = True
        self.sort_keys[slot] = sort_key
        self.slot_of[doc_id] = slot
        term_ids = self.term_ids
        for field_name, counts in fields:
            column = self.column.get(field_name, self.other_column)
            ids = [term_ids.get(term) for term in counts]
            if None in ids:
                for position, term in enumerate(counts):
                    if ids[position] is None:
                        ids[position] = term_ids.setdefault(term, len(term_ids))
            frequencies = list(counts.values())
            length = counts.get(LENGTH_KEY)
            self.lengths[slot, column] += sum(frequencies) if length is None else length
            self.delta_terms.extend(ids)
            self.delta_slots.extend([slot] * len(ids))
            self.delta_columns.extend([column] * len(ids))
            self.delta_tf.extend(frequencies)
        if part_only:
            ids = [term_ids.setdefault(term, len(term_ids)) for term in part_only]
            self.delta_terms.extend(ids)
            self.delta_slots.extend([slot] * len(ids))
            self.delta_columns.extend([self.other_column] * len(ids))
            self.delta_tf.extend([1] * len(ids))
        self.length_sums += self.lengths[slot]
        self.facets.add(slot, facets or {}, len(self.alive))
        self.delta_docs += 1
        self.version += 1

    def remove(self, doc_id: int) -> None:
        """Mark the document's slot dead; unknown ids are ignored."""
        slot = self.slot_of.pop(doc_id, None)
        if slot is None:
            return
        self.alive[slot] = False
        self.length_sums -= self.lengths[slot]
        self.dead += 1
        self.version += 1

    def _new_slot(self) -> int:
        slot = self.slots
        if slot >= len(self.alive):
            self._grow(max(64, 2 * len(self.alive)))
        self.slots += 1
        return slot

    def _grow(self, capacity: int) -> None:
        def grown(values: np.ndarray) -> np.ndarray:
            bigger = np.zeros((capacity, *values.shape[1:]), dtype=values.dtype)
            bigger[: len(values)] = values
            return bigger

        self.ids = grown(self.ids)
        self.alive = grown(self.alive)
        self.sort_keys = grown(self.sort_keys)
        self.lengths = grown(self.lengths)
        self.facets.resize(grown)

    # -- compaction ---------------------------------------------------------

    def compact(self) -> None:
        """Merge the delta into the base, drop removed documents and recompute
        every tf~ with the current average field lengths."""
        live = np.flatnonzero(self.alive[: self.slots])
        new_slot = np.full(self.slots, -1, dtype=np.int64)
        new_slot[live] = np.arange(len(live))

        base_terms = np.repeat(
            np.arange(len(self.base_offsets) - 1, dtype=np.int64), np.diff(self.base_offsets)
        )
        delta_terms, delta_slots, delta_tf = self._aggregated_delta()
        terms = np.concatenate([base_terms, delta_terms])
        slots = np.concatenate([self.base_slots.astype(np.int64), delta_slots])
        tf = np.concatenate([self.base_tf, delta_tf])
        del base_terms, delta_terms, delta_slots, delta_tf

        keep = self.alive[slots]
        terms, slots, tf = terms[keep], new_slot[slots[keep]], tf[keep]
        # Both runs are in (term, slot) order and every delta slot comes after every
        # base slot, so a stable sort by term alone yields (term, slot) order.
        order = np.argsort(terms, kind="stable")
        terms, slots, tf = terms[order], slots[order], tf[order]
        del order, keep

        self.base_offsets = np.zeros(len(self.term_ids) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=len(self.term_ids)), out=self.base_offsets[1:])
        self.base_slots = slots.astype(np.int32)
        self.base_tf = tf

        self.ids = self.ids[live]
        self.alive = np.ones(len(live), dtype=bool)
        self.sort_keys = self.sort_keys[live]
        self.lengths = self.lengths[live]
        self.facets.resize(lambda mask: mask[live])
        self.slots = self.base_slot_count = len(live)
        self.slot_of = SlotMap.of_slots(self.ids)
        self.dead = 0
        self.length_sums = self.lengths.sum(axis=0, dtype=np.float64)
        self._clear_delta()

        averages = self.averages()
        self.base_sat = np.empty(len(self.base_slots), dtype=np.float32)
        for start in range(0, len(self.base_slots), SAT_CHUNK):
            chunk = slice(start, start + SAT_CHUNK)
            self.base_sat[chunk] = self._saturate(
                self.base_slots[chunk], self.base_tf[chunk], averages
            )
        self.base_averages = averages
        self.version += 1

    def _aggregated_delta(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The delta as (term, slot, per-field frequencies) rows, one per term and slot."""
        columns = len(self.field_names)
        if not self.delta_terms:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros((0, columns), dtype=np.uint8)
        # Entries were appended slot by slot, so a stable sort by term gives
        # (term, slot) order, with a term's fields in one slot side by side.
        terms = np.array(self.delta_terms, dtype=np.int32)
        order = np.argsort(terms, kind="stable")
        terms = terms[order]
        slots = np.array(self.delta_slots, dtype=np.int64)[order]
        starts = np.ones(len(terms), dtype=bool)
        starts[1:] = (terms[1:] != terms[:-1]) | (slots[1:] != slots[:-1])
        row = np.cumsum(starts) - 1
        rows = int(row[-1]) + 1
        columns_of = np.array(self.delta_columns, dtype=np.int64)[order]
        tf = np.bincount(
            row * columns + columns_of,
            weights=np.array(self.delta_tf, dtype=np.float64)[order],
            minlength=rows * columns,
        )
        tf = np.minimum(tf, MAX_FIELD_TF).astype(np.uint8).reshape(rows, columns)
        return terms[starts].astype(np.int64), slots[starts], tf

    def averages(self) -> np.ndarray:
        live = max(len(self.slot_of), 1)
        averages = self.length_sums / live
        averages[averages <= 0] = 1.0
        return averages

    def _saturate(self, slots: np.ndarray, tf: np.ndarray, averages: np.ndarray) -> np.ndarray:
        """BM25F's saturated tf~ for postings given per-field frequencies (rows)."""
        lengths = self.lengths[slots]
        norm = self.weights / (1.0 - self.b + self.b * lengths / averages)
        combined = (tf * norm).sum(axis=1)
        return (combined / (self.k1 + combined)).astype(np.float32)

    def maybe_compact(self) -> None:
        if not self.auto_compact:
            return
        if self.delta_docs > self.max_delta_docs or (
            self.dead > 16 and self.dead > self.max_dead_fraction * self.slots
        ):
            self.compact()
        elif self.base_averages is not None and self.base_slot_count:
            drift = np.abs(self.averages() - self.base_averages) / self.base_averages
            if drift.max() > MAX_AVERAGE_DRIFT:
                self.compact()

    # -- reading ------------------------------------------------------------

    def cached(self, name: str, compute):
        """``compute()``, kept until the next change."""
        version, value = self._cache.get(name, (-1, None))
        if version != self.version:
            value = compute()
            self._cache[name] = (self.version, value)
        return value

    def remember(self, name: str, value) -> None:
        """``value`` as what :meth:`cached` gives for ``name`` until the next change."""
        self._cache[name] = (self.version, value)

    def _delta_arrays(self):
        return self.cached(
            "delta",
            lambda: (
                np.array(self.delta_terms, dtype=np.int32),
                np.array(self.delta_slots, dtype=np.int64),
                np.array(self.delta_columns, dtype=np.int64),
                np.array(self.delta_tf, dtype=np.float64),
            ),
        )

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray] | None:
        """Slots (ascending) holding ``term``, live or dead, with their tf~."""
        term_id = self.term_ids.get(term)
        if term_id is None:
            return None
        parts_slots, parts_sat = [], []
        if term_id + 1 < len(self.base_offsets):
            start, end = self.base_offsets[term_id], self.base_offsets[term_id + 1]
            parts_slots.append(self.base_slots[start:end])
            parts_sat.append(self.base_sat[start:end])
        if self.delta_docs:
            terms, slots, columns, tf = self._delta_arrays()
            rows = np.flatnonzero(terms == term_id)
            if len(rows):
                slots, columns, tf = slots[rows], columns[rows], tf[rows]
                lengths = self.lengths[slots, columns]
                b = self.b[columns]
                averages = self.averages()[columns]
                weighted = tf * self.weights[columns] / (1.0 - b + b * lengths / averages)
                unique_slots, slot_row = np.unique(slots, return_inverse=True)
                combined = np.bincount(slot_row, weights=weighted)
                parts_slots.append(unique_slots.astype(np.int32))
                parts_sat.append((combined / (self.k1 + combined)).astype(np.float32))
        if not parts_slots:
            return None
        if len(parts_slots) == 1:
            return parts_slots[0], parts_sat[0]
        return np.concatenate(parts_slots), np.concatenate(parts_sat)

    def weighted_postings(self, term: str):
        """A term's slots with idf · tf~, idf counting live documents only; None when no
        live document holds it."""
        found = self.postings(term)
        if found is None:
            return None
        slots, sat = found
        frequency = int(np.count_nonzero(self.alive[slots])) if self.dead else len(slots)
        if frequency == 0:
            return None
        live = len(self.slot_of)
        idf = math.log(1.0 + (live - frequency + 0.5) / (frequency + 0.5))
        return slots, sat * np.float32(idf)

    def blank_order(self) -> np.ndarray:
        """The live slots by sort_key (desc), then id: an empty query's order."""

        def compute():
            live = np.flatnonzero(self.alive[: self.slots])
            return live[np.lexsort((self.ids[live], -self.sort_keys[live]))]

        return self.cached("blank", compute)

    def packed_facets(self):
        return self.cached("facets_packed", lambda: self.facets.packed(self.slots))
