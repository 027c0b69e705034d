"""Adapter between the practices in the database and the Dutch search engine.

The index is built once and saved on disk
(:class:`kennisschakel.engines.text.index_store.IndexStore` under
``settings.KENNISSCHAKEL_INDEX_DIR``/practices): every worker process maps the
same files, so opening costs milliseconds and the memory is shared through the page
cache. The database stays the single source of truth:

* every write that changes the index takes the next number of a counter, in commit
  order, and logs the practice (see :mod:`kennisschakel.knowledge.index_changes`);
* a saved index records the number it was built from (its watermark);
* before a search, a process reads the counter (one query) and, only when it moved,
  loads the few practices changed since into its in-memory delta. A deleted or
  unpublished practice is in the log like any other change.

Proper names are protected (issue 12): the names of municipalities, organisations,
provinces, countries and places abroad in the register, and the parts of the world in
``engines/text/data/region_names.txt``, are never split into parts and a name of several words
is one term, so *wijk* finds no *Waalwijk* and *Wijk bij Duurstede* no text that merely
says *wijk*. The names are read from the register when a process first analyses a text
and again when an index is built; practices analysed under other names (or an older
analysis, see ``DutchAnalyzer.signature``) are analysed again when an index is built.

Each practice is also found by the (Dutch) names of its own policy domains, indexed
as a field of their own ("domains") when the practice is indexed, so *burgerparticipatie*
finds the practices filed under that domain even where the text says it differently.

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
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.bilingual import translate_query
from kennisschakel.engines.text.index_store import IndexStore
from kennisschakel.engines.text.lexicon import read_word_list
from kennisschakel.engines.text.search import SearchIndex, is_current, merge_fields
from kennisschakel.engines.text.snippets import highlight
from kennisschakel.knowledge.index_changes import current_seq
from kennisschakel.knowledge.models import Adoption, Practice, SearchIndexChange
from kennisschakel.knowledge.rendering import plain_text
from kennisschakel.register import models as register
from kennisschakel.register.services import size_schemes

logger = logging.getLogger(__name__)

FACETS = ["domain", "size_class", "province", "maturity", "negative", "adopted", "kind"]
# summary_en (optional English summary) has no weight of its own in the engine: it is
# scored in the shared "other fields" column. Empty fields add no terms, so practices
# without it keep exactly the search terms they had.
SEARCHED_FIELDS = ("title", "summary", "body", "negative_lessons", "summary_en")
BUILD_CHUNK = 2000  # practices read and added at a time when building
DOMAINS_FIELD = "domains"  # the names of a practice's own policy domains, searched


def index_root() -> Path:
    """Where the practice index's generations are saved."""
    base = getattr(settings, "KENNISSCHAKEL_INDEX_DIR", None) or Path(settings.VAR_DIR) / "index"
    return Path(base) / "practices"


def index_store() -> IndexStore:
    return IndexStore(index_root())


def practice_fields(practice: Practice) -> dict[str, str]:
    fields = {name: getattr(practice, name) or "" for name in SEARCHED_FIELDS}
    # Tags and partners are searched as part of the summary: short, meaningful words.
    extra = " ".join([*practice.tags, practice.context_partners or ""])
    fields["summary"] = f"{fields['summary']} {extra}".strip()
    return fields


def analyse(practice: Practice) -> dict:
    return _analyser_index().analyse(practice_fields(practice))


def prepare_for_search(practice: Practice) -> None:
    """Fill what search needs and the results page shows, before a practice is saved:
    the analysed term counts (the index is built from them) and the body as plain text
    (snippets are cut from it, so no Markdown is rendered per search hit).
    Loaders that bypass ``services.save_practice`` must call this too."""
    practice.search_terms = analyse(practice)
    practice.body_text = plain_text(practice.body)


_ANALYSER: SearchIndex | None = None


