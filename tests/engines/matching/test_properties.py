"""Properties that hold for any data: checked on seeded random candidate sets."""

import dataclasses
import random

import pytest

from kennisschakel.engines.matching import SIGNALS, Asker, Candidate, Matcher, Query, Weights
from kennisschakel.engines.matching.weights import MALUS_SIGNALS

WORDS = ["armoede", "schulden", "jeugd", "zorg", "afval", "energie", "wijk", "samenwerking"]
WORDS += [
    "stad",
    "stedenband",
    "onderwijs",
    "mantelzorg",
    "klimaat",
    "water",
    "fiets",
    "bibliotheek",
]
TYPES = ("practice", "municipality", "person", "network", "institution", "place")
PROVINCES = ("PV20", "PV21", "PV22")
SIZES = ("s1", "s2", "s3")
COUNTRIES = ("CN", "DE", "BE", "MA", "TR")
REGIONS = ("oost-azie", "west-europa", "noord-afrika")
DOMAINS = ("jeugd", "wonen", "afval", "armoede", "water")
MATURITIES = (None, "idea", "pilot", "running", "evaluated", "stopped")
CODES = tuple(f"GM{n:04d}" for n in range(1, 13))


def some(rng, values, most=2):
    return frozenset(rng.sample(values, rng.randint(0, most)))


def random_candidate(rng: random.Random, number: int) -> Candidate:
    kind = rng.choice(TYPES)
    code = rng.choice(CODES)
    municipal = kind in ("practice", "municipality", "person")
    return Candidate(
        key=f"{kind}:{code if kind == 'municipality' else number}",
        type=kind,
        name=f"{kind} {number}",
        text={
            "title": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
            "body": " ".join(rng.choices(WORDS, k=rng.randint(0, 12))),
        },
        domains=some(rng, DOMAINS),
        municipality=code if municipal else None,
        province=rng.choice(PROVINCES) if municipal else None,
        size_class=rng.choice((None, *SIZES)) if municipal else None,
        border_countries=some(rng, ("BE", "DE"), 1) if municipal else frozenset(),
        countries=some(rng, COUNTRIES),
        regions=some(rng, REGIONS, 1),
        linked_municipalities=some(rng, CODES, 4),
        since=rng.choice((None, 1990, 2010, 2024, 2030)),
        maturity=rng.choice(MATURITIES),
        evaluated=rng.random() < 0.2,
        adoptions=rng.choice((0, 0, 1, 3, 20)),
        seeks=some(rng, DOMAINS),
        level=rng.choice((None, "local", "international")),
        international=rng.random() < 0.3,
        urbanity=rng.choice((None, "1", "2")),
    )


def random_asker(rng: random.Random) -> Asker | None:
    if rng.random() < 0.15:
        return None
    return Asker(
        municipality=rng.choice(CODES),
        province=rng.choice((None, *PROVINCES)),
        size_class=rng.choice((None, *SIZES)),
        border_countries=some(rng, ("BE", "DE"), 1),
        partners=frozenset(f"municipality:{c}" for c in some(rng, CODES, 3)),
        networks=frozenset(),
        offers=some(rng, DOMAINS, 3),
        nearby=some(rng, CODES, 2),
        urbanity=rng.choice((None, "1", "2")),
    )


def random_query(rng: random.Random) -> Query:
    return Query(
        text=" ".join(rng.choices(WORDS, k=rng.randint(0, 3))),
        international=rng.random() < 0.5,
        outside_circle=rng.random() < 0.5,
        countries=some(rng, COUNTRIES),
        regions=some(rng, REGIONS, 1),
        domains=some(rng, DOMAINS),
        types=some(rng, TYPES, 2) if rng.random() < 0.3 else frozenset(),
        limit=rng.choice((5, 20, 200)),
        year=2025,
    )


def random_weights(rng: random.Random) -> Weights:
    # Some signals switched off, the others at random strengths.
    changes = {}
    for name in SIGNALS:
        roll = rng.random()
        if roll < 0.15:
            changes[name] = 0.0
        elif roll < 0.5:
            changes[name] = round(rng.uniform(0.01, 1.0), 3) * (-1 if name in MALUS_SIGNALS else 1)
    return Weights().with_changes(**changes)


@pytest.fixture(scope="module")
def worlds(analyzer):
    rng = random.Random(20261126)
    built = []
    for _ in range(4):
        candidates = [random_candidate(rng, n) for n in range(150)]
        weights = random_weights(rng) if built else Weights()
        built.append((Matcher(candidates, weights, analyzer=analyzer), rng.random()))
    return built


def test_reasons_are_exactly_the_positive_contributions(worlds):
    rng = random.Random(7)
    checked = 0
    for matcher, _seed in worlds:
        for _ in range(60):
            asker, asked = random_asker(rng), random_query(rng)
            matches = matcher.match(asked, asker)
            assert len(matches) <= asked.limit
            for match in matches:
                assert list(match.signals) == list(SIGNALS)
                positive = {name for name, value in match.signals.items() if value > 0}
                codes = [reason.code for reason in match.reasons]
                assert len(codes) == len(set(codes))  # one reason per signal
                assert set(codes) == positive  # never a reason for a non-contributor
                assert codes  # every suggestion is explained
                assert match.score == pytest.approx(sum(match.signals.values()))
                contributions = [match.signals[code] for code in codes]
                assert contributions == sorted(contributions, reverse=True)
                for name, value in match.signals.items():
                    weight = matcher.weights.signal(name)
                    # A contribution never exceeds its weight (values lie in 0..1).
                    assert abs(value) <= abs(weight) + 1e-9
                checked += 1
            # Ordered by score, ties by key; never the asker's own.
            # (What the asker already has comes last, issue 12.)
            order = [(bool(m.notes), -m.score, m.key) for m in matches]
            assert order == sorted(order)
            if asker and asker.municipality:
                for match in matches:
                    assert matcher.get(match.key).municipality != asker.municipality
                    assert match.key != f"municipality:{asker.municipality}"
            if asked.types:
                assert {m.type for m in matches} <= asked.types
    assert checked > 1000


def test_outside_circle_off_is_identical_to_no_diversity_at_all(worlds, analyzer):
    rng = random.Random(11)
    for matcher, _seed in worlds:
        silent = Matcher(
            list(matcher),
            matcher.weights.with_changes(outside_region=0.0, inside_circle=0.0),
            analyzer=analyzer,
        )
        for _ in range(30):
            asker = random_asker(rng)
            asked = dataclasses.replace(random_query(rng), outside_circle=False)
            result = matcher.match(asked, asker)
            assert result == silent.match(asked, asker)
            for match in result:
                assert match.signals["outside_region"] == match.signals["inside_circle"] == 0


def test_matching_is_deterministic(worlds, analyzer):
    rng = random.Random(5)
    matcher, _seed = worlds[0]
    shuffled = list(matcher)
    rng.shuffle(shuffled)
    rebuilt = Matcher(shuffled, matcher.weights, analyzer=analyzer)
    for _ in range(30):
        asker, asked = random_asker(rng), random_query(rng)
        assert matcher.match(asked, asker) == rebuilt.match(asked, asker)
