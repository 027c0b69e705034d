"""A matcher saved to disk and opened again ranks and explains exactly like the original,
also after both take the same changes; the opened one reads its arrays from the files."""

import random

import numpy as np
import pytest

from kennisschakel.engines.matching import Asker, Candidate, Matcher, Query
from kennisschakel.engines.matching.persist import StaleIndex
from kennisschakel.engines.matching.store import Layered
from tests.engines.matching.helpers import YEAR

S = frozenset
WORDS = [
    "armoede",
    "schuldhulpverlening",
    "jongeren",
    "energie",
    "warmtetransitie",
    "klimaatadaptatie",
    "water",
    "onderwijs",
    "cultuur",
    "sport",
    "stedenband",
    "jumelage",
    "economie",
    "haven",
    "landbouw",
    "zorg",
    "wonen",
    "mobiliteit",
    "fiets",
    "digitalisering",
    "veiligheid",
    "participatie",
    "inburgering",
    "statushouders",
]
COUNTRIES = ["DE", "BE", "CN", "MA", "TR", "FR", "PL", "GH"]
DOMAINS = ["sociaal", "klimaat", "economie", "onderwijs", "cultuur"]
CODES = [f"GM{n:04d}" for n in range(1, 41)]


def world(seed: int = 11) -> list[Candidate]:
    rng = random.Random(seed)

    def text(n):
        return " ".join(rng.choice(WORDS) for _ in range(n))

    candidates = []
    for code in CODES:
        candidates.append(
            Candidate(
                key=f"municipality:{code}",
                type="municipality",
                name=f"Gemeente {code}",
                text={"title": f"Gemeente {code}", "body": text(40)},
                domains=S(rng.sample(DOMAINS, 2)),
                municipality=code,
                province=f"PV{rng.randint(20, 30)}",
                size_class=rng.choice(["klein", "middel", "groot"]),
                border_countries=S(rng.sample(["DE", "BE"], rng.randint(0, 1))),
                countries=S(rng.sample(COUNTRIES, rng.randint(0, 2))),
                since=rng.choice([None, 1990, 2005]),
                seeks=S(rng.sample(DOMAINS, 1)),
            )
        )
    for number in range(400):
        code = rng.choice(CODES)
        candidates.append(
            Candidate(
                key=f"practice:p{number}",
                type="practice",
                name=f"Praktijk {number}",
                text={"title": text(6), "summary": text(20), "body": text(80)},
                domains=S(rng.sample(DOMAINS, rng.randint(0, 2))),
                municipality=code,
                province="PV22",
                maturity=rng.choice([None, "idea", "pilot", "running", "evaluated"]),
                adoptions=rng.choice([0, 0, 1, 4]),
                since=rng.choice([None, 2010, 2020]),
            )
        )
    for number in range(80):
        candidates.append(
            Candidate(
                key=f"place:{number}",
                type="place",
                name=f"Stad {number}",
                text={"title": f"Stad {number}", "body": text(15)},
                countries=S([rng.choice(COUNTRIES)]),
                regions=S(["west-europa"]),
                linked_municipalities=S(rng.sample(CODES, rng.randint(1, 3))),
                international=True,
            )
        )
    candidates.append(
        Candidate(
            key="network:energie",
            type="network",
            name="Energienetwerk",
            text={"title": "Energienetwerk", "body": text(30)},
            linked_municipalities=S(CODES[:12]),
        )
    )
    return candidates


def questions() -> list[tuple[Query, Asker | None]]:
    rng = random.Random(5)
    mix = []
    for number in range(60):
        code = rng.choice(CODES)
        asker = Asker(
            municipality=code,
            province="PV22",
            size_class="middel",
            border_countries=S(["DE"]),
            partners=S([f"municipality:{rng.choice(CODES)}"]),
            offers=S(rng.sample(DOMAINS, 2)),
            nearby=S(rng.sample(CODES, 3)),
        )
        query = Query(
            text=" ".join(rng.sample(WORDS, rng.randint(1, 3))),
            international=number % 3 == 0,
            countries=S(rng.sample(COUNTRIES, 1)) if number % 3 == 0 else S(),
            outside_circle=number % 4 == 0,
            domains=S(rng.sample(DOMAINS, 1)) if number % 5 == 0 else S(),
            year=YEAR,
        )
        mix.append((query, asker if number % 7 else None))
    mix.append((Query(text="", domains=S(["klimaat"]), year=YEAR), None))  # browse
    return mix


