"""Balance between candidate types (issue 12, tuning): what a municipality or organisation
inherits from its practices, the kind of suggestion a question asks for, and the topic of
short register texts measured against their own type."""

import dataclasses

import pytest

from kennisschakel.engines.matching import Matcher, Weights
from kennisschakel.engines.matching.entities import asked_types
from tests.engines.matching.helpers import (
    ASKER,
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


def by_key(matches):
    return {match.key: match for match in matches}


# -- practice_evidence ----------------------------------------------------------------


def test_a_municipality_inherits_its_practice_and_comes_right_after_it(build):
    practice = candidate(
        "practice:loket",
        "Eén loket voor bijstand en Wmo samengevoegd",
        municipality="GM0518",
        owner="municipality:GM0518",
    )
    matcher = build(
        practice,
        municipality("GM0518", "Stedenband met Nablus"),  # its own text does not match
        municipality("GM0034", "Nieuwe stad aan het water"),
        candidate("practice:other", "Loket voor ondernemers"),
    )
    matches = matcher.match(query("loket bijstand Wmo"))
    assert keys(matches)[:2] == ["practice:loket", "municipality:GM0518"]
    inherited = by_key(matches)["municipality:GM0518"]
    assert inherited.signals["topic"] == 0
    assert inherited.signals["practice_evidence"] == pytest.approx(Weights().practice_evidence)
    reason = inherited.reasons[0]
    assert reason.code == "practice_evidence"
    assert reason.params == {"practice": practice.name, "key": "practice:loket"}
    assert "municipality:GM0034" not in keys(matches)  # no practice, no text: nothing


def test_own_text_and_inherited_evidence_are_not_added_up(build):
    # The municipality's text holds its practice's text already: the larger counts.
    matcher = build(
        candidate("practice:p", "Afvalscheiding op scholen", municipality="GM0392"),
        municipality("GM0392", "Afvalscheiding op scholen"),
    )
    found = by_key(matcher.match(query("afvalscheiding scholen")))["municipality:GM0392"]
    assert found.signals["topic"] == pytest.approx(1.0)
    assert found.signals["practice_evidence"] == 0
    assert "practice_evidence" not in reason_codes(found)


def test_co_owners_and_named_organisations_inherit_at_the_linked_factor(build):
    practice = candidate(
        "practice:estafette",
        "Stedenestafette armoedebestrijding",
        owner="institution:vji",
        links=S({"institution:movisie", "network:alliantie"}),
    )
    matcher = build(
        practice,
        candidate("institution:vji", "Onderzoeksinstituut sociale vraagstukken"),
        candidate("institution:movisie", "Kennisinstituut sociaal domein"),
        candidate("network:alliantie", "Samenwerkingsverband"),
    )
    found = by_key(matcher.match(query("armoedebestrijding")))
    weights = Weights()
    assert found["institution:vji"].signals["practice_evidence"] == pytest.approx(
        weights.practice_evidence
    )
    for key in ("institution:movisie", "network:alliantie"):
        assert found[key].signals["practice_evidence"] == pytest.approx(
            weights.practice_evidence * weights.linked_evidence_factor
        )
    off = build(*matcher, weights=weights.with_changes(practice_evidence=0.0))
    assert keys(off.match(query("armoedebestrijding"))) == ["practice:estafette"]


def test_places_and_the_askers_own_candidates_inherit_nothing(build):
    matcher = build(
        candidate(
            "practice:twifo",
            "Basisadministratie in Twifo",
            municipality="GM0880",
            links=S({"place:1"}),
        ),
        candidate("place:1", "Ghana", name="Twifo"),
        municipality("GM0880", "Wormerland"),
    )
    found = keys(matcher.match(query("basisadministratie")))
    assert "place:1" not in found and "municipality:GM0880" in found
    asker = dataclasses.replace(ASKER, municipality="GM0880")
    assert keys(matcher.match(query("basisadministratie"), asker)) == []


# -- type_asked ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Welk onderzoeksinstituut kan ons armoedebeleid doorlichten?", {"institution"}),
        ("Is er een netwerk van universiteitssteden?", {"network"}),  # the first after a cue
        ("We zoeken een plattelandsgemeente van onze omvang", {"municipality"}),
        ("Hogeschool gezocht met kennis van zonne-energie", {"institution"}),
        ("Welke Duitse steden hebben al een band?", {"municipality", "place"}),
        ("Which network helps cities with heat stress?", {"network"}),
        ("Welke gemeenten en organisaties helpen?", {"municipality"}),  # the first only
        ("Hoe leggen we als gemeente beter de verbinding?", set()),  # no cue: no question
        ("armoede in de wijk", set()),
    ],
)
def test_the_kind_of_suggestion_a_question_asks_for(analyzer, text, expected):
    assert asked_types(analyzer.name_words(text)) == expected


