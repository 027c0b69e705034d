"""The matcher: *wie kan ons helpen, en waarom?* Candidates and a question in, ranked and
explained suggestions out. Plain Python plus the knowledge bank's search index; no Django.

Pipeline of one :meth:`Matcher.match`
=====================================
1. **Pools.** Only a bounded set of candidates gets the full signal computation, so the
   cost does not grow with the corpus:

   * the ``topic_pool`` best text hits of the question (BM25F over the candidates'
     texts, :class:`kennisschakel.engines.text.search.SearchIndex`);
   * for a question with ``international`` set and countries or world regions given:
     per candidate type, up to ``country_pool`` candidates whose ``countries`` or
     ``regions`` meet the asked ones, **with or without a text hit** (the Weert example:
     *een Chinese stad* brings places in China and Dutch municipalities with a
     partnership there even when their texts never say "Chinese");
   * for a question with ``domains``: up to ``domain_pool`` candidates working on them.

   The non-text pools take the most experienced first (the index's ``sort_key`` is a
   candidate's static evidence: evaluated, maturity, adoptions, place links). A question
   whose text has no searchable words and that asks no countries or domains browses:
   its pool is the ``topic_pool`` most experienced candidates.
2. **Exclusions.** The asker itself and everything that belongs to it (its practices, its
   people: ``Candidate.municipality`` equal to ``Asker.municipality``) never appear.
   ``Query.types`` restricts every pool to those candidate types. People are passed in
   by the adapter only while their consent stands; the engine does not check consent.
3. **Signals.** Each signal gives a value between 0 and 1; its contribution is
   ``weight × value``; see :mod:`~kennisschakel.engines.matching.signals` (also for
   relevance gating and "buiten de vaste kring"). Topic relevance is the candidate's
   BM25F score divided by the best eligible hit's score; a pool member without a text
   hit has topic 0.
4. **Score and order.** The score is the sum of the contributions, in the fixed order of
   :data:`~kennisschakel.engines.matching.weights.SIGNALS` (so equal inputs give bit-equal
   sums). A candidate without any positive contribution is dropped: a suggestion must
   be explainable. Results are ordered by score (descending), then by key: ties are
   broken deterministically. What the asker already has (a partner, a network it is
   in: the ``already_partner`` malus) comes after every new suggestion, with a note
   (``Match.notes``) instead of being presented as new (issue 12).
5. **Explanation.** ``Match.signals`` holds every signal's contribution,
   ``Match.reasons`` one :class:`Reason` per positive contribution, the largest first
   (:func:`~kennisschakel.engines.matching.signals.to_match`).

Updates
-------
:meth:`Matcher.add` adds or replaces a candidate (by key), :meth:`Matcher.remove` drops
one; both delegate to the search index's incremental delta and tombstones (compaction
happens there when due). Not thread-safe: callers serialise access.

Performance
-----------
The pools bound the work: at most one text scoring for the topic pool, one for the
country/domain pools, one for the shown results' matched terms, a few filtered
listings, and the signals of a few hundred candidates in Python. The pools are
searched without the per-hit term lookup (:class:`PoolIndex`), which at 100,000
practices cost more than all the rest. ``benchmarks/matching.py`` (100,000 practices,
342 municipalities, 25,000 places abroad, synthetic): p50 ~21 ms, p95 ~45 ms per
match; see ``docs/performance.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping

from kennisschakel.engines.matching import question
from kennisschakel.engines.matching.entities import (
    NameTable,
    asked_types,
    asked_types_and_words,
    filler_terms,
)
from kennisschakel.engines.matching.evidence import (
    EVALUATED_MATURITY,
    evaluated_value,
    log_share,
    maturity_value,
    place_links_value,
    static_evidence,
)
from kennisschakel.engines.matching.model import (
    CANDIDATE_TYPES,
    INSTITUTION,
    MUNICIPALITY,
    NETWORK,
    PLACE,
    Asker,
    Candidate,
    Match,
    Query,
)
from kennisschakel.engines.matching.persist import open_matcher, save_matcher
from kennisschakel.engines.matching.pool_index import PoolIndex
from kennisschakel.engines.matching.signals import (
    CONTEXT_SIGNALS,
    INTERNATIONAL_LEVEL,
    RELEVANCE_SIGNALS,
    Signals,
    has_topic,
    to_match,
)
from kennisschakel.engines.matching.topic import (
    INHERITING_TYPES,
    SHORT_TEXT_TYPES,
    practice_evidence,
    topic_scales,
)
from kennisschakel.engines.matching.weights import Weights
from kennisschakel.engines.text.analysis import DutchAnalyzer
from kennisschakel.engines.text.search import Document

# Also the names that moved to evidence.py, signals.py and topic.py stay importable here.
__all__ = [
    "CONTEXT_SIGNALS",
    "EVALUATED_MATURITY",
    "INHERITING_TYPES",
    "INTERNATIONAL_LEVEL",
    "NAMED_TYPES",
    "RELEVANCE_SIGNALS",
    "SHORT_TEXT_TYPES",
    "Matcher",
    "evaluated_value",
    "log_share",
    "maturity_value",
    "names_of",
    "place_links_value",
    "static_evidence",
]

# Candidates recognised by name (their names are protected from decompounding, and a
# question that names one gets the "named" signal); see entities.py.
NAMED_TYPES = frozenset({MUNICIPALITY, PLACE, NETWORK, INSTITUTION})


def names_of(candidate: Candidate) -> frozenset[str]:
    """Every name a candidate is recognised by: its names, or else its display name."""
    if candidate.type not in NAMED_TYPES:
        return frozenset()
    return candidate.names or frozenset({candidate.name})


class Matcher:
    """Ranks candidates for a question; see the module docstring for the rules.

    ``analyzer``: share one :class:`DutchAnalyzer` between indexes (loading its lexicon
    takes about a second); the matcher uses a copy that protects the names of its
    candidates (and ``names``: more proper names, such as countries) from decompounding.
    Names are fixed when the matcher is built: a candidate added later is recognised by
    name in questions at once, its name protected in texts from the next build.
    """

    def __init__(
        self,
        candidates: Iterable[Candidate] = (),
        weights: Weights | None = None,
        *,
        analyzer: DutchAnalyzer | None = None,
        names: Iterable[str] = (),
    ):
        self.weights = weights or Weights()
        candidates = list(candidates)
        protected = [name for candidate in candidates for name in sorted(names_of(candidate))]
        analyzer = (analyzer or DutchAnalyzer()).with_names([*protected, *names])
        self._index = PoolIndex(analyzer=analyzer, field_weights=dict(self.weights.field_weights))
        self._init_names(analyzer)
        # doc id → candidate, candidate key → doc id (mappings; memory-mapped tables with
        # this process's changes on top in a matcher from :meth:`open`).
        self._records: MutableMapping[int, Candidate] = {}
        self._id_of: MutableMapping[str, int] = {}
        self._next_id = 1
        # CBS code → ids of the candidates that belong to it (the municipality itself,
        # its practices and people): what an asker never gets suggested.
        self._belonging: MutableMapping[str, set[int]] = {}
        # CBS code → municipality candidate: a network's members' profiles.
        self._municipalities: MutableMapping[str, Candidate] = {}
        self._index.add_many([self._register(candidate) for candidate in candidates])

    # What the caller stored with :meth:`save` (empty for a matcher built in memory).
    meta: dict = {}

    def _init_names(self, analyzer: DutchAnalyzer) -> None:
        self._entities = NameTable(analyzer.name_words, analyzer.stopwords)
        self._filler = filler_terms(analyzer)

    @property
    def analyzer(self) -> DutchAnalyzer:
        return self._index.analyzer

    # -- on disk --------------------------------------------------------------

    def save(self, directory, meta: dict | None = None) -> dict:
        """Write this matcher into ``directory`` (compacting it first); returns the
        manifest. See :mod:`~kennisschakel.engines.matching.persist`."""
        return save_matcher(self, directory, meta)

    @classmethod
    def open(cls, directory, weights: Weights | None = None, *, analyzer=None) -> Matcher:
        """The matcher saved in ``directory``, memory-mapped: ready at once, its arrays
        shared with every other process that opens the same files."""
        return open_matcher(directory, weights, analyzer, cls=cls)

    # -- contents -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._id_of)

    def __contains__(self, key) -> bool:
        return key in self._id_of

    def __iter__(self) -> Iterator[Candidate]:
        return iter([self._records[doc_id] for doc_id in list(self._records)])

    def get(self, key: str) -> Candidate | None:
        doc_id = self._id_of.get(key)
        return None if doc_id is None else self._records[doc_id]

    # -- updates --------------------------------------------------------------

    def add(self, candidate: Candidate) -> None:
        """Add a candidate, or replace the one with the same key."""
        self._index.add(self._register(candidate))

    def add_many(self, candidates: Iterable[Candidate]) -> None:
        """Add (or replace) many candidates, then compact the index once."""
        self._index.add_many([self._register(candidate) for candidate in candidates])

    def remove(self, key: str) -> None:
        """Remove the candidate with ``key``; unknown keys are ignored."""
        doc_id = self._id_of.pop(key, None)
        if doc_id is None:
            return
        candidate = self._records.pop(doc_id)
        self._forget(candidate, doc_id)
        self._index.remove(doc_id)

    def _register(self, candidate: Candidate) -> Document:
        doc_id = self._id_of.get(candidate.key)
        if doc_id is None:
            doc_id = self._next_id
            self._next_id += 1
            self._id_of[candidate.key] = doc_id
        else:
            self._forget(self._records[doc_id], doc_id)
        self._records[doc_id] = candidate
        if candidate.municipality:
            self._belonging.setdefault(candidate.municipality, set()).add(doc_id)
        if candidate.type == MUNICIPALITY and candidate.municipality:
            self._municipalities[candidate.municipality] = candidate
        if candidate.type in NAMED_TYPES:
            self._entities.add(candidate.key, names_of(candidate))
        fields = {name: text for name, text in candidate.text.items() if text}
        if "name" not in fields and "title" not in fields and candidate.type not in NAMED_TYPES:
            # A municipality, place or organisation is found by what it does; its name
            # counts through the "named" signal (issue 12).
            fields = {"name": candidate.name, **fields}
        facets = {
            "type": [candidate.type],
            "country": sorted(candidate.countries),
            "region": sorted(candidate.regions),
            "domain": sorted(candidate.domains),
        }
        return Document(doc_id, fields, facets, static_evidence(candidate, self.weights))

    def _forget(self, candidate: Candidate, doc_id: int) -> None:
        if candidate.type in NAMED_TYPES:
            self._entities.remove(candidate.key)
        if candidate.municipality:
            ids = self._belonging.get(candidate.municipality)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self._belonging[candidate.municipality]
        if candidate.type == MUNICIPALITY and candidate.municipality:
            known = self._municipalities.get(candidate.municipality)
            if known is not None and known.key == candidate.key:
                del self._municipalities[candidate.municipality]

    # -- matching -------------------------------------------------------------

    def match(self, query: Query, asker: Asker | None = None) -> list[Match]:
        """The ``query.limit`` best candidates for ``query`` asked by ``asker``."""
        if query.limit <= 0:
            return []
        own = self._own_ids(asker)
        type_filter = {"type": set(query.types)} if query.types else None
        named = self.named_in(query.text)
        if asker is not None and asker.municipality:
            # "Wij in Weert …": the asker naming itself asks for nothing linked to it.
            named.pop(f"{MUNICIPALITY}:{asker.municipality}", None)
        text = self.topic_text(
            query.text, self._known_names(named, asker), self.asking_words(query.text)
        )

        self._index.with_terms = False
        try:
            has_text, scores = self._topic_pool(text, type_filter, own)
            extra = self._extra_pools(query, own) | self._named_pool(named, query, own)
            if not has_text and extra:
                scores.clear()  # the browse pool only when nothing else was asked
            extra -= scores.keys()
            if has_text and extra:
                # Pool members outside the text top-N may still match the text a little:
                # score the best of them too (bounded by topic_pool once more).
                for hit in self._index.search(
                    text,
                    type_filter,
                    limit=self.weights.topic_pool,
                    facet_names=[],
                    allowed_ids=extra,
                ).hits:
                    scores[hit.id] = hit.score
        finally:
            self._index.with_terms = True
        scale = topic_scales(scores, self._records, self.weights.type_balance)
        evidence = practice_evidence(
            scores, scale, own, query.types, self._records, self._id_of, self.weights
        )
        extra |= evidence.keys() - scores.keys()

        signals = Signals(self, query, asker, named, evidence, gated=has_text)
        ranked = []
        for doc_id in scores.keys() | extra:
            candidate = self._records[doc_id]
            score = scores.get(doc_id, 0.0)
            divisor = scale.get(candidate.type, 0.0)
            topic = min(1.0, score / divisor) if divisor > 0 and score > 0 else 0.0
            contributions = signals.evaluate(candidate, topic)
            if not any(value > 0 for _name, value, _params in contributions):
                continue
            total = 0.0
            already = False
            for name, value, _params in contributions:
                total += value
                already = already or name == "already_partner"
            ranked.append((already, -total, candidate.key, doc_id, contributions))
        # What the asker already has comes after everything new (issue 12): shown, with
        # its note, only when there are fewer new suggestions than asked for.
        ranked.sort(key=lambda row: (row[0], row[1], row[2]))
        top = [row[1:] for row in ranked[: query.limit]]
        with_topic = {doc_id for _s, _k, doc_id, found in top if has_topic(found)}
        words = self._topic_words(text, with_topic)
        return [
            to_match(self._records[doc_id], -negative, contributions, words.get(doc_id))
            for negative, _key, doc_id, contributions in top
        ]

    def _topic_pool(self, text: str, type_filter, own: set[int]):
        """Whether ``text`` has searchable words, and the ``topic_pool`` best eligible
        text hits' scores by document id (fetched past the asker's own hits: without the
        term lookup a hit costs next to nothing)."""
        pool = self.weights.topic_pool
        found = self._index.search(text, type_filter, limit=pool + len(own), facet_names=[])
        hits = [hit for hit in found.hits if hit.id not in own][:pool]
        return bool(found.query_terms), {hit.id: hit.score for hit in hits}

    def asked_types(self, text: str) -> frozenset[str]:
        """The candidate types the question asks for (data/asked_types.txt)."""
        return asked_types(self.analyzer.name_words(text))

    def asking_words(self, text: str) -> dict[str, str]:
        """The compounds with which the question asks for a kind of suggestion ("welk
        *stedennetwerk*", "we zoeken een *plattelandsgemeente*"), each with its modifier
        (*steden*, *plattelands*): the topic is searched with the modifier instead."""
        return asked_types_and_words(self.analyzer.name_words(text))[1]

    # -- names and filler (issue 12) ---------------------------------------------

    def named_in(self, text: str) -> dict[str, str]:
        """Candidate key → the name as written, for every candidate ``text`` names."""
        return {key: name for key, name in self._entities.find(text).items() if key in self}

    def _known_names(self, named: dict[str, str], asker: Asker | None) -> frozenset[str]:
        """The terms of the names of what the asker already has and the question names
        ("onze stedenbanden met Palo Alto en Dalian"): context, not what is asked."""
        if asker is None:
            return frozenset()
        have = asker.partners | asker.networks
        analyzer = self.analyzer
        return frozenset(
            analyzer.name_term(name)
            for key in named
            if key in have and (candidate := self.get(key)) is not None
            for name in names_of(candidate)
        )

    def topic_text(
        self,
        text: str,
        known: frozenset[str] = frozenset(),
        asking: dict[str, str] | None = None,
    ) -> str:
        """The question without its filler words and the ``known`` name terms, each
        compound that asks for a kind of suggestion (``asking``, :meth:`asking_words`)
        replaced by its modifier (:func:`~kennisschakel.engines.matching.question.topic_text`)."""
        return question.topic_text(self.analyzer, self._filler, text, known, asking)

    def _named_pool(self, named: dict[str, str], query: Query, own: set[int]) -> set[int]:
        """The named candidates and what is linked to them (a named place's Dutch partner
        municipalities, a named municipality's partners, practices and people)."""
        if not named:
            return set()
        ids: list[int] = []
        for key in sorted(named):
            doc_id = self._id_of.get(key)
            if doc_id is None:
                continue
            ids.append(doc_id)
            candidate = self._records[doc_id]
            linked = set(candidate.links)
            linked |= {f"{MUNICIPALITY}:{code}" for code in candidate.linked_municipalities}
            for link in sorted(linked):
                link_id = self._id_of.get(link)
                if link_id is not None:
                    ids.append(link_id)
            if candidate.type == MUNICIPALITY and candidate.municipality:
                ids.extend(sorted(self._belonging.get(candidate.municipality, ())))
        if query.types:
            ids = [i for i in ids if self._records[i].type in query.types]
        pool = [doc_id for doc_id in dict.fromkeys(ids) if doc_id not in own]
        return set(pool[: self.weights.named_pool])

    def _topic_words(self, text: str, doc_ids: set[int]) -> dict[int, dict]:
        """The topic reason's params of the results shown (see
        :func:`~kennisschakel.engines.matching.question.topic_words`)."""
        return question.topic_words(self._index, self._filler, text, doc_ids)

    def _own_ids(self, asker: Asker | None) -> set[int]:
        if asker is None or not asker.municipality:
            return set()
        own = set(self._belonging.get(asker.municipality, ()))
        doc_id = self._id_of.get(f"{MUNICIPALITY}:{asker.municipality}")
        if doc_id is not None:
            own.add(doc_id)
        return own

    def _extra_pools(self, query: Query, own: set[int]) -> set[int]:
        extra: set[int] = set()
        weights = self.weights
        if query.international and (query.countries or query.regions):
            # Per type, so that thousands of places in one country cannot crowd out the
            # few Dutch municipalities that have a partnership there.
            for kind in sorted(query.types) if query.types else CANDIDATE_TYPES:
                for facet, values in (("country", query.countries), ("region", query.regions)):
                    if values:
                        filters = {facet: set(values), "type": {kind}}
                        extra |= self._blank_pool(filters, weights.country_pool, own)
        if query.domains:
            filters = {"domain": set(query.domains)}
            if query.types:
                filters["type"] = set(query.types)
            extra |= self._blank_pool(filters, weights.domain_pool, own)
        return extra

    def _blank_pool(self, filters: dict[str, set[str]], size: int, own: set[int]) -> set[int]:
        # An empty query returns hits by sort_key (static evidence) without looking up
        # terms, so asking for the own ones too costs next to nothing.
        hits = self._index.search("", filters, limit=size + len(own), facet_names=[]).hits
        return set([hit.id for hit in hits if hit.id not in own][:size])
