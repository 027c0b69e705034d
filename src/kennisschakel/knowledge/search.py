"""Searching the practices: the process's index, kept in step with the database.

The index is built once and saved on disk (:mod:`kennisschakel.knowledge.index_build`):
every worker process maps the same files, so opening costs milliseconds and the memory is
shared through the page cache. The database stays the single source of truth:

* every write that changes the index takes the next number of a counter, in commit
  order, and logs the practice (see :mod:`kennisschakel.knowledge.index_changes`);
* a saved index records the number it was built from (its watermark);
* before a search, a process reads the counter (one query) and, only when it moved,
  loads the few practices changed since into its in-memory delta
  (:func:`kennisschakel.knowledge.indexing.apply_changes`). A deleted or unpublished
  practice is in the log like any other change.

How texts are analysed (proper names protected, issue 12) is
:mod:`kennisschakel.knowledge.analysis`; what a practice's index document holds (its
domains' names, its facets) is :mod:`kennisschakel.knowledge.indexing`.

Searching (see :meth:`PracticeSearch.search`): strong matches first, with their own count
(``strong_total``), then the practices that only mention some of the words; with
``correct_spelling`` a word the index does not know is replaced by the nearest word the
practices contain (*Bedoelde u …?*), automatically when the query as typed finds no strong
match and the corrected one does.

When the delta grows, a task on the "index" queue saves a new index with the changes in
it (see :mod:`kennisschakel.knowledge.index_build`); processes switch to the newest saved
index at their next search. When no saved index exists yet (a fresh install), the first
search builds one and saves it, under a file lock so parallel workers build it once.
"""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation

from kennisschakel.engines.text.bilingual import translate_query
from kennisschakel.engines.text.index_store import IndexStore
from kennisschakel.engines.text.search import SearchIndex
from kennisschakel.engines.text.snippets import highlight

# Importers of the old single module (search.py held analysis, indexing and storage too)
# keep their names: other apps, the scale generator and tests use these.
from kennisschakel.knowledge.analysis import (  # noqa: F401
    analyse,
    practice_fields,
    prepare_for_search,
    protected_names,
    shared_analyzer,
)
from kennisschakel.knowledge.index_build import (  # noqa: F401
    database_identity,
    index_root,
    index_store,
    publish_new_index,
    saved_meta,
)
from kennisschakel.knowledge.index_changes import current_seq
from kennisschakel.knowledge.indexing import FACETS, apply_changes
from kennisschakel.knowledge.models import Practice

logger = logging.getLogger(__name__)


@dataclass
class PracticeHit:
    practice: Practice
    score: float
    snippet: str
    strong: bool = True  # covers (nearly) all of the query's concepts
    coverage: float = 1.0


@dataclass
class PracticeSearchResult:
    total: int
    hits: list[PracticeHit]
    facet_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    query_terms: list[str] = field(default_factory=list)
    # The Dutch query an English question was searched as ("" when it was not translated).
    dutch_query: str = ""
    strong_total: int = 0  # of ``total``, the strong matches (listed first)
    query: str = ""  # the query the results are for (the corrected one after a fallback)
    suggestion: str | None = None  # "Bedoelde u …?": the query with its typos corrected
    # The query as typed, when the results are for the corrected query instead (as typed
    # it found no strong match, corrected it does).
    corrected_from: str | None = None

    @property
    def weak_total(self) -> int:
        """The matches that only mention some of the query's words."""
        return self.total - self.strong_total


