"""The matcher on hand-built candidate sets: ranking, signals, pools, exclusions, updates."""

import dataclasses
import random

import pytest

from kennisschakel.engines.matching import SIGNALS, Asker, Matcher, Weights
from tests.engines.matching.helpers import (
    ASKER,
    YEAR,
    S,
    candidate,
    keys,
    municipality,
    query,
    reason_codes,
)


@pytest.fixture
def build(analyzer):
    def make(*candidates, weights=None):
        return Matcher(candidates, weights, analyzer=analyzer)

    return make


# -- topic ------------------------------------------------------------------------


def test_topic_ranks_better_text_matches_first(build):
    matcher = build(
        candidate("practice:both", "Armoedebestrijding en schuldhulpverlening voor gezinnen"),
        candidate("practice:one", "Schuldhulpverlening in de wijk"),
        candidate("practice:other", "Afvalinzameling met minder ritten"),
    )
    matches = matcher.match(query("armoede schulden"))
    assert keys(matches) == ["practice:both", "practice:one"]
    best, second = matches
    # Normalised against the best hit: the best gets the full topic weight.
    assert best.signals["topic"] == pytest.approx(Weights().topic)
    assert 0 < second.signals["topic"] < best.signals["topic"]
    assert best.reasons[0].code == "topic"
    assert set(best.reasons[0].params["terms"]) == {"armoede", "schulden"}
    assert second.reasons[0].params["terms"] == ["schulden"]


def test_texts_of_all_fields_and_the_name_are_searched(build):
    matcher = build(
        dataclasses.replace(candidate("practice:a", name="Mantelzorg in de wijk"), text={}),
        dataclasses.replace(
            candidate("practice:b", "Iets anders"), text={"title": "Iets", "body": "mantelzorg"}
        ),
        candidate("institution:c", name="Kenniscentrum Mantelzorg", text=""),
    )
    assert keys(matcher.match(query("mantelzorg"))) == ["practice:a", "practice:b"]
    # An organisation's name counts as a whole name only (issue 12), never through a part.
    assert keys(matcher.match(query("Kenniscentrum Mantelzorg")))[0] == "institution:c"


def test_no_text_hit_and_nothing_else_asked_gives_no_results(build):
    matcher = build(candidate("practice:a", "Afvalinzameling"))
    assert matcher.match(query("verkeersveiligheid")) == []


def test_empty_text_browses_the_most_experienced_first(build):
    matcher = build(
        candidate("practice:new", "Iets nieuws"),
        candidate("practice:proven", "Iets beproefds", evaluated=True, adoptions=4),
        candidate("practice:used", "Iets gebruikts", maturity="running"),
    )
    assert keys(matcher.match(query(""))) == ["practice:proven", "practice:used"]


# -- each signal moves the ranking in its documented direction ----------------------

TEXT = "Armoedebestrijding in de wijk"
NETWORK_MEMBERS = [
    municipality("GM0001", "Leeg", province="PV31", size_class="gib2009-20k-50k"),
    municipality("GM0002", "Leeg", province="PV27", size_class="gib2009-0-10k"),
]

