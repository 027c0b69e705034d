"""Weights and limits of the matcher, as configuration (``weights.yaml`` next to this file).

:class:`Weights` holds the defaults, equal to ``weights.yaml`` (a test keeps them so);
:func:`load_weights` reads a YAML file of the same shape, validates it and fills what it
leaves out with the defaults. Validation refuses, with a ``ValueError`` naming the key:

* an unknown key (a typo would otherwise silently leave the default in force);
* a signal weight that is not a number, a negative one (only ``inside_circle``, a malus,
  must be 0 or negative instead);
* a pool, saturation or limit that is not a positive integer; ``region_factor`` and the
  ``maturity_levels`` values outside 0..1; a field weight that is not positive.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent / "weights.yaml"

#: Every signal, in the order the engine evaluates and reports them. A signal's name is
#: both its weight's key and the code of the reason it gives.
SIGNALS = (
    "topic",
    "domain",
    "same_size",
    "same_urbanity",
    "same_province",
    "nearby",
    "border",
    "evaluated",
    "maturity",
    "adoptions",
    "experience_years",
    "partnership_in_country",
    "located_in_country",
    "place_linked",
    "works_internationally",
    "seeks_your_offer",
    "network_members",
    "outside_region",
    "inside_circle",
    "named",
    "linked_to_named",
    "already_partner",
    "practice_evidence",
    "type_asked",
)
#: Signals whose weight is a malus: 0 or negative, never an explanation line.
MALUS_SIGNALS = frozenset({"inside_circle", "already_partner"})

_POSITIVE_INTEGERS = (
    "topic_pool",
    "country_pool",
    "domain_pool",
    "named_pool",
    "evidence_pool",
    "adoptions_saturation",
    "years_saturation",
    "place_links_saturation",
    "seeks_saturation",
)


def _maturity_levels() -> dict[str, float]:
    return {"pilot": 0.4, "running": 1.0, "evaluated": 1.0}


def _field_weights() -> dict[str, float]:
    return {"name": 3.0, "title": 3.0, "summary": 1.5, "body": 1.0, "partnerships": 1.0}


@dataclass(frozen=True)
class Weights:
    """See ``weights.yaml`` for what each value means."""

    topic: float = 1.0
    domain: float = 0.15
    same_size: float = 0.10
    same_urbanity: float = 0.05
    same_province: float = 0.08
    nearby: float = 0.06
    border: float = 0.10
    evaluated: float = 0.10
    maturity: float = 0.06
    adoptions: float = 0.12
    experience_years: float = 0.06
    partnership_in_country: float = 1.0
    located_in_country: float = 1.0
    place_linked: float = 0.10
    works_internationally: float = 0.05
    seeks_your_offer: float = 0.15
    network_members: float = 0.12
    outside_region: float = 0.15
    inside_circle: float = -0.15
    named: float = 1.5
    linked_to_named: float = 0.6
    already_partner: float = -1.0
    practice_evidence: float = 0.6
    type_asked: float = 0.6

    topic_pool: int = 300
    country_pool: int = 100
    domain_pool: int = 100
    named_pool: int = 100
    evidence_pool: int = 100

    region_factor: float = 0.5
    linked_evidence_factor: float = 0.5
    type_balance: float = 0.4
    relevance_gate: float = 0.25
    adoptions_saturation: int = 10
    years_saturation: int = 15
    place_links_saturation: int = 5
    seeks_saturation: int = 2
    maturity_levels: dict[str, float] = field(default_factory=_maturity_levels)

    field_weights: dict[str, float] = field(default_factory=_field_weights)

    def __post_init__(self):
        validate(self)

    def signal(self, name: str) -> float:
        return getattr(self, name)

    def with_changes(self, **changes) -> Weights:
        """A copy with some values changed (validated like a file)."""
        return replace(self, **changes)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def validate(weights: Weights) -> None:
    for name in SIGNALS:
        value = getattr(weights, name)
        if not _is_number(value):
            raise ValueError(f"Weight {name!r} must be a number, not {value!r}.")
        if name in MALUS_SIGNALS and value > 0:
            raise ValueError(f"Weight {name!r} is a malus: it must be 0 or negative.")
        if name not in MALUS_SIGNALS and value < 0:
            raise ValueError(f"Weight {name!r} must be 0 or positive, not {value!r}.")
    for name in _POSITIVE_INTEGERS:
        value = getattr(weights, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name!r} must be a positive integer, not {value!r}.")
    if not _is_number(weights.region_factor) or not 0 <= weights.region_factor <= 1:
        raise ValueError(f"'region_factor' must lie between 0 and 1: {weights.region_factor!r}.")
    for name in ("linked_evidence_factor", "type_balance", "relevance_gate"):
        factor = getattr(weights, name)
        if not _is_number(factor) or not 0 <= factor <= 1:
            raise ValueError(f"{name!r} must lie between 0 and 1: {factor!r}.")
    _check_mapping("maturity_levels", weights.maturity_levels, lambda v: 0 <= v <= 1, "0..1")
    _check_mapping("field_weights", weights.field_weights, lambda v: v > 0, "positive")


def _check_mapping(name: str, values, accept, expected: str) -> None:
    if not isinstance(values, Mapping):
        raise ValueError(f"{name!r} must be a mapping of names to numbers.")
    for key, value in values.items():
        if not isinstance(key, str) or not _is_number(value) or not accept(value):
            raise ValueError(f"{name}.{key}: expected a {expected} number, not {value!r}.")


def load_weights(path: str | Path = DEFAULT_PATH) -> Weights:
    """Weights from a YAML file; keys left out keep their default."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ValueError(f"{path}: expected a mapping of weight names to values.")
    known = {f.name for f in fields(Weights)}
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise ValueError(f"{path}: unknown weight(s) {', '.join(unknown)}.")
    return Weights(**data)
