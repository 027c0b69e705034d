"""A matcher on disk: saved once, opened by every process without rebuilding.

:func:`save` writes a compacted :class:`~kennisschakel.engines.matching.Matcher` into a
directory as numpy arrays (``.npy``), byte blobs and a JSON manifest; :func:`open_arrays`
and the tables below read them back with ``mmap_mode``, so that every worker process
maps the same files and the operating system's page cache holds them **once**.

What is stored, and how it is read:

* the search index's arrays (per slot: ids, sort keys, field lengths; per term: the
  postings in CSR layout with their saturated tf~) — memory-mapped. The per-slot arrays
  are saved with free slots at the end (``headroom``) and mapped copy-on-write
  (``mmap_mode="c"``): a process that adds a changed candidate writes one page of
  them, privately, instead of copying the whole array;
* facets as one boolean matrix per facet name (a row per value), copy-on-write too;
* terms, candidate keys and the lexicon as sorted byte blobs with offsets, looked up by
  binary search (:class:`SortedStrings`): no dictionary of a few hundred thousand
  entries is built in each process;
* candidates (without their texts, which only the index needs) as one marshal record
  per slot, decoded when a match looks at them (a few hundred per question).

Changes after opening live in overlays (:class:`Layered`): the opening process adds and
removes candidates as usual and they stay in its memory; a new full build replaces the
directory (the caller swaps directories atomically, see the adapter).

No Django here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
import mmap
import os
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from pathlib import Path

import numpy as np

from kennisschakel.engines.matching.model import Candidate
from kennisschakel.engines.text.npy import load_npy

# 2: candidates with names and links, names.json (issue 12).
# 3: practices link their owners, co-owners and the places, networks and institutions
#    they name; organisations' texts name their policy domains (issue 12, tuning).
FORMAT = 3
MANIFEST = "manifest.json"


# -- candidates as records ---------------------------------------------------------


# Candidate fields in order, the texts left out (the index holds what they say). A record
# is the marshal of their values: fast to decode (a few microseconds, against tens for
# JSON) and unable to run code, unlike pickle. marshal's format belongs to the Python
# version, which the manifest records: another version rebuilds instead of misreading.
_FIELDS = [f.name for f in dataclasses.fields(Candidate)]
_TEXT = _FIELDS.index("text")
RECORD_FORMAT = f"marshal-{marshal.version}-py{sys.version_info[0]}.{sys.version_info[1]}"


def encode_candidate(candidate: Candidate) -> bytes:
    values = [getattr(candidate, name) for name in _FIELDS]
    del values[_TEXT]
    return marshal.dumps(tuple(values))


def decode_candidate(data: bytes) -> Candidate:
    values = list(marshal.loads(data))  # noqa: S302  (our own files, no code in marshal)
    values.insert(_TEXT, {})
    return Candidate(*values)


# -- files ---------------------------------------------------------------------------


def write_blob(directory: Path, name: str, items: list[bytes]) -> None:
    """``items`` concatenated into ``<name>.bin`` with ``<name>_offsets.npy``."""
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum([len(item) for item in items], out=offsets[1:])
    with open(directory / f"{name}.bin", "wb") as handle:
        for item in items:
            handle.write(item)
    np.save(directory / f"{name}_offsets.npy", offsets)


class Blob:
    """Read side of :func:`write_blob`: item ``i`` as bytes, from a memory map."""

    def __init__(self, directory: Path, name: str):
        offsets = load_npy(directory / f"{name}_offsets.npy", mmap_mode="r")
        self.offsets = offsets.view(np.ndarray)  # plain indexing, without memmap's overhead
        path = directory / f"{name}.bin"
        if path.stat().st_size:
            with open(path, "rb") as handle:
                self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        else:
            self._data = b""

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> bytes:
        start, end = self.offsets[index : index + 2].tolist()
        return self._data[start:end]


def string_hash(key: bytes) -> int:
    """A stable 64-bit hash (Python's own ``hash`` differs per process)."""
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


def write_sorted_strings(directory: Path, name: str, mapping: Mapping[str, object], dtype):
    """A str → number mapping, ordered by a 64-bit hash of the key: ``<name>_hashes.npy``,
    the keys (to verify a hit) and ``<name>_values.npy``."""
    items = sorted(
        (string_hash(key.encode()), key.encode(), value) for key, value in mapping.items()
    )
    write_blob(directory, name, [key for _h, key, _v in items])
    np.save(directory / f"{name}_hashes.npy", np.array([h for h, _k, _v in items], dtype=np.uint64))
    np.save(directory / f"{name}_values.npy", np.array([v for _h, _k, v in items], dtype=dtype))


class SortedStrings(Mapping):
    """Read side of :func:`write_sorted_strings`: a read-only mapping, looked up by a
    binary search of the key's hash in a memory-mapped array (numpy, a microsecond)
    and one comparison of the key; nothing is loaded up front."""

    def __init__(self, directory: Path, name: str, convert: Callable = int):
        self._keys = Blob(directory, name)
        self._hashes = load_npy(directory / f"{name}_hashes.npy", mmap_mode="r").view(np.ndarray)
        self._values = load_npy(directory / f"{name}_values.npy", mmap_mode="r").view(np.ndarray)
        self._convert = convert
        self._count = len(self._keys)

    def _position(self, key: str) -> int | None:
        if not isinstance(key, str) or not self._count:
            return None
        wanted = key.encode()
        code = np.uint64(string_hash(wanted))
        position = int(np.searchsorted(self._hashes, code))
        while position < self._count and self._hashes[position] == code:
            if self._keys[position] == wanted:
                return position
            position += 1  # another key with the same hash (practically never)
        return None

    def __getitem__(self, key):
        position = self._position(key)
        if position is None:
            raise KeyError(key)
        return self._convert(self._values[position])

    def get(self, key, default=None):
        position = self._position(key)
        return default if position is None else self._convert(self._values[position])

    def __contains__(self, key) -> bool:
        return self._position(key) is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        return (self._keys[i].decode() for i in range(self._count))


class SortedIds(Mapping):
    """doc id → value (a slot), by binary search in a sorted id array; a direct read
    when the ids are dense (a fresh build numbers them 1, 2, 3 …)."""

    def __init__(self, ids: np.ndarray, values: np.ndarray):
        # Plain views: indexing a numpy memmap subclass costs a Python call per item.
        self._ids = ids.view(np.ndarray)
        self._values = values.view(np.ndarray)
        self._count = len(ids)

    def _position(self, key) -> int | None:
        if not isinstance(key, int | np.integer):
            return None
        guess = int(key) - 1
        if 0 <= guess < self._count and self._ids[guess] == key:
            return guess
        position = int(self._ids.searchsorted(key))
        if position < self._count and self._ids[position] == key:
            return position
        return None

    def __getitem__(self, key):
        position = self._position(key)
        if position is None:
            raise KeyError(key)
        return int(self._values[position])

    def __contains__(self, key) -> bool:
        return self._position(key) is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self):
        return iter(self._ids.tolist())