# signal: (fields of the candidate with the trait, extra query fields, asker, extra
# candidates). The plain rival has the same text and a key that sorts first, so the
# candidate with the trait can only come first through the signal.
SIGNAL_CASES = {
    "domain": ({"domains": S({"armoede-en-schulden"})}, {"domains": S({"armoede-en-schulden"})}),
    "same_size": ({"size_class": "gib2009-20k-50k"}, {}),
    "same_urbanity": ({"urbanity": "3"}, {}, dataclasses.replace(ASKER, urbanity="3")),
    "same_province": ({"province": "PV31"}, {}),
    "nearby": ({"municipality": "GM0957"}, {}, dataclasses.replace(ASKER, nearby=S({"GM0957"}))),
    "border": ({"border_countries": S({"BE", "DE"})}, {}),
    "evaluated": ({"evaluated": True}, {}),
    "maturity": ({"maturity": "running"}, {}),
    "adoptions": ({"adoptions": 2}, {}),
    "experience_years": ({"since": 2010}, {}),
    "partnership_in_country": (
        {"countries": S({"CN"}), "regions": S({"oost-azie"})},
        {"countries": S({"CN"})},
    ),
    "located_in_country": ({"type": "place", "countries": S({"CN"})}, {"countries": S({"CN"})}),
    "place_linked": ({"type": "place", "linked_municipalities": S({"GM0003"})}, {}),
    "works_internationally": ({"international": True}, {"international": True}),
    "seeks_your_offer": (
        {"seeks": S({"afval-en-milieu"})},
        {},
        dataclasses.replace(ASKER, offers=S({"afval-en-milieu", "jeugd"})),
    ),
    "network_members": (
        {"type": "network", "linked_municipalities": S({"GM0001", "GM0002"})},
        {},
        ASKER,
        NETWORK_MEMBERS,
    ),
    "outside_region": ({"province": "PV20"}, {"outside_circle": True}),
}


@pytest.mark.parametrize("signal", sorted(SIGNAL_CASES))
def test_each_signal_moves_its_candidate_up(build, signal):
    case = SIGNAL_CASES[signal]
    trait, query_fields, asker, extra = (*case, *(ASKER, [])[len(case) - 2 :])
    kind = trait.get("type", "practice")
    plain_fields = {"type": kind}
    if signal == "outside_region":
        plain_fields["province"] = ASKER.province  # the rival sits inside the circle
    if signal == "network_members":
        plain_fields["linked_municipalities"] = S({"GM0002"})
    plain = candidate(f"{kind}:a-plain", TEXT, **plain_fields)
    special = candidate(f"{kind}:b-with", TEXT, **trait)
    matcher = build(plain, special, *extra)
    matches = matcher.match(query("armoedebestrijding", **query_fields), asker)

    assert keys(matches)[:2] == [special.key, plain.key]
    assert matches[0].signals[signal] > 0
    assert signal in reason_codes(matches[0])
    assert signal not in reason_codes(matches[1])
    # Without the asker's side of the signal (weight 0) the tie falls back to the key.
    off = build(plain, special, *extra, weights=Weights().with_changes(**{signal: 0.0}))
    if signal == "outside_region":
        off = build(
            plain,
            special,
            *extra,
            weights=Weights().with_changes(outside_region=0.0, inside_circle=0.0),
        )
    assert keys(off.match(query("armoedebestrijding", **query_fields), asker))[:2] == [
        plain.key,
        special.key,
    ]


def test_the_signal_cases_cover_every_positive_signal():
    # The signals about names in the question (and the already_partner malus) have their
    # own tests in test_names.py; the balance between candidate types in test_balance.py.
    by_names = {"named", "linked_to_named", "already_partner"}
    by_balance = {"practice_evidence", "type_asked"}
    assert set(SIGNAL_CASES) | {"topic", "inside_circle"} | by_names | by_balance == set(SIGNALS)


def test_more_evidence_counts_more_but_saturates(build):
    matcher = build(
        candidate("practice:a", TEXT, adoptions=1),
        candidate("practice:b", TEXT, adoptions=5),
        candidate("practice:c", TEXT, adoptions=50),
        candidate("practice:d", TEXT, adoptions=500),
    )
    by_key = {m.key: m.signals["adoptions"] for m in matcher.match(query("armoede"))}
    assert by_key["practice:a"] < by_key["practice:b"] < by_key["practice:c"]
    assert by_key["practice:c"] == by_key["practice:d"] == pytest.approx(Weights().adoptions)
    weights = Weights()
    match = build(candidate("practice:a", TEXT, since=YEAR - 3)).match(query("armoede"))[0]
    assert match.signals["experience_years"] == pytest.approx(
        weights.experience_years * 3 / weights.years_saturation
    )
    assert match.reasons[-1].params == {"since": YEAR - 3, "years": 3}


