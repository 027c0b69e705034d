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
   ``weight × value`` (:mod:`~kennisschakel.engines.matching.weights`). Topic relevance is the
   candidate's BM25F score divided by the best eligible hit's score; a pool member
   without a text hit has topic 0. The signals, their conditions and parameters are
   listed in ``docs/matching.md`` ("Signals and weights").
4. **Score and order.** The score is the sum of the contributions, in the fixed order of
   :data:`~kennisschakel.engines.matching.weights.SIGNALS` (so equal inputs give bit-equal
   sums). A candidate without any positive contribution is dropped: a suggestion must
   be explainable. Results are ordered by score (descending), then by key: ties are
   broken deterministically. What the asker already has (a partner, a network it is
   in: the ``already_partner`` malus) comes after every new suggestion, with a note
   (``Match.notes``) instead of being presented as new (issue 12).
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

from kennisschakel.engines.matching.entities import (
    NameTable,
    ambiguous_names,
    asked_types,
    asked_types_and_words,
    filler_terms,
)
from kennisschakel.engines.matching.model import (
    CANDIDATE_TYPES,
    EMPTY,
    INSTITUTION,
    MUNICIPALITY,
    NETWORK,
    PLACE,
    PRACTICE,
    Asker,
    Candidate,
    Match,
    Query,
    Reason,
)
from kennisschakel.engines.matching.weights import SIGNALS, Weights
from kennisschakel.engines.text.analysis import NAME_JOIN, DutchAnalyzer
from kennisschakel.engines.text.query import parse_query
from kennisschakel.engines.text.search import Document, SearchIndex

EVALUATED_MATURITY = "evaluated"
# Candidates recognised by name (their names are protected from decompounding, and a
# question that names one gets the "named" signal); see entities.py.
NAMED_TYPES = frozenset({MUNICIPALITY, PLACE, NETWORK, INSTITUTION})
INTERNATIONAL_LEVEL = "international"
# Candidates that inherit the topic evidence of their practices ("practice_evidence"):
# who owns, co-owns or is named in a practice knows about it. Not places abroad: a place
# is suggested for its partnerships, not for what a Dutch practice about it says.
INHERITING_TYPES = frozenset({MUNICIPALITY, NETWORK, INSTITUTION})
# Candidates whose text is a register description of a sentence or two: their topic is
# measured against the best of their own type (Weights.type_balance).
SHORT_TEXT_TYPES = frozenset({NETWORK, INSTITUTION})
_SIGNAL_ORDER = {name: position for position, name in enumerate(SIGNALS)}
# Signals that say how relevant a candidate is to the question (with the topic and
# practice_evidence); the others in CONTEXT_SIGNALS say how fit or experienced it is, and
# count in full only for a candidate relevant enough (Weights.relevance_gate).
# The domains a question is marked with are part of what it asks, like its countries.
RELEVANCE_SIGNALS = frozenset(
    {"domain", "partnership_in_country", "located_in_country", "named", "linked_to_named"}
)
CONTEXT_SIGNALS = frozenset(
    {
        "same_size",
        "same_urbanity",
        "same_province",
        "nearby",
        "border",
        "evaluated",
        "maturity",
        "adoptions",
        "experience_years",
        "place_linked",
        "works_internationally",
        "seeks_your_offer",
        "network_members",
    }
)
# Not gated either way: outside_region (and the inside_circle malus), what the asker asked
# for by switching "buiten de vaste kring" on; measured slightly better ungated.


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


