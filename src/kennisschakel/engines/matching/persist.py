"""Saving a :class:`~kennisschakel.engines.matching.Matcher` to a directory and opening it
again, memory-mapped (the file formats are in :mod:`~kennisschakel.engines.matching.store`).

An opened matcher ranks exactly like the one that was saved: the same arrays, the same
doc ids, the same lexicon for splitting the question's compounds. It accepts
:meth:`~kennisschakel.engines.matching.Matcher.add` and ``remove`` like any other (the changes
stay in the opening process) but does not compact its saved part: that would copy the
whole index into the process. A fresh build replaces the directory instead.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np

from kennisschakel.engines.matching import store
from kennisschakel.engines.matching.model import Candidate
from kennisschakel.engines.matching.pool_index import PoolIndex
from kennisschakel.engines.matching.weights import Weights
from kennisschakel.engines.text.analysis import DutchAnalyzer

CACHED_RECORDS = 4096
NAMES = "names.json"


class StaleIndex(ValueError):
    """The saved index was built with other weights (or another format): rebuild it."""


def weights_digest(weights: Weights) -> str:
    return hashlib.sha256(repr(weights).encode()).hexdigest()[:16]


def save_matcher(matcher, directory: str | Path, meta: dict | None = None) -> dict:
    """Write ``matcher`` (compacted first) into the new or empty ``directory``; returns
    the manifest. ``meta`` is stored as is (the caller's watermark…). The search index
    goes to ``index/`` (:meth:`SearchIndex.save`), the candidates next to it."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    index = matcher._index
    index.save(directory / "index")
    ids = np.asarray(index._store.ids[: index._store.slots]).tolist()
    store.write_sorted_strings(directory, "keys", matcher._id_of, np.int64)
    store.write_sorted_strings(directory, "lexicon", index.analyzer.lexicon, np.float64)
    records = matcher._records
    store.write_blob(directory, "records", [store.encode_candidate(records[i]) for i in ids])
    # Name protection and recognition (issue 12): the names the analyzer protects, and
    # the recognised names with their candidates.
    names = {"protected": list(index.analyzer.names), "entities": matcher._entities.entries()}
    (directory / NAMES).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
    codes = sorted(matcher._belonging)
    members = [sorted(matcher._belonging[code]) for code in codes]
    offsets = np.zeros(len(codes) + 1, dtype=np.int64)
    np.cumsum([len(group) for group in members], out=offsets[1:])
    store.save_arrays(
        directory,
        {
            "belonging_offsets": offsets,
            "belonging_ids": np.array([i for group in members for i in group], dtype=np.int64),
        },
    )
    manifest = {
        "candidates": len(matcher),
        "next_id": matcher._next_id,
        "weights": weights_digest(matcher.weights),
        "records": store.RECORD_FORMAT,
        "belonging": codes,
        "municipalities": {
            code: matcher._id_of[candidate.key]
            for code, candidate in sorted(matcher._municipalities.items())
        },
        "meta": meta or {},
    }
    store.write_manifest(directory, manifest)
    store.fsync_directory(directory)
    return manifest


class _Records(Mapping):
    """doc id → candidate, decoded from the saved records. The most recently used are
    kept decoded (``CACHED_RECORDS``: a few MB): a question's pool is a few hundred
    candidates, and the popular ones come back question after question."""

    def __init__(self, blob: store.Blob, slot_of: Mapping[int, int]):
        self._blob = blob
        self._slot_of = slot_of
        self._decoded = lru_cache(maxsize=CACHED_RECORDS)(self._decode)

    def _decode(self, doc_id: int) -> Candidate:
        return store.decode_candidate(self._blob[self._slot_of[doc_id]])

    def __getitem__(self, doc_id) -> Candidate:
        return self._decoded(doc_id)

    def __contains__(self, doc_id) -> bool:
        return doc_id in self._slot_of

    def __len__(self) -> int:
        return len(self._slot_of)

    def __iter__(self):
        return iter(self._slot_of)


class _Belonging(Mapping):
    """CBS code → ids of the candidates that belong to it (a new set per read)."""

    def __init__(self, directory: Path, codes: list[str]):
        self._position = {code: position for position, code in enumerate(codes)}
        self._offsets = store.open_array(directory, "belonging_offsets")
        self._ids = store.open_array(directory, "belonging_ids")

    def __getitem__(self, code) -> set[int]:
        position = self._position[code]
        start, end = self._offsets[position], self._offsets[position + 1]
        return set(self._ids[start:end].tolist())

    def __len__(self) -> int:
        return len(self._position)

    def __iter__(self):
        return iter(self._position)


class _Municipalities(Mapping):
    def __init__(self, ids: dict[str, int], records: Mapping[int, Candidate]):
        self._ids = ids
        self._records = records

    def __getitem__(self, code) -> Candidate:
        return self._records[self._ids[code]]

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self):
        return iter(self._ids)