def answers(matcher: Matcher) -> list:
    return [matcher.match(query, asker) for query, asker in questions()]


@pytest.fixture
def saved(tmp_path):
    original = Matcher(world())
    original.save(tmp_path / "matcher", meta={"seq": 7})
    return original, tmp_path / "matcher"


def test_opened_matcher_ranks_and_explains_exactly_like_the_saved_one(saved):
    original, directory = saved
    opened = Matcher.open(directory)
    assert opened.meta == {"seq": 7}
    assert len(opened) == len(original)
    expected = answers(original)
    assert sum(len(found) for found in expected) > 300  # the questions do find things
    assert answers(opened) == expected  # keys, scores, signals and reasons
    assert opened.get("practice:p3") == original.get("practice:p3").__class__(
        **{**original.get("practice:p3").__dict__, "text": {}}
    )  # everything but the texts, which only the index needs


def test_opened_matcher_maps_its_arrays_instead_of_loading_them(saved):
    _original, directory = saved
    opened = Matcher.open(directory)
    postings = opened._index._store.base_sat
    assert isinstance(postings, np.memmap) or isinstance(postings.base, np.memmap)
    assert not postings.flags.writeable  # shared pages, never written


def test_changes_after_opening_give_the_same_answers_as_in_memory(saved):
    original, directory = saved
    opened = Matcher.open(directory)
    # An opened matcher never compacts its saved part (that would copy it into the
    # process); compare it with an in-memory one that does not compact either.
    original._index.auto_compact = False
    rng = random.Random(3)
    changed = [
        Candidate(
            key=f"practice:p{n}",
            type="practice",
            name=f"Nieuw {n}",
            text={"title": "warmtetransitie met jongeren", "body": "fiets haven"},
            municipality=rng.choice(CODES),
            maturity="evaluated",
        )
        for n in range(0, 30)
    ] + [
        Candidate(
            key="practice:brand-new",
            type="practice",
            name="Zonnepanelen op scholen",
            text={"title": "zonnepanelen op scholen", "body": "energie onderwijs"},
            municipality="GM0001",
        )
    ]
    for matcher in (original, opened):
        for candidate in changed:
            matcher.add(candidate)
        for n in range(100, 140):
            matcher.remove(f"practice:p{n}")
        matcher.remove("municipality:GM0002")
    assert len(opened) == len(original)
    assert "practice:p120" not in opened and opened.get("practice:p120") is None
    assert opened.get("practice:brand-new").name == "Zonnepanelen op scholen"
    assert answers(opened) == answers(original)
    found = opened.match(Query(text="zonnepanelen", year=YEAR))
    # The new practice, then its municipality through the practice (practice_evidence).
    assert [match.key for match in found] == ["practice:brand-new", "municipality:GM0001"]
    assert found[1].reasons[0].params["key"] == "practice:brand-new"


def test_a_directory_saved_with_other_weights_is_refused(saved):
    original, directory = saved
    other = original.weights.with_changes(topic=original.weights.topic + 1)
    with pytest.raises(StaleIndex):
        Matcher.open(directory, weights=other)


def test_layered_mapping_counts_and_iterates_base_and_changes():
    layered = Layered({"a": 1, "b": 2})
    layered["c"] = 3
    layered["a"] = 10
    del layered["b"]
    assert dict(layered) == {"a": 10, "c": 3} and len(layered) == 2
    del layered["a"]
    assert "a" not in layered and len(layered) == 1
    layered["b"] = 20
    assert dict(layered) == {"b": 20, "c": 3} and len(layered) == 2
    with pytest.raises(KeyError):
        del layered["zzz"]