class Layered(MutableMapping):
    """A read-only base mapping with this process's changes on top.

    ``materialise``: values read from the base are copied into the overlay on first
    read (for mutable values such as sets that the caller changes in place).
    """

    def __init__(self, base: Mapping, *, materialise: bool = False):
        self._base = base
        self._over: dict = {}
        self._gone: set = set()
        self._added = 0  # overlay keys the base does not have
        self._materialise = materialise

    def __getitem__(self, key):
        over = self._over
        if key in over:
            return over[key]
        if key in self._gone:
            raise KeyError(key)
        value = self._base[key]
        if self._materialise:
            self._over[key] = value
        return value

    def __contains__(self, key) -> bool:
        return key in self._over or (key not in self._gone and key in self._base)

    def __setitem__(self, key, value) -> None:
        if key not in self._over:
            if key in self._gone:
                self._gone.discard(key)
            elif key not in self._base:
                self._added += 1
        self._over[key] = value

    def __delitem__(self, key) -> None:
        in_base = key not in self._gone and key in self._base
        if key in self._over:
            del self._over[key]
            if not in_base:
                self._added -= 1
        elif not in_base:
            raise KeyError(key)
        if in_base:
            self._gone.add(key)

    def __len__(self) -> int:
        return len(self._base) - len(self._gone) + self._added

    def __iter__(self):
        for key in self._base:
            if key not in self._gone:
                yield key
        for key in list(self._over):
            if key not in self._base:
                yield key


def save_arrays(directory: Path, arrays: dict[str, np.ndarray]) -> None:
    for name, values in arrays.items():
        np.save(directory / f"{name}.npy", np.ascontiguousarray(values))


def open_array(directory: Path, name: str, *, writable: bool = False) -> np.ndarray:
    """A saved array, memory-mapped: read-only, or copy-on-write when ``writable``."""
    return load_npy(directory / f"{name}.npy", mmap_mode="c" if writable else "r")


def write_manifest(directory: Path, manifest: dict) -> None:
    path = directory / MANIFEST
    path.write_text(json.dumps({"format": FORMAT, **manifest}, indent=1), encoding="utf-8")


def read_manifest(directory: Path) -> dict:
    manifest = json.loads((Path(directory) / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{directory}: index format {manifest.get('format')}, expected {FORMAT}")
    return manifest


def fsync_directory(directory: Path) -> None:
    """Flush every file of ``directory`` to disk before it is published."""
    for path in Path(directory).iterdir():
        if path.is_dir():
            continue
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
