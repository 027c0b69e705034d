"""From text scores to topic values: what a candidate type's text score is divided by
(:func:`topic_scales`), and the topic evidence of the practices in the pool passed on to
the candidates they belong or are linked to (:func:`practice_evidence`)."""

from __future__ import annotations

from collections.abc import Mapping

from kennisschakel.engines.matching.model import (
    CANDIDATE_TYPES,
    INSTITUTION,
    MUNICIPALITY,
    NETWORK,
    PRACTICE,
    Candidate,
)
from kennisschakel.engines.matching.weights import Weights

# Candidates that inherit the topic evidence of their practices ("practice_evidence"):
# who owns, co-owns or is named in a practice knows about it. Not places abroad: a place
# is suggested for its partnerships, not for what a Dutch practice about it says.
INHERITING_TYPES = frozenset({MUNICIPALITY, NETWORK, INSTITUTION})
# Candidates whose text is a register description of a sentence or two: their topic is
# measured against the best of their own type (Weights.type_balance).
SHORT_TEXT_TYPES = frozenset({NETWORK, INSTITUTION})


def topic_scales(
    scores: dict[int, float], records: Mapping[int, Candidate], type_balance: float
) -> dict[str, float]:
    """Per candidate type, what a text score is divided by for the topic value: the
    best hit overall; for networks and institutions the best hit of their type, but at
    least ``type_balance`` × the best hit overall. An organisation's register text is a
    sentence or two against a practice's page; so a network that covers the question
    about as well as the practices do is not measured against the longest practice
    text (issue 12). ``type_balance`` 1: every type against the best hit overall."""
    best_of: dict[str, float] = {}
    for doc_id, score in scores.items():
        kind = records[doc_id].type
        if score > best_of.get(kind, 0.0):
            best_of[kind] = score
    best = max(best_of.values(), default=0.0)
    floor = type_balance * best
    return {
        kind: max(best_of.get(kind, 0.0), floor) if kind in SHORT_TEXT_TYPES else best
        for kind in CANDIDATE_TYPES
    }


def practice_evidence(
    scores: dict[int, float],
    scale: dict[str, float],
    own: set[int],
    types,
    records: Mapping[int, Candidate],
    id_of: Mapping[str, int],
    weights: Weights,
) -> dict[int, tuple]:
    """Doc id → (topic value, practice) of the best practice hit linked to it: the
    owner municipality (``Candidate.municipality``) and ``Candidate.links`` (places
    abroad, owner and co-owner organisations, named networks and institutions). Only
    practices already in the topic pool count: no extra search (issue 12); at most
    ``evidence_pool`` candidates, the best first."""
    found: dict[int, tuple[float, Candidate]] = {}
    factor = weights.linked_evidence_factor
    best = scale.get(PRACTICE, 0.0)
    if best <= 0:
        return found
    for doc_id, score in scores.items():
        practice = records[doc_id]
        if practice.type != PRACTICE or score <= 0:
            continue
        value = min(1.0, score / best)
        owners = {practice.owner} if practice.owner else set()
        if practice.municipality:
            owners.add(f"{MUNICIPALITY}:{practice.municipality}")
        for key in owners | practice.links:
            target = id_of.get(key)
            if target is None or target in own:
                continue
            kind = records[target].type
            if kind not in INHERITING_TYPES or (types and kind not in types):
                continue
            share = value if key in owners else value * factor
            if target not in found or share > found[target][0]:
                found[target] = (share, practice)
    if len(found) > weights.evidence_pool:  # bound the signal work (national scale)
        best_first = sorted(found, key=lambda target: (-found[target][0], target))
        found = {target: found[target] for target in best_first[: weights.evidence_pool]}
    return found
