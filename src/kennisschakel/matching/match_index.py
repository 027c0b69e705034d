"""The matcher's candidate index: built once, saved, opened by every process, kept
current from the change log.

* **Build** (:func:`rebuild`): every candidate from the database
  (``adapter.build_candidates``) into a :class:`~kennisschakel.engines.matching.Matcher`,
  saved as a new generation under ``KENNISSCHAKEL_INDEX_DIR/matcher`` and published
  atomically (:class:`~kennisschakel.engines.text.index_store.IndexStore`: a ``current``
  symlink replaced in one step; a reader keeps the generation it opened). Runs as the
  task ``rebuild_match_index`` on the "index" queue, by ``kennisschakel
  rebuild_match_index`` and at the end of ``seed``; never inside a web request.
* **Open** (:func:`current_matcher`): a process maps the current generation
  (``Matcher.open``: milliseconds, the arrays shared through the page cache), then
  applies the changes logged since the generation's change number.
* **Keep current**: each match request reads the change number (one primary-key read,
  ``index_changes.current_seq``); when it moved, only the candidates the new log rows
  name are re-derived and added to (or removed from) the opened matcher, in this
  process's memory. When a newer generation was published, the process switches to it.
  Every ``KENNISSCHAKEL_MATCH_INDEX_REBUILD_EVERY`` (500) changes the writing transaction
  queues a rebuild task (once: the change numbers are unique).

Without any saved generation (a fresh install before ``seed``, or the tests) the
process builds the matcher in memory as before, and queues a rebuild.
"""

import logging
import threading
import time
from pathlib import Path

from django.conf import settings

from kennisschakel.engines import matching as matchengine
from kennisschakel.engines.matching.persist import StaleIndex
from kennisschakel.engines.text.index_store import IndexStore
from kennisschakel.matching import adapter, facts, index_changes, names
from kennisschakel.matching.models import MatchIndexChange
from kennisschakel.matching.rebuild_requests import enqueue_rebuild, rebuild_every
from kennisschakel.partnerships.models import PartnershipPartner

logger = logging.getLogger(__name__)


def index_root() -> Path:
    base = getattr(settings, "KENNISSCHAKEL_INDEX_DIR", None) or Path(settings.VAR_DIR) / "index"
    return Path(base) / "matcher"


def index_store() -> IndexStore:
    return IndexStore(index_root())


# -- building -------------------------------------------------------------------------


def build() -> tuple[matchengine.Matcher, int]:
    """Every candidate, in memory, and the change number the build includes (read
    first: a change committed during the build is applied again later, harmlessly)."""
    seq = index_changes.current_seq()
    municipal = facts.municipal_facts()
    ledger = facts.partnership_facts(municipal)
    candidates = adapter.build_candidates(municipal, ledger)
    matcher = matchengine.Matcher(
        candidates, analyzer=names.shared_analyzer(), names=names.protected_names()
    )
    return matcher, seq


def rebuild() -> dict:
    """Build and publish a new generation; drops the log rows it made unnecessary.
    One builder at a time (a file lock); returns what was built."""
    store = index_store()
    with store.build_lock():
        started = time.monotonic()
        built, seq = build()
        meta = {"seq": seq, "built_at": time.time(), "database": database_identity()}
        name = store.publish(built, meta=meta)
        # Every process that opens this generation or a later one starts at seq; one
        # still on an older generation switches before it reads the log again.
        MatchIndexChange.objects.filter(seq__lte=seq).delete()
    return {
        "generation": name,
        "seq": seq,
        "candidates": len(built),
        "seconds": round(time.monotonic() - started, 2),
    }


# -- the process's matcher --------------------------------------------------------------


class _State:
    def __init__(self):
        self.matcher: matchengine.Matcher | None = None
        self.generation: str | None = None  # None: built in memory
        self.seq = 0  # changes up to this number are in the matcher
        self.base_seq = 0  # the number the generation (or the in-memory build) includes
        self.opened_at = 0.0
        facts.forget_cached_facts()  # read again with the next matcher


