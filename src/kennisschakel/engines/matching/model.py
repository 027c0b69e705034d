"""The values that go into the matcher and come out of it (``docs/matching.md``).

Plain frozen dataclasses. The field names are the contract with the Django adapter;
fields added after the contract (``urbanity``, ``nearby``, ``year``) are optional and
default to "unknown", so that an adapter that does not fill them gets the documented
behaviour: the signals that need them simply never contribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EMPTY: frozenset[str] = frozenset()

PRACTICE = "practice"
MUNICIPALITY = "municipality"
PERSON = "person"
NETWORK = "network"
INSTITUTION = "institution"
PLACE = "place"
CANDIDATE_TYPES = (PRACTICE, MUNICIPALITY, PERSON, NETWORK, INSTITUTION, PLACE)


@dataclass(frozen=True)
class Candidate:
    """Something the matcher can suggest. ``key`` is stable and unique per candidate:
    ``"practice:<slug>"``, ``"municipality:<CBS code>"``, ``"person:<id>"``,
    ``"network:<slug>"``, ``"institution:<slug>"``, ``"place:<id>"``."""

    key: str
    type: str
    name: str
    text: dict[str, str]
    domains: frozenset[str] = EMPTY
    municipality: str | None = None
    province: str | None = None
    size_class: str | None = None
    border_countries: frozenset[str] = EMPTY
    countries: frozenset[str] = EMPTY
    regions: frozenset[str] = EMPTY
    linked_municipalities: frozenset[str] = EMPTY
    since: int | None = None
    maturity: str | None = None
    evaluated: bool = False
    adoptions: int = 0
    seeks: frozenset[str] = EMPTY
    level: str | None = None
    international: bool = False
    # Added to the contract: degree of urbanity (e.g. CBS "stedelijkheid" 1-5); unknown
    # when None, and then the same_urbanity signal does not apply.
    urbanity: str | None = None
    # Added for name recognition (issue 12): every name the candidate goes by (official
    # and common name, name variants, short name); empty: just ``name``. Only
    # municipalities, places abroad, networks and institutions are recognised by name.
    names: frozenset[str] = EMPTY
    # Added (issue 12): keys of the places abroad and municipalities the candidate is
    # linked to (a municipality's partners in active partnerships, a practice's places
    # abroad), for questions that name one of them. A practice also links its owner and
    # co-owners and the places abroad, networks and institutions its text names; those
    # inherit its topic evidence (the "practice_evidence" signal).
    links: frozenset[str] = EMPTY
    # Added (issue 12, tuning): a practice's owner, as a candidate key (a municipality,
    # network or institution), when the owner is a candidate; it inherits the practice's
    # evidence in full, the other links at ``Weights.linked_evidence_factor``.
    owner: str | None = None

    def __post_init__(self):
        # A wrong type or an empty key would silently never match or collide: refuse.
        if not self.key:
            raise ValueError("A candidate needs a non-empty key.")
        if self.type not in CANDIDATE_TYPES:
            raise ValueError(
                f"Candidate {self.key!r} has unknown type {self.type!r}; "
                f"expected one of {', '.join(CANDIDATE_TYPES)}."
            )


@dataclass(frozen=True)
class Asker:
    """Who asks: a municipality (its profile), or anyone else with fewer facts.

    The contract lists these fields without defaults; they have defaults here so that
    an asker without a municipality (a network, a province) can state only what it
    knows. ``partners`` and ``networks`` are candidate keys; a partner
    ``"municipality:GM0153"`` also brings that municipality's practices and people into
    the circle (the code after the colon is compared with ``Candidate.municipality``).
    """

    municipality: str | None = None
    province: str | None = None
    size_class: str | None = None
    border_countries: frozenset[str] = EMPTY
    partners: frozenset[str] = EMPTY
    networks: frozenset[str] = EMPTY
    offers: frozenset[str] = EMPTY
    # Added to the contract: CBS codes of municipalities near the asker (neighbours,
    # its regional cooperation); drives the nearby signal and counts as the circle.
    nearby: frozenset[str] = EMPTY
    urbanity: str | None = None


@dataclass(frozen=True)
class Query:
    text: str
    international: bool = False
    outside_circle: bool = False
    countries: frozenset[str] = EMPTY
    regions: frozenset[str] = EMPTY
    domains: frozenset[str] = EMPTY
    types: frozenset[str] = EMPTY
    limit: int = 10
    # Added to the contract: the year that "years of experience" count up to; the
    # current calendar year when None (tests pin it for reproducible scores).
    year: int | None = None


@dataclass(frozen=True)
class Reason:
    """One contributing signal, as data: ``code`` is the signal's name and ``params``
    what a sentence about it needs (see ``docs/matching.md``, "Signals and weights")."""

    code: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    key: str
    type: str
    name: str
    score: float
    signals: dict[str, float]
    reasons: tuple[Reason, ...]
    # Remarks that are no reason to suggest it (issue 12): "already_partner" when the
    # asker already works with it (params: {"via": "partner" | "network"}).
    notes: tuple[Reason, ...] = ()