def names_of(candidate: Candidate) -> frozenset[str]:
    """Every name a candidate is recognised by: its names, or else its display name."""
    if candidate.type not in NAMED_TYPES:
        return frozenset()
    return candidate.names or frozenset({candidate.name})


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

    def _matched_terms(self, page, postings):
        if self.with_terms:
            return super()._matched_terms(page, postings)
        return [[] for _ in page]


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
        self._index = _PoolIndex(analyzer=analyzer, field_weights=dict(self.weights.field_weights))
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
        from kennisschakel.engines.matching.persist import save_matcher

        return save_matcher(self, directory, meta)

    @classmethod
    def open(cls, directory, weights: Weights | None = None, *, analyzer=None) -> Matcher:
        """The matcher saved in ``directory``, memory-mapped: ready at once, its arrays
        shared with every other process that opens the same files."""
        from kennisschakel.engines.matching.persist import open_matcher

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
        scale = self._topic_scales(scores)
        evidence = self._practice_evidence(scores, scale, own, query.types)
        extra |= evidence.keys() - scores.keys()

        signals = _Signals(self, query, asker, named, evidence, gated=has_text)
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
        with_topic = {doc_id for _s, _k, doc_id, found in top if _has_topic(found)}
        words = self._topic_words(text, with_topic)
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

    def _topic_scales(self, scores: dict[int, float]) -> dict[str, float]:
        """Per candidate type, what a text score is divided by for the topic value: the
        best hit overall; for networks and institutions the best hit of their type, but at
        least ``type_balance`` × the best hit overall. An organisation's register text is a
        sentence or two against a practice's page; so a network that covers the question
        about as well as the practices do is not measured against the longest practice
        text (issue 12). ``type_balance`` 1: every type against the best hit overall."""
        best_of: dict[str, float] = {}
        for doc_id, score in scores.items():
            kind = self._records[doc_id].type
            if score > best_of.get(kind, 0.0):
                best_of[kind] = score
        best = max(best_of.values(), default=0.0)
        floor = self.weights.type_balance * best
        return {
            kind: max(best_of.get(kind, 0.0), floor) if kind in SHORT_TEXT_TYPES else best
            for kind in CANDIDATE_TYPES
        }

    def _practice_evidence(self, scores, scale, own: set[int], types) -> dict[int, tuple]:
        """Doc id → (topic value, practice) of the best practice hit linked to it: the
        owner municipality (``Candidate.municipality``) and ``Candidate.links`` (places
        abroad, owner and co-owner organisations, named networks and institutions). Only
        practices already in the topic pool count: no extra search (issue 12); at most
        ``evidence_pool`` candidates, the best first."""
        found: dict[int, tuple[float, Candidate]] = {}
        factor = self.weights.linked_evidence_factor
        best = scale.get(PRACTICE, 0.0)
        if best <= 0:
            return found
        for doc_id, score in scores.items():
            practice = self._records[doc_id]
            if practice.type != PRACTICE or score <= 0:
                continue
            value = min(1.0, score / best)
            owners = {practice.owner} if practice.owner else set()
            if practice.municipality:
                owners.add(f"{MUNICIPALITY}:{practice.municipality}")
            for key in owners | practice.links:
                target = self._id_of.get(key)
                if target is None or target in own:
                    continue
                kind = self._records[target].type
                if kind not in INHERITING_TYPES or (types and kind not in types):
                    continue
                share = value if key in owners else value * factor
                if target not in found or share > found[target][0]:
                    found[target] = (share, practice)
        if len(found) > self.weights.evidence_pool:  # bound the signal work (national scale)
            best_first = sorted(found, key=lambda target: (-found[target][0], target))
            found = {target: found[target] for target in best_first[: self.weights.evidence_pool]}
        return found

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
        """The question without its filler words (data/question_filler.txt) and without
        the ``known`` name terms (the asker's own partners it names), each compound that
        asks for a kind of suggestion (``asking``, :meth:`asking_words`) replaced by its
        modifier, for the text search; the whole question when nothing else is left."""
        analyzer = self.analyzer
        kept = []
        dropped = False
        asking = asking or {}
        for word in analyzer.words(text):
            term = analyzer.term(word)
            if (NAME_JOIN not in word and term in self._filler) or term in known:
                dropped = True
                continue
            if NAME_JOIN not in word and word in asking:
                dropped = True
                word = asking[word]
            kept.append(word)
        if not dropped:
            return text
        return " ".join(kept) if kept else text

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
        """The topic reason's params of the results shown: per concept of the question
        (a word, a synonym phrase or a name) that the result's text matched, the word as
        the result contains it — the question's word when the result has it (any
        inflection), else only the parts of the question's compound the result has
        (*kenniseconomie* → *kennis*). Question filler and stop words never appear."""
        if not doc_ids:
            return {}
        index = self._index
        analyzer = index.analyzer
        concepts = []
        for concept in parse_query(
            text,
            analyzer,
            index._corpus_zipf,  # the same compound splits as the search itself
            index.synonym_weight,
        ):
            whole = concept.alternatives[0].terms if concept.alternatives else ()
            if len(whole) == 1 and whole[0] in self._filler:
                continue
            parts: dict[str, str] = {}  # stem → the part as the question writes it
            part_terms: set[str] = set()
            compound = any(len(alt.terms) > 1 for alt in concept.alternatives[1:])
            if len(whole) == 1 and compound and NAME_JOIN not in concept.text:
                # One split (not cached: it consults the corpus), only for compounds.
                for part in analyzer.splitter.parts(concept.text, index._corpus_zipf):
                    stem = analyzer.stem(part)
                    part_terms.add(stem)
                    if stem not in self._filler:
                        parts.setdefault(stem, part)
            concepts.append(
                (
                    self._display(concept.text),
                    frozenset(whole),
                    frozenset(concept.terms),
                    parts,
                    part_terms,
                )  # fmt: skip
            )
        found = index.search(text, limit=len(doc_ids), facet_names=[], allowed_ids=doc_ids)
        words = {}
        for hit in found.hits:
            matched = set(hit.matched_terms)
            shown: list[str] = []
            for word, whole, terms, parts, part_terms in concepts:
                hit_terms = matched & terms
                if not hit_terms:
                    continue
                if whole and whole <= matched:
                    shown.append(word)
                elif hit_terms - part_terms - self._filler:
                    shown.append(word)  # through a synonym of the word
                else:
                    shown.extend(part for term, part in parts.items() if term in hit_terms)
            words[hit.id] = {"terms": list(dict.fromkeys(shown))}
        return words

    def _display(self, word: str) -> str:
        """A concept as shown: a protected name as it is written in the register (not an
        ordinary word that is also a name: "buren" stays "buren")."""
        if NAME_JOIN not in word and word in ambiguous_names():
            return word
        return self.analyzer.name_display(word)

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
    notes = []
    for name, value, params in contributions:
        signals[name] = value
        if name == "topic":
            params = topic_params or {"terms": []}
        if value > 0:
            reasons.append((-value, _SIGNAL_ORDER[name], Reason(name, params)))
        elif name == "already_partner":
            notes.append(Reason(name, params))
    reasons.sort(key=lambda row: (row[0], row[1]))
    return Match(
        key=candidate.key,
        type=candidate.type,
        name=candidate.name,
        score=score,
        signals=signals,
        reasons=tuple(row[2] for row in reasons),
        notes=tuple(notes),
    )