_STATE = _State()
_FALLBACK_QUEUED = False  # a process without a saved index asks for one build, once
_LOCK = threading.Lock()


def forget() -> None:
    with _LOCK:
        _STATE.__init__()


def database_identity() -> str:
    """Which database a generation was built from: a saved index is opened only by
    processes on the same database (``make eval`` seeds another one next to it)."""
    from django.db import connection

    settings_dict = connection.settings_dict
    return f"{connection.vendor}:{settings_dict.get('HOST') or ''}:{settings_dict['NAME']}"


def warm_up() -> None:
    """Before gunicorn forks: open the saved generation and answer one question, so the
    workers inherit the mapped index, the analyzer and its caches (core/warmup.py).
    Only reads; without a saved generation it does nothing."""
    with _LOCK:
        if not open_current():
            return
    current_matcher().match(matchengine.Query(text="samenwerking gemeenten", limit=1))


def open_current() -> bool:
    """Open the published generation if it is not the one in use; True when a saved
    generation is in use afterwards. Cheap (a symlink read) when nothing changed."""
    store = index_store()
    name = store.current()
    if name is None:
        return False
    if name == _STATE.generation:
        return True
    try:
        opened = store.open(name, index_class=matchengine.Matcher)
    except (StaleIndex, OSError, ValueError, KeyError) as error:
        logger.warning("Match index %s cannot be opened (%s); building in memory.", name, error)
        return False
    if opened.meta.get("database") != database_identity():
        logger.warning("Match index %s was built from another database; ignored.", name)
        return False
    _STATE.matcher = opened
    _STATE.generation = name
    _STATE.seq = _STATE.base_seq = int(opened.meta.get("seq", 0))
    _STATE.opened_at = time.time()
    return True


def _queue_first_build() -> None:
    global _FALLBACK_QUEUED
    if not _FALLBACK_QUEUED:
        _FALLBACK_QUEUED = True
        enqueue_rebuild()


def current_matcher() -> matchengine.Matcher:
    """The matcher for this request: the newest generation, changes applied."""
    with _LOCK:
        seq = index_changes.current_seq()
        # The database went back (a restore): what was applied on top of the saved
        # generation, or built in memory, may be gone from it. Start again; a saved
        # generation that is itself ahead of the database is used until the rebuild
        # queued here replaces it (/health says so meanwhile).
        went_back = _STATE.matcher is not None and seq < _STATE.seq
        if went_back and (_STATE.generation is None or _STATE.seq > _STATE.base_seq):
            _STATE.__init__()
            enqueue_rebuild()
        if not open_current() and (_STATE.matcher is None or _STATE.generation is not None):
            _STATE.matcher, _STATE.seq = build()
            _STATE.base_seq = _STATE.seq
            _STATE.generation = None
            _STATE.opened_at = time.time()
            _queue_first_build()
        if seq > _STATE.seq:
            apply_changes(_STATE.matcher, _STATE.seq, seq)
            _STATE.seq = seq
        return _STATE.matcher