def protected_names() -> list[str]:
    """The proper names a search matches only as whole names (see the module docstring):
    municipalities (official and common name), organisations (name and short name),
    provinces, countries (Dutch and English), places abroad, and parts of the world."""
    names = set(read_word_list("region_names.txt"))
    for values in (
        register.Municipality.objects.values_list("name", "common_name"),
        register.Organisation.objects.values_list("name", "short_name"),
        register.Province.objects.values_list("name"),
        register.Country.objects.values_list("name_nl", "name_en"),
        register.ForeignPlace.objects.values_list("name"),
    ):
        for row in values:
            names.update(name for name in row if name)
    return sorted(names)


_NAMES_STATE: tuple | None = None


def _names_state() -> tuple:
    """A cheap fingerprint of the register's names (counts, highest ids, last change):
    the names are read again only when it moved."""
    from django.db.models import Count, Max

    state = []
    for model in (
        register.Municipality,
        register.Organisation,
        register.Province,
        register.Country,
        register.ForeignPlace,
    ):
        aggregates = {"n": Count("pk"), "top": Max("pk")}
        if any(f.name == "updated_at" for f in model._meta.fields):
            aggregates["changed"] = Max("updated_at")
        state.append(tuple(sorted(model.objects.aggregate(**aggregates).items())))
    return tuple(state)


def _analyser_index(refresh: bool = False) -> SearchIndex:
    """The process's analysing index (no documents): its analyzer protects the names in
    the register as they were when first asked, or now with ``refresh``."""
    global _ANALYSER, _NAMES_STATE
    if _ANALYSER is None or refresh:
        state = _names_state()
        if _ANALYSER is not None and state == _NAMES_STATE:
            return _ANALYSER
        base = _ANALYSER.analyzer if _ANALYSER is not None else DutchAnalyzer()
        analyzer = base.with_names(protected_names())
        if _ANALYSER is None or analyzer.signature != _ANALYSER.analyzer.signature:
            _ANALYSER = SearchIndex(analyzer=analyzer, part_markers=True)
        _NAMES_STATE = state
    return _ANALYSER


def shared_analyzer(refresh: bool = False) -> DutchAnalyzer:
    """One analyser per process (its lexicon takes a while to load); with ``refresh`` it
    protects the names in the register now (a new one when they changed)."""
    return _analyser_index(refresh).analyzer


# -- from practices to index documents ----------------------------------------


def _facets_for(
    practices: list[Practice], domain_names: dict[int, list[str]] | None = None
) -> dict[int, dict[str, list[str]]]:
    """Facet values per practice; fills ``domain_names`` (when given) with the Dutch
    names of each practice's own domains."""
    ids = [p.pk for p in practices]
    domains: dict[int, set[str]] = {pk: set() for pk in ids}
    through = Practice.domains.through
    for practice_id, slug, parent_slug, name in (
        through.objects.filter(practice_id__in=ids)
        .order_by("practice_id", "policydomain__slug")
        .values_list(
            "practice_id",
            "policydomain__slug",
            "policydomain__parent__slug",
            "policydomain__name_nl",
        )
    ):
        domains[practice_id].add(slug)
        if parent_slug:
            domains[practice_id].add(parent_slug)
        if domain_names is not None:
            domain_names.setdefault(practice_id, []).append(name)
    adopted = set(
        Adoption.objects.filter(
            practice_id__in=ids,
            outcome__in=[Adoption.Outcome.ADOPTED, Adoption.Outcome.ADAPTED],
        ).values_list("practice_id", flat=True)
    )
    owners = {
        mun.organisation_id: mun
        for mun in register.Municipality.objects.filter(
            organisation_id__in={p.owner_id for p in practices}
        ).select_related("province")
    }
    schemes = size_schemes()
    facets = {}
    for practice in practices:
        municipality = owners.get(practice.owner_id)
        size_classes = []
        province = []
        if municipality is not None:
            province = [municipality.province.code]
            for scheme in schemes:
                size_class = scheme.class_for(municipality.inhabitants)
                if size_class:
                    size_classes.append(size_class.slug)
        facets[practice.pk] = {
            "domain": sorted(domains[practice.pk]),
            "size_class": size_classes,
            "province": province,
            "maturity": [practice.maturity],
            "negative": ["yes" if practice.negative_lessons.strip() else "no"],
            "adopted": ["yes" if practice.pk in adopted else "no"],
            "kind": [practice.kind],
        }
    return facets


