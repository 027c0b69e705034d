"""The matcher: *wie kan ons helpen, en waarom?* Candidates and a question in, ranked and
explained suggestions out. Plain Python plus the knowledge bank's search index; no Django.

Pipeline of one :meth:`Matcher.match`
=====================================
1. **Pools.** Only a bounded set of candidates gets the full signal computation, so the
   cost does not grow with the corpus:

   * the ``topic_pool`` best text hits of the question (BM25F over the candidates'
     texts, :class:`kennisschakel.text.search.SearchIndex`);
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
   ``weight × value`` (:mod:`~kennisschakel.matchengine.weights`). Topic relevance is the
   candidate's BM25F score divided by the best eligible hit's score; a pool member
   without a text hit has topic 0. The signals, their conditions and parameters are
   listed in ``docs/matching.md`` ("Signals and weights").
4. **Score and order.** The score is the sum of the contributions, in the fixed order of
   :data:`~kennisschakel.matchengine.weights.SIGNALS` (so equal inputs give bit-equal
   sums). A candidate without any positive contribution is dropped: a suggestion must
   be explainable. Results are ordered by score (descending), then by key: ties are
   broken deterministically.
5. **Explanation.** ``Match.signals`` holds every signal's contribution (0.0 when it did
   not contribute; negative for a malus). ``Match.reasons`` holds exactly one
   :class:`Reason` per signal with a **positive** contribution, the largest first (ties in
   signal order), with the parameters a sentence needs. A malus is never a reason.

"Buiten de vaste kring"
-----------------------
With ``Query.outside_circle`` off, the signals ``outside_region`` and ``inside_circle``
do not exist for the query: scores are exactly those of a query without the field. With
it on (and an asker given), a candidate is *inside the circle* when it is one of the
asker's partners or networks, belongs to a partner municipality or a nearby one
(``Asker.nearby``), lists the asker among its ``linked_municipalities`` (a place abroad
it is twinned with, a network it is a member of), or lies in the asker's province. Inside
candidates get the ``inside_circle`` malus; all others the ``outside_region`` bonus. The
proximity signals ``same_province`` and ``nearby`` are not applied then: they would
reward exactly what the asker asked to look beyond.

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
searched without the per-hit term lookup (:class:`_PoolIndex`), which at 100,000
practices cost more than all the rest. ``benchmarks/matching.py`` (100,000 practices,
342 municipalities, 25,000 places abroad, synthetic): p50 ~21 ms, p95 ~45 ms per
match; see ``docs/performance.md``.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Iterator, MutableMapping

from kennisschakel.matchengine.model import (
    CANDIDATE_TYPES,
    EMPTY,
    MUNICIPALITY,
    NETWORK,
    PLACE,
    Asker,
    Candidate,
    Match,
    Query,
    Reason,
)
from kennisschakel.matchengine.weights import SIGNALS, Weights
from kennisschakel.text.analysis import DutchAnalyzer
from kennisschakel.text.query import parse_query
from kennisschakel.text.search import Document, SearchIndex

EVALUATED_MATURITY = "evaluated"
INTERNATIONAL_LEVEL = "international"
_SIGNAL_ORDER = {name: position for position, name in enumerate(SIGNALS)}


def log_share(count: int, saturation: int) -> float:
    """0 for nothing, 1 at ``saturation`` and beyond, logarithmic in between: the first
    adoptions say more about a practice than the tenth."""
    if count <= 0:
        return 0.0
    return min(1.0, math.log1p(count) / math.log1p(saturation))


def evaluated_value(candidate: Candidate) -> float:
    return 1.0 if candidate.evaluated or candidate.maturity == EVALUATED_MATURITY else 0.0


def maturity_value(candidate: Candidate, weights: Weights) -> float:
    return weights.maturity_levels.get(candidate.maturity, 0.0) if candidate.maturity else 0.0


# Signals that only some candidate types can have; the others apply to every type.
_NOT_PLACES = tuple(kind for kind in CANDIDATE_TYPES if kind != PLACE)
_SIGNAL_TYPES = {
    "partnership_in_country": _NOT_PLACES,
    "works_internationally": _NOT_PLACES,
    "located_in_country": (PLACE,),
    "place_linked": (PLACE,),
    "network_members": (NETWORK,),
}


def place_links_value(candidate: Candidate, weights: Weights) -> float:
    if candidate.type != PLACE:
        return 0.0
    return log_share(len(candidate.linked_municipalities), weights.place_links_saturation)


def static_evidence(candidate: Candidate, weights: Weights) -> float:
    """The part of the score that depends on neither the question nor the asker; orders
    the pools that have no text score (the most experienced first)."""
    return (
        weights.evaluated * evaluated_value(candidate)
        + weights.maturity * maturity_value(candidate, weights)
        + weights.adoptions * log_share(candidate.adoptions, weights.adoptions_saturation)
        + weights.place_linked * place_links_value(candidate, weights)
    )


class _PoolIndex(SearchIndex):
    """The search index, able to skip the per-hit lookup of matched terms.

    ``SearchIndex.search`` looks up, for every hit it returns, which query terms the hit
    contains: a binary search per term in postings of tens of thousands of documents.
    For a pool of hundreds of hits that lookup cost more than everything else in a match
    at 100,000 practices, while only the few results shown need their terms. With
    ``with_terms`` off, hits come back with no terms; the matcher asks for the terms of
    the results it returns in one more, small, search.
    """

    with_terms = True

    def _matched_terms(self, slot, postings):
        return super()._matched_terms(slot, postings) if self.with_terms else []


class Matcher:
    """Ranks candidates for a question; see the module docstring for the rules.

    ``analyzer``: share one :class:`DutchAnalyzer` between indexes (loading its lexicon
    takes about a second).
    """

    def __init__(
        self,
        candidates: Iterable[Candidate] = (),
        weights: Weights | None = None,
        *,
        analyzer: DutchAnalyzer | None = None,
    ):
        self.weights = weights or Weights()
        self._index = _PoolIndex(analyzer=analyzer, field_weights=dict(self.weights.field_weights))
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

    @property
    def analyzer(self) -> DutchAnalyzer:
        return self._index.analyzer

    # -- on disk --------------------------------------------------------------

    def save(self, directory, meta: dict | None = None) -> dict:
        """Write this matcher into ``directory`` (compacting it first); returns the
        manifest. See :mod:`~kennisschakel.matchengine.persist`."""
        from kennisschakel.matchengine.persist import save_matcher

        return save_matcher(self, directory, meta)

    @classmethod
    def open(cls, directory, weights: Weights | None = None, *, analyzer=None) -> Matcher:
        """The matcher saved in ``directory``, memory-mapped: ready at once, its arrays
        shared with every other process that opens the same files."""
        from kennisschakel.matchengine.persist import open_matcher

        return open_matcher(directory, weights, analyzer, cls)

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
        fields = {name: text for name, text in candidate.text.items() if text}
        if "name" not in fields and "title" not in fields:
            fields = {"name": candidate.name, **fields}
        facets = {
            "type": [candidate.type],
            "country": sorted(candidate.countries),
            "region": sorted(candidate.regions),
            "domain": sorted(candidate.domains),
        }
        return Document(doc_id, fields, facets, static_evidence(candidate, self.weights))

    def _forget(self, candidate: Candidate, doc_id: int) -> None:
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

        self._index.with_terms = False
        try:
            has_text, scores = self._topic_pool(query.text, type_filter, own)
            extra = self._extra_pools(query, own)
            if not has_text and extra:
                scores.clear()  # the browse pool only when nothing else was asked
            extra -= scores.keys()
            if has_text and extra:
                # Pool members outside the text top-N may still match the text a little:
                # score the best of them too (bounded by topic_pool once more).
                for hit in self._index.search(
                    query.text,
                    type_filter,
                    limit=self.weights.topic_pool,
                    facet_names=[],
                    allowed_ids=extra,
                ).hits:
                    scores[hit.id] = hit.score
        finally:
            self._index.with_terms = True
        best = max(scores.values(), default=0.0)

        signals = _Signals(self, query, asker)
        ranked = []
        for doc_id in scores.keys() | extra:
            candidate = self._records[doc_id]
            score = scores.get(doc_id, 0.0)
            topic = min(1.0, score / best) if best > 0 and score > 0 else 0.0
            contributions = signals.evaluate(candidate, topic)
            if not any(value > 0 for _name, value, _params in contributions):
                continue
            total = 0.0
            for _name, value, _params in contributions:
                total += value
            ranked.append((-total, candidate.key, doc_id, contributions))
        ranked.sort(key=lambda row: (row[0], row[1]))
        top = ranked[: query.limit]
        with_topic = {doc_id for _s, _k, doc_id, found in top if _has_topic(found)}
        words = self._topic_words(query.text, with_topic)
        return [
            _match(self._records[doc_id], -negative, contributions, words.get(doc_id))
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

    def _topic_words(self, text: str, doc_ids: set[int]) -> dict[int, dict]:
        """The topic reason's params of the results shown: the question's words (or
        synonym phrases) each one's text matched; the index's stems only when no word
        accounts for them."""
        if not doc_ids:
            return {}
        index = self._index
        concepts = [
            (concept.text, frozenset(concept.terms))
            for concept in parse_query(
                text,
                index.analyzer,
                index._corpus_zipf,  # the same compound splits as the search itself
                index.synonym_weight,
            )
        ]
        found = index.search(text, limit=len(doc_ids), facet_names=[], allowed_ids=doc_ids)
        words = {}
        for hit in found.hits:
            matched = set(hit.matched_terms)
            shown = [word for word, terms in concepts if not matched.isdisjoint(terms)]
            words[hit.id] = {"terms": shown or sorted(matched)}
        return words

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


def _has_topic(contributions) -> bool:
    # evaluate() puts the topic first when it contributes.
    return bool(contributions) and contributions[0][0] == "topic"


def _match(candidate: Candidate, score: float, contributions, topic_params) -> Match:
    signals = dict.fromkeys(SIGNALS, 0.0)
    reasons = []
    for name, value, params in contributions:
        signals[name] = value
        if name == "topic":
            params = topic_params or {"terms": []}
        if value > 0:
            reasons.append((-value, _SIGNAL_ORDER[name], Reason(name, params)))
    reasons.sort(key=lambda row: (row[0], row[1]))
    return Match(
        key=candidate.key,
        type=candidate.type,
        name=candidate.name,
        score=score,
        signals=signals,
        reasons=tuple(row[2] for row in reasons),
    )


class _Signals:
    """The signals for one question and asker. Each signal method returns ``(value,
    params)`` with a value in 0..1, or ``None`` when it does not apply; only signals
    with a non-zero weight that can apply to this question are evaluated at all."""

    def __init__(self, matcher: Matcher, query: Query, asker: Asker | None):
        self.matcher = matcher
        self.weights = weights = matcher.weights
        self.query = query
        self.asker = asker
        self.year = query.year or datetime.date.today().year
        self.partner_codes = frozenset(
            key.partition(":")[2]
            for key in (asker.partners if asker else EMPTY)
            if key.startswith(f"{MUNICIPALITY}:")
        )
        self._network_cache: dict[str, tuple[float, dict] | None] = {}

        applicable = {
            "topic": True,
            "domain": bool(query.domains),
            "same_size": bool(asker and asker.size_class),
            "same_urbanity": bool(asker and asker.urbanity),
            "same_province": bool(asker and asker.province and not query.outside_circle),
            "nearby": bool(asker and asker.nearby and not query.outside_circle),
            "border": bool(asker and asker.border_countries),
            "evaluated": True,
            "maturity": True,
            "adoptions": True,
            "experience_years": True,
            "partnership_in_country": bool(query.countries or query.regions),
            "located_in_country": bool(query.countries or query.regions),
            "place_linked": True,
            "works_internationally": query.international,
            "seeks_your_offer": bool(asker and asker.offers),
            "network_members": asker is not None,
            "outside_region": bool(asker and query.outside_circle),
            "inside_circle": bool(asker and query.outside_circle),
        }
        self.topic_weight = weights.topic
        # Per candidate type, the signals that can apply to it (a place has no
        # partnership abroad, only a network has members...), as (name, weight, method).
        self.active = {
            kind: [
                (name, weights.signal(name), getattr(self, name))
                for name in SIGNALS
                if name != "topic"
                and applicable[name]
                and weights.signal(name) != 0
                and kind in _SIGNAL_TYPES.get(name, CANDIDATE_TYPES)
            ]
            for kind in CANDIDATE_TYPES
        }
        self._circle: tuple[str | None, bool] = (None, False)

    def evaluate(self, candidate: Candidate, topic: float):
        """``(signal, contribution, params)`` for every signal with a non-zero value; the
        topic's params are filled in later, for the results shown only."""
        contributions = []
        if topic > 0 and self.topic_weight:
            contributions.append(("topic", self.topic_weight * topic, None))
        for name, weight, compute in self.active[candidate.type]:
            found = compute(candidate)
            if found is not None and found[0] > 0:
                contributions.append((name, weight * found[0], found[1]))
        return contributions

    # -- what the question asks -------------------------------------------------

    def domain(self, c: Candidate):
        shared = c.domains & self.query.domains
        if shared:
            return len(shared) / len(self.query.domains), {"domains": sorted(shared)}
        return None

    def _country_match(self, c: Candidate):
        countries = c.countries & self.query.countries
        regions = c.regions & self.query.regions
        if countries:
            return 1.0, {"countries": sorted(countries), "regions": sorted(regions)}
        if regions:
            return self.weights.region_factor, {"countries": [], "regions": sorted(regions)}
        return None

    def partnership_in_country(self, c: Candidate):
        return self._country_match(c)

    def located_in_country(self, c: Candidate):
        return self._country_match(c)

    def works_internationally(self, c: Candidate):
        if c.international or c.level == INTERNATIONAL_LEVEL:
            return 1.0, {"level": c.level}
        return None

    # -- resemblance to the asker -----------------------------------------------

    def same_size(self, c: Candidate):
        if c.size_class and c.size_class == self.asker.size_class:
            return 1.0, {"size_class": c.size_class}
        return None

    def same_urbanity(self, c: Candidate):
        if c.urbanity and c.urbanity == self.asker.urbanity:
            return 1.0, {"urbanity": c.urbanity}
        return None

    def same_province(self, c: Candidate):
        if c.province and c.province == self.asker.province:
            return 1.0, {"province": c.province}
        return None

    def nearby(self, c: Candidate):
        if c.municipality and c.municipality in self.asker.nearby:
            return 1.0, {"municipality": c.municipality}
        return None

    def border(self, c: Candidate):
        shared = c.border_countries & self.asker.border_countries
        if shared:
            return 1.0, {"countries": sorted(shared)}
        return None

    def network_members(self, c: Candidate):
        if not c.linked_municipalities:
            return None
        if c.key not in self._network_cache:
            self._network_cache[c.key] = self._members_like_asker(c)
        return self._network_cache[c.key]

    def _members_like_asker(self, network: Candidate):
        asker = self.asker
        members = same_size = same_province = border = similar = 0
        for code in sorted(network.linked_municipalities):
            member = self.matcher._municipalities.get(code)
            if member is None or code == asker.municipality:
                continue  # unknown to the matcher, or the asker itself
            members += 1
            size = bool(asker.size_class and member.size_class == asker.size_class)
            province = bool(asker.province and member.province == asker.province)
            borders = bool(member.border_countries & asker.border_countries)
            same_size += size
            same_province += province
            border += borders
            similar += size or province or borders
        if not similar:
            return None
        return similar / members, {
            "similar": similar,
            "members": members,
            "same_size": same_size,
            "same_province": same_province,
            "border": border,
        }

    # -- experience -------------------------------------------------------------

    def evaluated(self, c: Candidate):
        if evaluated_value(c):
            return 1.0, {"maturity": c.maturity}
        return None

    def maturity(self, c: Candidate):
        value = maturity_value(c, self.weights)
        return (value, {"maturity": c.maturity}) if value > 0 else None

    def adoptions(self, c: Candidate):
        if c.adoptions > 0:
            return log_share(c.adoptions, self.weights.adoptions_saturation), {"count": c.adoptions}
        return None

    def experience_years(self, c: Candidate):
        if c.since is None:
            return None
        years = self.year - c.since
        if years <= 0:
            return None
        value = min(1.0, years / self.weights.years_saturation)
        return value, {"since": c.since, "years": years}

    def place_linked(self, c: Candidate):
        value = place_links_value(c, self.weights)
        if value > 0:
            linked = sorted(c.linked_municipalities)
            return value, {"count": len(linked), "municipalities": linked}
        return None

    # -- voor wat hoort wat -----------------------------------------------------

    def seeks_your_offer(self, c: Candidate):
        shared = c.seeks & self.asker.offers
        if shared:
            value = min(1.0, len(shared) / self.weights.seeks_saturation)
            return value, {"domains": sorted(shared)}
        return None

    # -- buiten de vaste kring --------------------------------------------------

    def _inside_circle(self, c: Candidate) -> bool:
        # Both outside_region and inside_circle ask, one after the other: remember.
        if self._circle[0] == c.key:
            return self._circle[1]
        inside = self._in_circle(c)
        self._circle = (c.key, inside)
        return inside

    def _in_circle(self, c: Candidate) -> bool:
        asker = self.asker
        return (
            c.key in asker.partners
            or c.key in asker.networks
            or bool(
                c.municipality
                and (c.municipality in self.partner_codes or c.municipality in asker.nearby)
            )
            or bool(asker.municipality and asker.municipality in c.linked_municipalities)
            or bool(asker.province and c.province == asker.province)
        )

    def outside_region(self, c: Candidate):
        if self._inside_circle(c):
            return None
        return 1.0, {"province": c.province}

    def inside_circle(self, c: Candidate):
        return (1.0, {}) if self._inside_circle(c) else None