def apply_changes(matcher: matchengine.Matcher, after: int, upto: int) -> int:
    """Re-derive the candidates the changes numbered ``after`` < n ≤ ``upto`` name, and
    put them into ``matcher`` (replacing, or removing those that are gone). Returns how
    many candidates were looked at."""
    rows = list(
        MatchIndexChange.objects.filter(seq__gt=after, seq__lte=upto).values_list(
            "kind", "ref", "key"
        )
    )
    if not rows:
        return 0
    ids: dict[str, set[int]] = {}
    keys = set()
    for kind, ref, key in rows:
        ids.setdefault(kind, set()).add(ref)
        if key:
            keys.add(key)
    organisations = ids.get("organisation", set())
    places = ids.get("place", set())
    if "partnership" in ids:
        for organisation_id, place_id in PartnershipPartner.objects.filter(
            partnership_id__in=ids["partnership"]
        ).values_list("organisation_id", "place_id"):
            if organisation_id:
                organisations.add(organisation_id)
            if place_id:
                places.add(place_id)
                keys.add(f"place:{place_id}")
    facts.forget_cached_facts()  # a municipality's name or organisation may have changed
    municipal = facts.cached_municipal_facts()
    keys |= {f"municipality:{municipal[o]['code']}" for o in organisations if o in municipal}
    keys |= {f"person:{pk}" for pk in ids.get("person", ())}
    keys |= {f"place:{pk}" for pk in places}
    practice_ids = ids.get("practice", set())
    if practice_ids:
        from kennisschakel.knowledge.models import Practice

        keys |= {
            f"practice:{slug}"
            for slug in Practice.objects.filter(pk__in=practice_ids).values_list("slug", flat=True)
        }
    scope = adapter.Scope(
        practices=frozenset(practice_ids),
        organisations=frozenset(organisations),
        people=frozenset(ids.get("person", ())),
        places=frozenset(places),
    )
    # The ledger of the partnerships these municipalities and places take part in.
    partnership_ids = set(
        PartnershipPartner.objects.filter(organisation_id__in=organisations).values_list(
            "partnership_id", flat=True
        )
    ) | set(
        PartnershipPartner.objects.filter(place_id__in=places).values_list(
            "partnership_id", flat=True
        )
    )
    ledger = facts.partnership_facts(municipal, sorted(partnership_ids))
    fresh = adapter.build_candidates(municipal, ledger, scope)
    for candidate in fresh:
        matcher.add(candidate)
    for key in keys - {candidate.key for candidate in fresh}:
        matcher.remove(key)
    return len(keys | {candidate.key for candidate in fresh})


def basis() -> str:
    """What this process's matcher holds: its generation (or "memory") and the change
    number applied. Call after :func:`current_matcher`; matching/followup.py compares it
    with what a question's suggestions were computed from."""
    return f"{_STATE.generation or 'memory'}:{_STATE.seq}"


def status() -> dict:
    """For ``GET /health`` and the command: the generation on disk, how many logged
    changes it lacks (each process holds those in memory), and its age. Cheap: a
    readlink, one small JSON file, two indexed queries."""
    from kennisschakel.engines.matching.persist import weights_digest
    from kennisschakel.engines.matching.store import RECORD_FORMAT, read_manifest

    store = index_store()
    name = store.current()
    seq = index_changes.current_seq()
    if name is None:
        return {
            "ok": False,
            "seq": seq,
            "error": "no saved match index (run: kennisschakel rebuild_match_index)",
        }
    try:
        manifest = read_manifest(store.path(name))
    except (OSError, ValueError) as error:
        return {"ok": False, "generation": name, "seq": seq, "error": type(error).__name__}
    meta = manifest.get("meta", {})
    # What Matcher.open would refuse, checked without opening.
    problem = (
        "built from another database"
        if meta.get("database") != database_identity()
        else "built by another version; rebuild"
        if manifest.get("records") != RECORD_FORMAT
        or manifest.get("weights") != weights_digest(matchengine.Weights())
        else None
    )
    if problem:
        return {"ok": False, "generation": name, "seq": seq, "error": problem}
    base = int(meta.get("seq", 0))
    pending = MatchIndexChange.objects.filter(seq__gt=base).values("kind", "ref").distinct().count()
    return {
        # A database behind its index (restored from a backup) needs a rebuild.
        "ok": seq >= base and pending <= max_pending(),
        "generation": name,
        "generation_seq": base,
        "seq": seq,
        "pending_changes": pending,
        "age_seconds": round(time.time() - float(meta.get("built_at", 0)), 1),
    }


def max_pending() -> int:
    """Beyond this many changed sources not in the saved index, rebuilds are not keeping
    up (is a worker running the "index" queue?): /health says so."""
    return 10 * rebuild_every()