def _plain_views(index) -> None:
    """The index's mapped arrays as plain ndarray views of the same pages: reading one
    element of a numpy memmap goes through a Python method; of a view, it does not
    (the matcher reads per-hit ids and lengths one at a time)."""
    postings = index._store
    for name in (
        "ids",
        "alive",
        "sort_keys",
        "lengths",
        "base_offsets",
        "base_slots",
        "base_tf",
        "base_sat",
    ):
        values = getattr(postings, name)
        if isinstance(values, np.memmap):
            setattr(postings, name, values.view(np.ndarray))
    for masks in postings.facets.masks.values():
        for value, mask in list(masks.items()):
            if isinstance(mask, np.memmap):
                masks[value] = mask.view(np.ndarray)


def open_matcher(
    directory: str | Path,
    weights: Weights | None = None,
    analyzer: DutchAnalyzer | None = None,
    *,
    cls: type,
):
    """The matcher saved in ``directory``, memory-mapped, as a ``cls`` (``Matcher.open``
    passes its class: the engine imports this module, not the other way round).
    ``analyzer``: by default one over the saved lexicon (nothing to load); raises
    :class:`StaleIndex` when the saved index was built with other weights."""
    directory = Path(directory)
    try:
        manifest = store.read_manifest(directory)
    except ValueError as error:
        raise StaleIndex(str(error)) from error
    weights = weights or Weights()
    if manifest.get("records") != store.RECORD_FORMAT:
        raise StaleIndex(f"{directory}: candidates saved by another Python; rebuild the index")
    if manifest["weights"] != weights_digest(weights):
        raise StaleIndex(f"{directory}: built with other weights; rebuild the index")
    names = json.loads((directory / NAMES).read_text(encoding="utf-8"))
    if analyzer is None:
        analyzer = DutchAnalyzer(lexicon=store.SortedStrings(directory, "lexicon", float))
    analyzer = analyzer.with_names(names["protected"])

    index = PoolIndex.open(directory / "index", analyzer=analyzer)
    _plain_views(index)
    if index._store.weights[:-1].tolist() != list(weights.field_weights.values()):
        raise StaleIndex(f"{directory}: saved with other field weights")
    base_slot_of = store.SortedIds(
        store.open_array(directory / "index", "sorted_ids"),
        store.open_array(directory / "index", "sorted_slots"),
    )

    matcher = cls.__new__(cls)
    matcher.weights = weights
    matcher._index = index
    records = _Records(store.Blob(directory, "records"), base_slot_of)
    matcher._records = store.Layered(records)
    matcher._id_of = store.Layered(store.SortedStrings(directory, "keys"))
    matcher._next_id = manifest["next_id"]
    matcher._belonging = store.Layered(
        _Belonging(directory, manifest["belonging"]), materialise=True
    )
    matcher._municipalities = store.Layered(_Municipalities(manifest["municipalities"], records))
    matcher.meta = manifest["meta"]
    matcher._init_names(analyzer)
    for name, key in names["entities"]:
        matcher._entities.add(key, [name])
    return matcher


__all__ = ["StaleIndex", "open_matcher", "save_matcher"]
