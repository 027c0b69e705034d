"""Saving new generations of the practice index: a full rebuild, or a compaction that
merges the changes since the newest saved index into a new one. Slow work: runs in
``kennisschakel rebuild_index`` and in the task on the "index" queue, never in a request
(except the very first search of a fresh install: :func:`publish_new_index`, see
knowledge.search).

The generations are saved under ``settings.KENNISSCHAKEL_INDEX_DIR``/practices
(:class:`kennisschakel.engines.text.index_store.IndexStore`), each with the change
number it includes (its watermark) and the database it was built from."""

import json
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from kennisschakel.engines.text.index_store import IndexStore
from kennisschakel.engines.text.search import MANIFEST, SearchIndex
from kennisschakel.knowledge.analysis import shared_analyzer
from kennisschakel.knowledge.indexing import apply_changes, build_index
from kennisschakel.knowledge.models import SearchIndexChange, SearchIndexState


def index_root() -> Path:
    """Where the practice index's generations are saved."""
    base = getattr(settings, "KENNISSCHAKEL_INDEX_DIR", None) or Path(settings.VAR_DIR) / "index"
    return Path(base) / "practices"


def index_store() -> IndexStore:
    return IndexStore(index_root())


def database_identity() -> str:
    """Which database an index was built from: a process opens only its own database's."""
    settings_dict = connection.settings_dict
    return f"{connection.vendor}:{settings_dict.get('HOST') or ''}:{settings_dict['NAME']}"


def saved_meta(store: IndexStore, generation: str) -> dict:
    """What the adapter stored with a generation: watermark, database, build time."""
    manifest = json.loads((store.path(generation) / MANIFEST).read_text(encoding="utf-8"))
    return manifest.get("meta", {})


def saved_seq(store: IndexStore, generation: str) -> int:
    """The change number a saved generation includes (its watermark)."""
    return int(saved_meta(store, generation).get("seq", 0))


def publish(store: IndexStore, index: SearchIndex, seq: int) -> str:
    """Save ``index`` (built up to change ``seq``) as the current generation, then drop
    the change log that no kept generation needs."""
    meta = {
        "seq": seq,
        "database": database_identity(),
        "built_at": time.time(),
        "analysis": index.analyzer.signature,  # see DutchAnalyzer.signature
    }
    generation = store.publish(index, meta=meta)
    SearchIndexState.objects.filter(pk=1).update(base_seq=seq)
    # A process may still be reading from the previous generation: keep its changes.
    oldest = min(saved_seq(store, name) for name in store.generations())
    SearchIndexChange.objects.filter(seq__lte=oldest).delete()
    return generation


def rebuild(full: bool = True, store: IndexStore | None = None) -> dict:
    """Save a new generation: from every published practice (``full``), or from the
    newest saved one plus the logged changes. Returns figures for the caller to show."""
    store = store or index_store()
    started = time.perf_counter()
    with store.build_lock():
        current = store.current()
        if not full and current is not None:
            # A generation analysed otherwise (older analysis, other names) is rebuilt.
            meta = saved_meta(store, current)
            full = meta.get("analysis") != shared_analyzer(refresh=True).signature
        if full or current is None:
            index, seq = build_index()
            changed = len(index)
        else:
            index = store.open(current, analyzer=shared_analyzer(), part_markers=True)
            seq = SearchIndexState.current_seq()
            changed = apply_changes(index, int(index.meta.get("seq", 0)), seq)
            if not changed:
                return {"generation": current, "documents": len(index), "changes": 0,
                        "seconds": time.perf_counter() - started}  # fmt: skip
            index.compact()
        generation = publish(store, index, seq)
    return {
        "generation": generation,
        "documents": len(index),
        "changes": changed,
        "seconds": time.perf_counter() - started,
    }


def publish_new_index(store: IndexStore) -> str:
    """Build and save an index unless, once the build lock is ours, another process has
    saved one that is usable: this database's, built from no later change than it holds."""
    with store.build_lock():
        current = store.current()
        if current is not None:
            meta = saved_meta(store, current)
            usable = meta.get("database") == database_identity()
            usable = usable and meta.get("analysis") == shared_analyzer(refresh=True).signature
            if usable and int(meta.get("seq", 0)) <= SearchIndexState.current_seq():
                return current
        index, seq = build_index()
        return publish(store, index, seq)
