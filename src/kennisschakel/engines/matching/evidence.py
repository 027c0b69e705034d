"""A candidate's experience, whatever the question: the values of the signals that need
no question or asker, and the static evidence that orders the pools without a text score
(the index's ``sort_key``: the most experienced first)."""

from __future__ import annotations

import math

from kennisschakel.engines.matching.model import PLACE, Candidate
from kennisschakel.engines.matching.weights import Weights

EVALUATED_MATURITY = "evaluated"


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