def test_a_future_or_current_start_gives_no_experience(build):
    matcher = build(candidate("practice:a", TEXT, since=YEAR), candidate("practice:b", TEXT))
    for match in matcher.match(query("armoede")):
        assert match.signals["experience_years"] == 0
        assert "experience_years" not in reason_codes(match)


def test_region_only_counts_region_factor(build):
    matcher = build(
        candidate("municipality:GM0001", TEXT, municipality="GM0001", countries=S({"JP"}),
                  regions=S({"oost-azie"})),
        candidate("municipality:GM0002", TEXT, municipality="GM0002", countries=S({"CN"}),
                  regions=S({"oost-azie"})),
    )  # fmt: skip
    asked = query("armoede", countries=S({"CN"}), regions=S({"oost-azie"}))
    first, second = matcher.match(asked)
    weights = Weights()
    assert first.key == "municipality:GM0002"
    assert first.signals["partnership_in_country"] == pytest.approx(weights.partnership_in_country)
    assert second.signals["partnership_in_country"] == pytest.approx(
        weights.partnership_in_country * weights.region_factor
    )
    assert second.reasons[1].params == {"countries": [], "regions": ["oost-azie"]}


def test_network_members_reason_counts_the_members_like_the_asker(build):
    matcher = build(
        *NETWORK_MEMBERS,
        municipality("GM0003", "Leeg", province="PV20", border_countries=S({"BE"})),
        candidate("network:n", TEXT, linked_municipalities=S({"GM0001", "GM0002", "GM0003",
                                                                "GM0988", "GM9999"})),
    )  # fmt: skip
    (match,) = matcher.match(query("armoede"), ASKER)
    reason = next(r for r in match.reasons if r.code == "network_members")
    # GM0988 is the asker, GM9999 unknown to the matcher: 3 members count.
    assert reason.params == {
        "similar": 2,
        "members": 3,
        "same_size": 1,
        "same_province": 1,
        "border": 1,
    }
    assert match.signals["network_members"] == pytest.approx(Weights().network_members * 2 / 3)


# -- international questions ----------------------------------------------------------


def weert_world():
    return [
        municipality("GM0988", "Weert", province="PV31"),  # the asker
        municipality("GM0153", "Enschede", countries=S({"CN", "DE"}), regions=S({"oost-azie"}),
                     since=2008, international=True),
        municipality("GM0202", "Arnhem", countries=S({"DE"})),
        candidate("place:1", "Zhuhai", type="place", countries=S({"CN"}),
                  regions=S({"oost-azie"}), linked_municipalities=S({"GM0153"})),
        candidate("place:2", "Osaka", type="place", countries=S({"JP"}),
                  regions=S({"oost-azie"}), linked_municipalities=S({"GM0202"})),
        candidate("practice:p", "Samenwerking met een stad in het buitenland",
                  municipality="GM0344"),
    ]  # fmt: skip


def test_international_question_brings_places_and_municipalities_without_a_text_hit(build):
    matcher = build(*weert_world())
    weert = dataclasses.replace(ASKER, municipality="GM0988")
    text = "Wij zoeken contact met een Chinese stad"
    asked = query(text, international=True, countries=S({"CN"}))
    matches = matcher.match(asked, weert)
    assert keys(matches)[:2] == ["municipality:GM0153", "place:1"]
    assert "place:2" not in keys(matches) and "municipality:GM0202" not in keys(matches)
    enschede, zhuhai = matches[:2]
    assert enschede.signals["topic"] == 0 and "topic" not in reason_codes(enschede)
    assert enschede.reasons[0].params["countries"] == ["CN"]
    assert reason_codes(zhuhai) == ["located_in_country", "place_linked"]
    # Not marked international: countries alone do not widen the pool.
    plain = matcher.match(query(text, countries=S({"CN"})), weert)
    assert "place:1" not in keys(plain)