def test_the_kind_asked_for_moves_up_and_says_why(build):
    matcher = build(
        candidate("practice:a-klimaat", "Klimaatadaptatie en hittestress in de stad"),
        candidate("network:b-klimaat", "Klimaatadaptatie en hittestress in de stad"),
    )
    # Equal texts: the tie goes to the key, the network first ...
    plain = keys(matcher.match(query("klimaatadaptatie hittestress")))
    assert plain == ["network:b-klimaat", "practice:a-klimaat"]
    # ... unless the question asks for examples from practice.
    matches = matcher.match(query("Welke voorbeelden van klimaatadaptatie en hittestress?"))
    assert keys(matches) == ["practice:a-klimaat", "network:b-klimaat"]
    assert matches[0].signals["type_asked"] == pytest.approx(Weights().type_asked)
    assert "type_asked" in reason_codes(matches[0])
    assert "type_asked" not in reason_codes(matches[1])


def test_the_kind_asked_for_lifts_only_in_proportion_to_its_match(build):
    matcher = build(
        candidate("practice:klimaat", "Klimaatadaptatie en hittestress in de stad"),
        candidate("network:klimaat", "Klimaatadaptatie in de stad"),
        candidate("network:jeugd", "Jeugdzorg in de regio"),
    )
    found = by_key(matcher.match(query("Welk netwerk helpt bij klimaatadaptatie en hittestress?")))
    assert "network:jeugd" not in found  # the kind asked for, but nothing of the question
    network = found["network:klimaat"]
    assert 0 < network.signals["type_asked"] < Weights().type_asked
    assert network.signals["type_asked"] == pytest.approx(
        Weights().type_asked * network.signals["topic"] / Weights().topic
    )


# -- type_balance -------------------------------------------------------------------------


def test_a_short_register_text_is_measured_against_its_own_type(build):
    long_text = " ".join(["Klimaatadaptatie hittestress wateroverlast groen"] * 3)
    candidates = (
        candidate("practice:long", long_text),
        candidate("network:short", "Netwerk van steden voor klimaatadaptatie"),
    )
    balanced = by_key(build(*candidates).match(query("klimaatadaptatie hittestress")))
    flat = by_key(
        build(*candidates, weights=Weights().with_changes(type_balance=1.0)).match(
            query("klimaatadaptatie hittestress")
        )
    )
    assert flat["network:short"].signals["topic"] < balanced["network:short"].signals["topic"]
    assert balanced["network:short"].signals["topic"] <= 1.0
    # Practices and the other long-text types keep the best hit overall as yardstick.
    assert balanced["practice:long"].signals["topic"] == pytest.approx(1.0)


def test_the_best_network_is_not_inflated_beyond_the_floor(build):
    # A network that barely matches stays weak: its yardstick is at least type_balance ×
    # the best hit overall.
    matcher = build(
        candidate("practice:strong", "Klimaatadaptatie hittestress wateroverlast"),
        candidate("network:weak", "Netwerk van steden over " + "bestuur " * 30 + "wateroverlast"),
    )
    found = by_key(matcher.match(query("klimaatadaptatie hittestress wateroverlast")))
    assert found["network:weak"].signals["topic"] < 1.0


# -- what the asker already has is context, not topic -------------------------------------


def test_the_askers_own_partner_named_in_the_question_is_not_searched_for(build):
    matcher = build(
        candidate("place:dalian", "China", name="Dalian"),
        candidate("practice:a-dalian", "Kennisuitwisseling met Dalian over water"),
        candidate("practice:b-renderen", "Stedenbanden laten renderen met handel"),
    )
    asker = dataclasses.replace(ASKER, partners=S({"place:dalian"}))
    text = "Onze stedenband met Dalian levert weinig op: hoe laten we stedenbanden renderen?"
    searched = matcher.topic_text(text, matcher._known_names(matcher.named_in(text), asker))
    assert "dalian" not in searched.lower() and "renderen" in searched
    assert "Dalian" in matcher.topic_text(text)
    found = keys(matcher.match(query(text), asker))
    assert found[0] == "practice:b-renderen"
    assert "practice:a-dalian" not in found  # only the partner's name linked it
    # Asked by someone else, Dalian is what the question is about.
    assert keys(matcher.match(query(text)))[0] == "place:dalian"


def test_a_country_asked_about_makes_the_kind_asked_for_relevant(build):
    # "Welke gemeenten hebben een partner in Ghana?": the municipalities' texts need not
    # say so; their partnership in the country asked about is their relevance.
    matcher = build(
        municipality("GM0034", "Stadsvernieuwing", countries=S({"GH"})),
        municipality("GM0001", "Stadsvernieuwing"),
    )
    found = by_key(
        matcher.match(
            query(
                "Welke gemeenten hebben een partner in Ghana?",
                countries=S({"GH"}),
                international=True,
            )
        )
    )
    assert found["municipality:GM0034"].signals["type_asked"] == pytest.approx(Weights().type_asked)
    assert "municipality:GM0001" not in found
