"""The "search_index" check of GET /health: is there a saved practice index, and how far
behind the database is it?

Cheap by design (polled every few seconds): a readlink, one small JSON file, and two
indexed queries. Not ok when no index is saved or the changes since the newest one
exceed KENNISSCHAKEL_INDEX_MAX_CHANGES (then compaction is not keeping up: is a worker
running the "index" queue?).
"""

import time

from django.conf import settings

from kennisschakel.core.health import register
from kennisschakel.engines.text.analysis import ANALYSIS_VERSION

DEFAULT_MAX_CHANGES = 5000


def max_changes() -> int:
    return int(getattr(settings, "KENNISSCHAKEL_INDEX_MAX_CHANGES", DEFAULT_MAX_CHANGES))


@register("search_index")
def search_index_check() -> dict:
    from kennisschakel.knowledge.index_build import database_identity, index_store, saved_meta
    from kennisschakel.knowledge.index_changes import current_seq
    from kennisschakel.knowledge.models import SearchIndexChange

    store = index_store()
    generation = store.current()
    if generation is None:
        return {"ok": False, "error": "no saved index (run: kennisschakel rebuild_index)"}
    meta = saved_meta(store, generation)
    watermark = int(meta.get("seq", 0))
    seq = current_seq()
    if meta.get("database") != database_identity():
        return {"ok": False, "generation": generation, "error": "built from another database"}
    behind = (
        SearchIndexChange.objects.filter(seq__gt=watermark).values("practice_id").distinct().count()
    )
    return {
        "ok": behind <= max_changes() and seq >= watermark,
        "generation": generation,
        "changes_since": behind,  # practices changed since the saved index: each process's delta
        "base_age_seconds": round(time.time() - store.built_at(generation), 1),
        "base_seq": watermark,
        "seq": seq,
        # False after an upgrade that changed the analysis: searches are answered from
        # this index until the worker has built the new one (queued by the first search).
        "analysis_current": str(meta.get("analysis", "")).startswith(f"{ANALYSIS_VERSION}:"),
    }


def register_rebuild() -> None:
    """The facilitators' status page (core/status/) offers a full rebuild of this index and
    lists its tasks (the rebuild and the compaction that merges recent changes)."""
    from django.utils.translation import gettext_lazy as _

    from kennisschakel.core.status.rebuilds import Rebuild, register_rebuild

    register_rebuild(
        Rebuild(
            "zoekindex",
            _("Search index"),
            _("Rebuild the search index"),
            "kennisschakel.knowledge.tasks.rebuild_search_index",
            "search_index",
        ),
        _("Search index: full rebuild"),
        {
            "kennisschakel.knowledge.tasks.compact_search_index": _(
                "Search index: merge recent changes"
            )
        },
    )
