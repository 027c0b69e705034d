"""The signals of one question and asker: what each candidate gets, and why.

Each signal gives a value between 0 and 1; its contribution is ``weight × value``
(:mod:`~kennisschakel.engines.matching.weights`). The signals, their conditions and
parameters are listed in ``docs/matching.md`` ("Signals and weights"). ``Match.signals``
holds every signal's contribution (0.0 when it did not contribute; negative for a malus);
``Match.reasons`` holds exactly one :class:`Reason` per signal with a **positive**
contribution, the largest first (ties in signal order), with the parameters a sentence
needs. A malus is never a reason.

Relevance and context
---------------------
The topic, ``practice_evidence`` and the :data:`RELEVANCE_SIGNALS` say how relevant a
candidate is to the question; the :data:`CONTEXT_SIGNALS` (resemblance, experience) say
how fit or experienced it is, and below ``Weights.relevance_gate`` count in proportion to
its relevance (issue 12). The rest are not gated (:data:`UNGATED_SIGNALS`).

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
"""

from __future__ import annotations

import datetime

from kennisschakel.engines.matching.evidence import (
    evaluated_value,
    log_share,
    maturity_value,
    place_links_value,
)
from kennisschakel.engines.matching.model import (
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
from kennisschakel.engines.matching.weights import SIGNALS

INTERNATIONAL_LEVEL = "international"
_SIGNAL_ORDER = {name: position for position, name in enumerate(SIGNALS)}
# The domains a question is marked with are part of what it asks, like its countries.
RELEVANCE_SIGNALS = frozenset(
    {"domain", "partnership_in_country", "located_in_country", "named", "linked_to_named"}
)
# Never gated: the topic and practice_evidence (the relevance itself), type_asked (scaled
# by the relevance already), the already_partner malus (a note, not a reason), and
# outside_region with the inside_circle malus: what the asker asked for by switching
# "buiten de vaste kring" on; measured slightly better ungated.
UNGATED_SIGNALS = frozenset(
    {
        "topic",
        "practice_evidence",
        "type_asked",
        "already_partner",
        "outside_region",
        "inside_circle",
    }
)
# Every other signal says how fit or experienced a candidate is.
CONTEXT_SIGNALS = frozenset(SIGNALS) - RELEVANCE_SIGNALS - UNGATED_SIGNALS

# Signals that only some candidate types can have; the others apply to every type.
_NOT_PLACES = tuple(kind for kind in CANDIDATE_TYPES if kind != PLACE)
_SIGNAL_TYPES = {
    "partnership_in_country": _NOT_PLACES,
    "works_internationally": _NOT_PLACES,
    "located_in_country": (PLACE,),
    "place_linked": (PLACE,),
    "network_members": (NETWORK,),
}


def has_topic(contributions) -> bool:
    # evaluate() puts the topic first when it contributes.
    return bool(contributions) and contributions[0][0] == "topic"


def to_match(candidate: Candidate, score: float, contributions, topic_params) -> Match:
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


class Signals:
    """The signals for one question and asker. Each signal method returns ``(value,
    params)`` with a value in 0..1, or ``None`` when it does not apply; only signals
    with a non-zero weight that can apply to this question are evaluated at all."""

    def __init__(
        self,
        matcher,
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