def test_asked_regions_widen_the_pool_at_region_factor(build):
    matcher = build(*weert_world())
    asked = query("Wij zoeken een stad in Azië", international=True, regions=S({"oost-azie"}))
    by_key = {m.key: m for m in matcher.match(asked)}
    assert {"place:1", "place:2", "municipality:GM0153"} <= by_key.keys()
    weights = Weights()
    assert by_key["place:2"].signals["located_in_country"] == pytest.approx(
        weights.located_in_country * weights.region_factor
    )


def test_country_pool_is_per_type_so_places_do_not_crowd_out_municipalities(build):
    places = [
        candidate(f"place:{n}", f"Zhuhai {n}", type="place", countries=S({"CN"}),
                  linked_municipalities=S({f"GM{n:04d}"}))
        for n in range(20)
    ]  # fmt: skip
    matcher = build(
        *places,
        municipality("GM0153", "Enschede", countries=S({"CN"})),
        weights=Weights(country_pool=3),
    )
    asked = query("Chinese stad", international=True, countries=S({"CN"}), limit=50)
    found = keys(matcher.match(asked))
    assert "municipality:GM0153" in found
    assert sum(key.startswith("place:") for key in found) == 3


def test_text_hits_beyond_the_topic_pool_still_get_their_topic_score(build):
    many = [candidate(f"practice:{n:02d}", "Armoede armoede armoede") for n in range(5)]
    late = candidate("place:x", "Armoede", type="place", countries=S({"CN"}))
    matcher = build(*many, late, weights=Weights(topic_pool=2))
    asked = query("armoede", international=True, countries=S({"CN"}), limit=20)
    by_key = {m.key: m for m in matcher.match(asked)}
    assert len(by_key) == 3  # two best text hits + the place through the country pool
    assert 0 < by_key["place:x"].signals["topic"] < Weights().topic
    assert "topic" in reason_codes(by_key["place:x"])


def test_domain_question_brings_candidates_in_that_domain(build):
    matcher = build(
        candidate("practice:a", "Iets heel anders", domains=S({"jeugd"})),
        candidate("practice:b", "Ook iets anders", domains=S({"wonen"})),
    )
    matches = matcher.match(query("jongeren", domains=S({"jeugd"})))
    assert keys(matches) == ["practice:a"]
    assert reason_codes(matches[0]) == ["domain"]


# -- exclusions, types, limit -----------------------------------------------------------


def test_the_asker_its_practices_and_people_are_excluded(build):
    matcher = build(
        municipality("GM0988", TEXT),
        candidate("practice:own", TEXT, municipality="GM0988"),
        candidate("person:1", TEXT, municipality="GM0988"),
        candidate("practice:other", TEXT, municipality="GM0153"),
        candidate("place:1", TEXT, type="place", countries=S({"BE"}),
                  linked_municipalities=S({"GM0988"})),
    )  # fmt: skip
    asked = query("armoede", international=True, countries=S({"BE"}))
    assert keys(matcher.match(asked, ASKER)) == ["place:1", "practice:other"]
    assert len(matcher.match(asked)) == 5  # without an asker nothing is excluded


def test_the_best_hit_for_normalising_is_not_the_askers_own(build):
    matcher = build(
        candidate("practice:own", "Armoede armoede armoede", municipality="GM0988"),
        candidate("practice:other", "Armoede", municipality="GM0153"),
    )
    (match,) = matcher.match(query("armoede"), ASKER)
    assert match.signals["topic"] == pytest.approx(Weights().topic)


def test_types_restrict_every_pool(build):
    matcher = build(*weert_world(), candidate("person:7", "Contact met China"))
    asked = query("China", international=True, countries=S({"CN"}), types=S({"place", "person"}))
    assert set(keys(matcher.match(asked))) == {"place:1", "person:7"}