def add_practices(index: SearchIndex, practices: list[Practice]) -> None:
    if not practices:
        return
    names: dict[int, list[str]] = {}
    facets = _facets_for(practices, names)
    for practice in practices:
        terms = practice.search_terms
        # Never analysed, or by another analysis (older, or under other names).
        if not is_current(terms, index.analyzer):
            terms = index.analyse(practice_fields(practice))
        if practice.pk in names:
            # Labels: met in full they find the practice, a compound's part alone does not.
            labels = index.analyse({DOMAINS_FIELD: ". ".join(names[practice.pk])}, labels=True)
            terms = merge_fields(terms, labels)
        sort_key = (practice.published_at or practice.created_at or timezone.now()).timestamp()
        index.add_analysed(practice.pk, terms, facets[practice.pk], sort_key)


def _indexed_practices():
    # The plain-text body is for the results page, not for the index.
    return Practice.objects.defer("body_text")


def apply_changes(index: SearchIndex, after: int, upto: int) -> int:
    """Bring ``index`` from change number ``after`` to ``upto``; returns the number of
    practices looked at again."""
    changed = set(
        SearchIndexChange.objects.filter(seq__gt=after, seq__lte=upto).values_list(
            "practice_id", flat=True
        )
    )
    if not changed:
        return 0
    published = []
    for practice in _indexed_practices().filter(pk__in=changed).order_by("pk"):
        if practice.status == Practice.Status.PUBLISHED:
            published.append(practice)
    still_published = {p.pk for p in published}
    for pk in changed - still_published:  # unpublished, archived or deleted
        index.remove(pk)
    add_practices(index, published)
    return len(changed)


def build_index() -> tuple[SearchIndex, int]:
    """A fresh index of every published practice, and the change number it includes.

    The number is read first: a change committed while the practices are read is then
    in the index and applied again from the log, which is harmless (a re-add replaces).
    """
    seq = current_seq()
    analyzer = shared_analyzer(refresh=True)
    index = SearchIndex(analyzer=analyzer, auto_compact=False, part_markers=True)
    practices = _indexed_practices().filter(status=Practice.Status.PUBLISHED).order_by("pk")
    iterator = practices.iterator(chunk_size=BUILD_CHUNK)
    while chunk := list(islice(iterator, BUILD_CHUNK)):
        add_practices(index, chunk)
    index.compact()
    return index, seq


# -- searching ------------------------------------------------------------------


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
        meta = _saved_meta(store, generation)
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


def _saved_meta(store: IndexStore, generation: str) -> dict:
    from kennisschakel.knowledge.index_build import saved_meta

    return saved_meta(store, generation)


def database_identity() -> str:
    """Which database an index was built from: a process opens only its own database's."""
    settings_dict = connection.settings_dict
    return f"{connection.vendor}:{settings_dict.get('HOST') or ''}:{settings_dict['NAME']}"


def publish_new_index(store: IndexStore) -> str:
    """Build and save an index unless, once the build lock is ours, another process has
    saved one that is usable: this database's, built from no later change than it holds."""
    from kennisschakel.knowledge.index_build import publish, saved_meta

    with store.build_lock():
        current = store.current()
        if current is not None:
            meta = saved_meta(store, current)
            usable = meta.get("database") == database_identity()
            usable = usable and meta.get("analysis") == shared_analyzer(refresh=True).signature
            if usable and int(meta.get("seq", 0)) <= current_seq():
                return current
        index, seq = build_index()
        return publish(store, index, seq)


practice_search = PracticeSearch()


def warm_up() -> None:
    """Before gunicorn forks (core/warmup.py): open the saved index and answer one query,
    so workers inherit the mapped index and the loaded analyser. Only reads: without a
    usable saved index it does nothing (then the first search builds one)."""
    from kennisschakel.knowledge.index_build import saved_meta

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