class PracticeSearch:
    """The practice search of one process: the newest saved index, opened (mapped), plus
    the changes since its watermark. ``root``: the index directory (default: settings)."""

    def __init__(self, root: Path | str | None = None):
        self._root = Path(root) if root is not None else None
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget the opened index; the next search opens the newest saved one."""
        self._index: SearchIndex | None = None
        self._generation: str | None = None
        self._seq = 0  # changes up to this number are in self._index
        # The generation for which this process asked the worker for a new analysis.
        self._rebuild_asked_for: str | None = None

    @property
    def store(self) -> IndexStore:
        return IndexStore(self._root or index_root())

    @property
    def generation(self) -> str | None:
        return self._generation

    def delta_size(self) -> int:
        return self._index.delta_docs if self._index is not None else 0

    @contextmanager
    def current_index(self):
        """The opened index, up to date with the database, held for the ``with`` block
        (for callers that ask it more than one thing, e.g. *vergelijkbare praktijken*)."""
        with self._lock:
            self._refresh()
            yield self._index

    # -- keeping the index in step with the database ------------------------

    def _refresh(self) -> None:
        store = self.store
        # The generation first, then the counter: a generation published in between
        # was built from a number at or below the one read (never "from the future").
        generation = store.current()
        seq = current_seq()
        if generation is None:
            generation = publish_new_index(store)
        if generation != self._generation:
            self._open(store, generation)
            seq = current_seq()
        if seq < self._seq or self._index.meta.get("database") != database_identity():
            # The database is behind the saved index (restored from a backup; in tests,
            # rolled back), or the index is another database's (same var directory,
            # other DATABASE_URL): its results would be wrong, build one from this
            # database as it is now.
            self._open(store, publish_new_index(store))
            seq = current_seq()
        elif self._index.meta.get("analysis") != self._index.analyzer.signature:
            # Analysed otherwise (an older analysis after an upgrade, other protected
            # names): still this database's practices, so keep answering from it and let
            # the worker build the new one; a page never waits for an index build.
            self._ask_for_new_analysis()
        if seq > self._seq:
            apply_changes(self._index, self._seq, seq)
            self._seq = seq

    def _ask_for_new_analysis(self) -> None:
        if self._rebuild_asked_for == self._generation:
            return
        from kennisschakel.core.status.rebuilds import REBUILDS, request_rebuild

        request_rebuild(REBUILDS["zoekindex"])  # one at a time, whoever asks
        self._rebuild_asked_for = self._generation
        logger.warning(
            "Search index %s was analysed otherwise (%s, now %s): a rebuild is queued.",
            self._generation,
            self._index.meta.get("analysis"),
            self._index.analyzer.signature,
        )

    def _open(self, store: IndexStore, generation: str) -> None:
        # Coverage scoring: strong matches first, a compound's head alone is no match.
        analyzer = shared_analyzer()
        meta = saved_meta(store, generation)
        if meta.get("analysis") != analyzer.signature:
            analyzer = shared_analyzer(refresh=True)  # the register's names have changed?
        index = store.open(generation, analyzer=analyzer, coverage=True, part_markers=True)
        self._index, self._generation = index, generation
        self._seq = int(index.meta.get("seq", 0))

    # -- searching --------------------------------------------------------

    def search(
        self,
        query: str,
        filters: dict[str, set[str]] | None = None,
        limit: int = 20,
        offset: int = 0,
        *,
        strong_only: bool = False,
        correct_spelling: bool = False,
    ) -> PracticeSearchResult:
        """Published practices for ``query``: strong matches first (see the module
        docstring). ``strong_only``: only those ("all words"). ``correct_spelling``:
        suggest a corrected query, and search it instead when the query as typed finds
        no strong match while the corrected one does (``corrected_from``)."""
        # An English question searches the Dutch texts in Dutch (engines/text/bilingual.py): always
        # with the interface in English, otherwise only when it reads as English.
        translated = translate_query(query, translation.get_language())
        query = translated.text
        filters = filters or {}
        suggestion = corrected_from = None
        with self._lock:
            self._refresh()
            index = self._index

            def run(text: str):
                return index.search(
                    text,
                    filters=filters,
                    limit=limit,
                    offset=offset,
                    facet_names=FACETS,
                    strong_only=strong_only,
                )

            results = run(query)
            if correct_spelling and query.strip():
                suggestion = index.suggest(query)
                if suggestion is not None and results.strong_total == 0:
                    corrected = run(suggestion)
                    if corrected.strong_total > 0 or (results.total == 0 and corrected.total):
                        results, corrected_from, query = corrected, query, suggestion
                        suggestion = None
            analyser = index.analyzer
        by_id = (
            Practice.objects.select_related("owner", "owner__municipality")
            .defer("search_terms", "body")
            .in_bulk([hit.id for hit in results.hits])
        )
        terms = set(results.query_terms)  # parsed once for every snippet
        hits = []
        for hit in results.hits:
            practice = by_id.get(hit.id)
            if practice is None:
                continue
            hits.append(
                PracticeHit(
                    practice=practice,
                    score=hit.score,
                    snippet=snippet(practice, query, analyser, terms),
                    strong=hit.strong,
                    coverage=hit.coverage,
                )
            )
        return PracticeSearchResult(
            total=results.total,
            hits=hits,
            facet_counts=results.facet_counts,
            query_terms=results.query_terms,
            dutch_query=translated.text if translated.changed else "",
            strong_total=results.strong_total,
            query=query,
            suggestion=suggestion,
            corrected_from=corrected_from,
        )


def snippet(practice: Practice, query: str, analyser, terms=None) -> str:
    """The summary with the query's words marked; the body's best passage (from the
    plain text stored at save time) when only the body matches."""
    summary = highlight(practice.summary, query, analyser, terms=terms)
    if not query.strip() or "<mark>" in summary:
        return summary
    body = highlight(practice.body_text, query, analyser, terms=terms)
    return body if "<mark>" in body else summary


practice_search = PracticeSearch()


def warm_up() -> None:
    """Before gunicorn forks (core/warmup.py): open the saved index and answer one query,
    so workers inherit the mapped index and the loaded analyser. Only reads: without a
    usable saved index it does nothing (then the first search builds one)."""
    store = practice_search.store
    generation = store.current()
    if generation is None:
        return
    meta = saved_meta(store, generation)
    if meta.get("database") != database_identity() or int(meta.get("seq", 0)) > current_seq():
        return
    if meta.get("analysis") != shared_analyzer().signature:
        return
    with practice_search._lock:
        practice_search._open(store, generation)
        practice_search._index.search("armoedebestrijding", facet_names=FACETS)