def test_limit(build):
    matcher = build(*(candidate(f"practice:{n}", TEXT) for n in range(30)))
    assert len(matcher.match(query("armoede"))) == 10
    assert len(matcher.match(query("armoede", limit=25))) == 25
    assert matcher.match(query("armoede", limit=0)) == []


def test_a_candidate_without_any_positive_contribution_is_dropped(build):
    matcher = build(candidate("practice:a", TEXT), weights=Weights(topic=0.0))
    assert matcher.match(query("armoede")) == []


# -- buiten de vaste kring ---------------------------------------------------------------


def circle_world():
    return [
        municipality("GM0001", TEXT, province="PV31"),  # same province
        municipality("GM0002", TEXT, province="PV20"),  # partner
        candidate("practice:of-partner", TEXT, municipality="GM0002", province="PV20"),
        municipality("GM0003", TEXT, province="PV21"),  # nearby (other province)
        municipality("GM0004", TEXT, province="PV22"),  # outside
        candidate("network:mine", TEXT),
        candidate("network:other", TEXT),
        candidate("place:twin", TEXT, type="place", linked_municipalities=S({"GM0988"})),
        candidate("place:far", TEXT, type="place", linked_municipalities=S({"GM0004"})),
    ]


CIRCLE_ASKER = dataclasses.replace(
    ASKER,
    partners=S({"municipality:GM0002"}),
    networks=S({"network:mine"}),
    nearby=S({"GM0003"}),
)


def test_outside_circle_favours_candidates_outside_the_circle(build):
    matcher = build(*circle_world())
    matches = matcher.match(query("armoede", outside_circle=True, limit=20), CIRCLE_ASKER)
    outside = {"municipality:GM0004", "network:other", "place:far"}
    ranked = keys(matches)
    assert set(ranked[:3]) == outside
    for match in matches:
        if match.key in outside:
            assert match.signals["outside_region"] > 0
            assert "outside_region" in reason_codes(match)
        else:
            assert match.signals["inside_circle"] < 0
            assert "inside_circle" not in reason_codes(match)  # a malus is never a reason
        # Proximity is not rewarded when the asker looks beyond it.
        assert match.signals["same_province"] == match.signals["nearby"] == 0


def test_outside_circle_off_changes_no_score(build):
    """Off, the circle (partners, networks) and the diversity weights play no role
    (apart from already_partner, issue 12, switched off here: see test_names.py)."""
    world = circle_world()
    asked = query("armoede", limit=20)
    plain = Weights().with_changes(already_partner=0.0)
    reference = build(*world, weights=plain).match(
        asked, dataclasses.replace(CIRCLE_ASKER, partners=S(), networks=S())
    )
    other_weights = plain.with_changes(outside_region=0.9, inside_circle=-0.9)
    assert build(*world, weights=plain).match(asked, CIRCLE_ASKER) == reference
    assert build(*world, weights=other_weights).match(asked, CIRCLE_ASKER) == reference
    assert build(*world, weights=plain).match(dataclasses.replace(asked, outside_circle=False),
                                              CIRCLE_ASKER) == reference  # fmt: skip
    for match in reference:
        assert match.signals["outside_region"] == match.signals["inside_circle"] == 0


def test_outside_circle_without_an_asker_does_nothing(build):
    matcher = build(*circle_world())
    assert matcher.match(query("armoede", outside_circle=True, limit=20)) == matcher.match(
        query("armoede", limit=20)
    )


# -- determinism -----------------------------------------------------------------------


def test_ties_are_broken_by_key_whatever_the_insertion_order(analyzer):
    world = [candidate(f"practice:{name}", TEXT) for name in ("delta", "alfa", "charlie", "bravo")]
    expected = ["practice:alfa", "practice:bravo", "practice:charlie", "practice:delta"]
    rng = random.Random(3)
    for _ in range(5):
        rng.shuffle(world)
        matcher = Matcher(world, analyzer=analyzer)
        assert keys(matcher.match(query("armoede"))) == expected


