"""The files of a saved search index: writing them (:func:`save_index`) and opening them
memory-mapped (:func:`open_index`), so that every process that opens the same files
shares one copy in the page cache. :class:`~kennisschakel.engines.text.search.SearchIndex`
``save`` and ``open`` call these."""

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from kennisschakel.engines.text.lookup import SlotMap, Vocabulary, write_sorted_terms
from kennisschakel.engines.text.npy import load_npy
from kennisschakel.engines.text.spelling import SpellingVocabulary

# Files of a saved index (see SearchIndex.save).
INDEX_FORMAT = 1
MANIFEST = "manifest.json"
# Free slots saved after the last document, so an opened index takes a delta of new
# documents in its copy-on-write pages instead of copying every per-slot array.
SAVED_HEADROOM_MIN = 1024
SAVED_HEADROOM_FRACTION = 0.05


def save_index(index, directory: Path | str, meta: Mapping | None = None) -> None:
    """Write ``index`` (a SearchIndex, compacted first) to ``directory`` as .npy arrays
    plus a JSON manifest; see SearchIndex.save."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    store = index._store
    if store.delta_docs or store.dead or store.base_averages is None:
        store.compact()
    size = store.slots
    capacity = size + max(SAVED_HEADROOM_MIN, int(size * SAVED_HEADROOM_FRACTION))

    # Term ids become positions in the vocabulary sorted by UTF-8 bytes, so a
    # lookup is a binary search in the mapped file; terms without postings go.
    terms = store.term_ids.terms_by_id()
    counts = np.diff(store.base_offsets)
    kept = np.flatnonzero(counts).tolist()
    kept.sort(key=lambda term_id: terms[term_id].encode())
    order = np.array(kept, dtype=np.int64)
    lengths = counts[order]
    offsets = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    gather = np.repeat(store.base_offsets[order] - offsets[:-1], lengths) + np.arange(
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

    facets = store.facets.masks
    facet_values = [(name, value) for name, masks in facets.items() for value in masks]
    facet_masks = np.zeros((len(facet_values), capacity), dtype=bool)
    for row, (name, value) in enumerate(facet_values):
        facet_masks[row, :size] = facets[name][value][:size]
    sorted_ids, sorted_slots = store.slot_of.base_arrays()
    arrays = {
        "ids": padded(store.ids),
        "alive": padded(store.alive, False),
        "sort_keys": padded(store.sort_keys),
        "lengths": padded(store.lengths),
        "facets": facet_masks,
        "sorted_ids": sorted_ids,
        "sorted_slots": sorted_slots,
        "blank_order": store.blank_order(),
        "base_offsets": offsets,
        "base_slots": store.base_slots[gather],
        "base_tf": store.base_tf[gather],
        "base_sat": store.base_sat[gather],
    }
    for name, values in arrays.items():
        np.save(directory / f"{name}.npy", np.ascontiguousarray(values))
    facet_names: dict[str, list[str]] = {}
    for name, value in facet_values:
        facet_names.setdefault(name, []).append(value)
    manifest = {
        "format": INDEX_FORMAT,
        "documents": size,
        "terms": len(kept),
        "field_weights": dict(
            zip(store.field_names[:-1], store.weights[:-1].tolist(), strict=True)
        ),
        "b": dict(zip(store.field_names, store.b.tolist(), strict=True)),
        "k1": store.k1,
        "synonym_weight": index.synonym_weight,
        "averages": store.base_averages.tolist(),
        "facets": facet_names,
        "meta": dict(meta or {}),
    }
    index._spelling.save(directory)
    (directory / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    for path in directory.iterdir():
        with open(path, "rb") as file:
            os.fsync(file.fileno())
    # What this process keeps using now matches the files.
    store.term_ids = Vocabulary.mapped(directory / "terms.bin", directory / "term_starts.bin")
    index._spelling = SpellingVocabulary.open(directory)
    store.base_offsets = offsets
    store.base_slots = arrays["base_slots"]
    store.base_tf = arrays["base_tf"]
    store.base_sat = arrays["base_sat"]
    store.version += 1


def open_index(cls, directory: Path | str, analyzer=None, **options):
    """A ``cls`` (SearchIndex) over the files :func:`save_index` wrote, memory-mapped;
    see SearchIndex.open."""
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
    store = index._store
    size = manifest["documents"]

    def load(name: str, mode: str = "r") -> np.ndarray:
        path = directory / f"{name}.npy"
        try:
            return load_npy(path, mmap_mode=mode)
        except ValueError:  # an empty array cannot be mapped
            return load_npy(path)

    # Per-slot arrays are copy-on-write: a removal or a delta document dirties
    # only the pages it touches; the headroom saved after the last slot takes the
    # delta's documents without growing (copying) the arrays.
    store.ids = load("ids", "c")
    store.alive = load("alive", "c")
    store.sort_keys = load("sort_keys", "c")
    store.lengths = load("lengths", "c")
    facet_masks = load("facets", "c")
    row = 0
    for name, values in manifest["facets"].items():
        masks = store.facets.masks[name] = {}
        for value in values:
            masks[value] = facet_masks[row]
            row += 1
    store.slots = store.base_slot_count = size
    store.slot_of = SlotMap(load("sorted_ids"), load("sorted_slots"))
    store.length_sums = np.asarray(store.lengths[:size]).sum(axis=0, dtype=np.float64)
    store.term_ids = Vocabulary.mapped(directory / "terms.bin", directory / "term_starts.bin")
    index._spelling = SpellingVocabulary.open(directory)
    # Plain arrays over the same mapped pages: slicing a memmap object costs a
    # Python-level finaliser per slice, and a query slices the postings often.
    store.base_offsets = np.asarray(load("base_offsets"))
    store.base_slots = np.asarray(load("base_slots"))
    store.base_tf = np.asarray(load("base_tf"))
    store.base_sat = np.asarray(load("base_sat"))
    store.base_averages = np.array(manifest["averages"], dtype=np.float64)
    store.remember("blank", load("blank_order"))
    index.meta = manifest["meta"]
    return index