class _Signals:
    """The signals for one question and asker. Each signal method returns ``(value,
    params)`` with a value in 0..1, or ``None`` when it does not apply; only signals
    with a non-zero weight that can apply to this question are evaluated at all."""

    def __init__(
        self,
        matcher: Matcher,
        query: Query,
        asker: Asker | None,
        named: dict | None = None,
        evidence: dict | None = None,
        gated: bool = False,
    ):
        self.matcher = matcher
        self.evidence = {
            matcher._records[doc_id].key: found for doc_id, found in (evidence or {}).items()
        }
        self.asked = matcher.asked_types(query.text)
        self.named_keys: dict[str, str] = named or {}
        self.named_codes = frozenset(
            key.partition(":")[2] for key in self.named_keys if key.startswith(f"{MUNICIPALITY}:")
        )
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
            "named": bool(self.named_keys),
            "linked_to_named": bool(self.named_keys),
            "already_partner": bool(asker and (asker.partners or asker.networks)),
            "practice_evidence": bool(self.evidence),
            "type_asked": bool(self.asked),
        }
        self.topic_weight = weights.topic
        # No gate for a question without searchable words (browsing: nothing to be
        # relevant to) or with the gate switched off.
        self.gate = weights.relevance_gate if gated else 0.0
        self.evidence_weight = weights.practice_evidence
        # Per candidate type, the signals that can apply to it (a place has no
        # partnership abroad, only a network has members...), as (name, weight, method).
        self.active = {
            kind: [
                (name, weights.signal(name), getattr(self, name))
                for name in SIGNALS
                if name not in ("topic", "practice_evidence")
                and applicable[name]
                and weights.signal(name) != 0
                and kind in _SIGNAL_TYPES.get(name, CANDIDATE_TYPES)
            ]
            for kind in CANDIDATE_TYPES
        }
        self._circle: tuple[str | None, bool] = (None, False)
        self._relevance = 0.0

    def evaluate(self, candidate: Candidate, topic: float):
        """``(signal, contribution, params)`` for every signal with a non-zero value; the
        topic's params are filled in later, for the results shown only."""
        contributions = []
        own = self.topic_weight * topic if topic > 0 else 0.0
        inherited = self.practice_evidence(candidate)
        if inherited is not None and self.evidence_weight * inherited[0] > own:
            # The larger of its own text match and its best practice's (weighted): its
            # text holds its practices' texts already, so the two are not added up.
            own = 0.0
            inherited = ("practice_evidence", self.evidence_weight * inherited[0], inherited[1])
        else:
            inherited = None
        if own > 0:
            contributions.append(("topic", own, None))
        if inherited is not None:
            contributions.append(inherited)
        # How well it matches the question's words, directly or through its practices:
        # what type_asked scales (the kind asked for is no reason by itself).
        self._relevance = max(topic if own > 0 else 0.0, inherited[1] if inherited else 0.0)
        relevance = self._relevance
        found_signals = []
        for name, weight, compute in self.active[candidate.type]:
            found = compute(candidate)
            if found is not None and found[0] > 0:
                found_signals.append((name, weight * found[0], found[1]))
                if name in RELEVANCE_SIGNALS:
                    relevance = max(relevance, found[0])
        # Context signals (resemblance, experience) rank what is relevant to the
        # question; they do not make a candidate relevant: below ``relevance_gate`` they
        # count in proportion to its relevance (issue 12).
        gate = min(1.0, relevance / self.gate) if self.gate > 0 else 1.0
        for name, value, params in found_signals:
            if gate < 1.0 and name in CONTEXT_SIGNALS:
                value *= gate
                if value <= 0:
                    continue
            contributions.append((name, value, params))
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

    # -- names in the question (issue 12) ------------------------------------------

    def named(self, c: Candidate):
        name = self.named_keys.get(c.key)
        if not name or (self.asker and c.key in self.asker.partners):
            return None  # "onze stedenband met X": what the asker has, not what it asks
        return 1.0, {"name": name}

    def linked_to_named(self, c: Candidate):
        keys = set(c.links) & self.named_keys.keys()
        if c.type == PLACE:
            keys |= {
                f"{MUNICIPALITY}:{code}" for code in c.linked_municipalities & self.named_codes
            }
        elif c.type != MUNICIPALITY and c.municipality in self.named_codes:
            keys.add(f"{MUNICIPALITY}:{c.municipality}")
        keys.discard(c.key)
        if not keys:
            return None
        return 1.0, {"names": [self.named_keys[key] for key in sorted(keys)]}

    def already_partner(self, c: Candidate):
        asker = self.asker
        if c.key in asker.partners:
            return 1.0, {"via": "partner"}
        if c.key in asker.networks:
            return 1.0, {"via": "network"}
        return None

    # -- balance between candidate types (issue 12) -----------------------------------

    def practice_evidence(self, c: Candidate):
        found = self.evidence.get(c.key)
        if found is None:
            return None
        value, practice = found
        return value, {"practice": practice.name, "key": practice.key}

    def type_asked(self, c: Candidate):
        if c.type not in self.asked:
            return None
        # Its relevance to what is asked: the text (directly or through its practices),
        # the country asked about, or being named.
        relevance = self._relevance
        if self.query.countries or self.query.regions:
            found = self._country_match(c)
            relevance = max(relevance, found[0] if found else 0.0)
        if c.key in self.named_keys:
            relevance = 1.0
        if relevance <= 0:
            return None
        return min(1.0, relevance), {"type": c.type}