def test_same_question_same_answer(build):
    matcher = build(*weert_world(), *circle_world())
    asked = query("armoede stad China", international=True, countries=S({"CN"}), limit=50)
    first = matcher.match(asked, CIRCLE_ASKER)
    assert matcher.match(asked, CIRCLE_ASKER) == first
    assert build(*reversed(weert_world() + circle_world())).match(asked, CIRCLE_ASKER) == first


# -- incremental updates -----------------------------------------------------------------


def test_add_replace_and_remove(build):
    matcher = build(candidate("practice:a", "Afvalinzameling"))
    assert matcher.match(query("armoede")) == []

    matcher.add(candidate("practice:b", TEXT, municipality="GM0153"))
    assert keys(matcher.match(query("armoede"))) == ["practice:b"]
    assert "practice:b" in matcher and len(matcher) == 2

    # Replacing moves the practice to the asker: it is now the asker's own.
    matcher.add(candidate("practice:b", TEXT, municipality="GM0988"))
    assert len(matcher) == 2
    assert matcher.get("practice:b").municipality == "GM0988"
    assert matcher.match(query("armoede"), ASKER) == []
    assert keys(matcher.match(query("armoede"))) == ["practice:b"]

    matcher.remove("practice:b")
    matcher.remove("practice:unknown")  # ignored
    assert matcher.match(query("armoede")) == []
    assert "practice:b" not in matcher and len(matcher) == 1

    matcher.add_many([candidate(f"practice:n{n}", TEXT) for n in range(3)])
    assert len(matcher.match(query("armoede"))) == 3


def test_replacing_a_municipality_updates_network_member_profiles(build):
    matcher = build(
        municipality("GM0001", "Leeg", province="PV20"),
        candidate("network:n", TEXT, linked_municipalities=S({"GM0001"})),
    )
    assert matcher.match(query("armoede"), ASKER)[0].signals["network_members"] == 0
    matcher.add(municipality("GM0001", "Leeg", province=ASKER.province))
    assert matcher.match(query("armoede"), ASKER)[0].signals["network_members"] > 0
    matcher.remove("municipality:GM0001")
    assert matcher.match(query("armoede"), ASKER)[0].signals["network_members"] == 0


def test_many_updates_through_compaction_keep_results_equal_to_a_fresh_build(build):
    world = [candidate(f"practice:{n:03d}", f"{TEXT} {n}", adoptions=n % 4) for n in range(120)]
    matcher = build(*world[:60])
    for item in world[60:]:
        matcher.add(item)
    for item in world[:40]:
        matcher.remove(item.key)
    asked = query("armoede", limit=100)
    assert matcher.match(asked) == build(*world[40:]).match(asked)


def test_an_asker_without_municipality(build):
    matcher = build(municipality("GM0001", TEXT, province="PV31"))
    (match,) = matcher.match(query("armoede"), Asker(province="PV31"))
    assert reason_codes(match) == ["topic", "same_province"]


def test_terms_are_looked_up_for_the_shown_results_only(build, monkeypatch):
    """The per-hit term lookup is the costly part of a big pool (docs/performance.md)."""
    from kennisschakel.engines.text.search import SearchIndex

    calls = []
    original = SearchIndex._matched_terms

    def counting(page, postings):
        calls.extend(page.tolist())
        return original(page, postings)

    monkeypatch.setattr(SearchIndex, "_matched_terms", staticmethod(counting))
    matcher = build(*(candidate(f"practice:{n:03d}", f"{TEXT} schulden") for n in range(200)))
    matches = matcher.match(query("armoede schulden", limit=5))
    assert len(matches) == 5
    assert len(calls) == 5  # slots looked up: the five shown, not the pool
    assert all(set(m.reasons[0].params["terms"]) == {"armoede", "schulden"} for m in matches)
