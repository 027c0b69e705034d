"""The matching engine (issue #6): who can help a municipality with a question, and why.

Plain Python, **no Django**: the adapter (:mod:`kennisschakel.matching.adapter`) builds
:class:`Candidate` values from the register, the knowledge bank and the ledger and an
:class:`Asker` from the asking municipality; :class:`Matcher` returns ranked
:class:`Match` values whose :class:`Reason` codes and parameters the Django layer renders
in Dutch or English. The contract is ``docs/matching.md``; the pipeline and the rules are
in :mod:`~kennisschakel.engines.matching.engine`, the weights in ``weights.yaml``
(:mod:`~kennisschakel.engines.matching.weights`).
"""

from kennisschakel.engines.matching.countries import countries_in_text
from kennisschakel.engines.matching.engine import Matcher
from kennisschakel.engines.matching.model import (
    CANDIDATE_TYPES,
    Asker,
    Candidate,
    Match,
    Query,
    Reason,
)
from kennisschakel.engines.matching.weights import SIGNALS, Weights, load_weights

__all__ = [
    "CANDIDATE_TYPES",
    "SIGNALS",
    "Asker",
    "Candidate",
    "Match",
    "Matcher",
    "Query",
    "Reason",
    "Weights",
    "countries_in_text",
    "load_weights",
]
