"""Relevance first (issue 12, second round): context signals do not make a candidate
relevant (``relevance_gate``), a compound that asks for a kind of suggestion is searched
by its modifier, and the frame of a long question (greetings, thanks, hedges) is filler."""

import dataclasses

import pytest

from kennisschakel.engines.matching import Candidate, Matcher, Weights
from kennisschakel.engines.matching.entities import asked_types_and_words, filler_words
from tests.engines.matching.helpers import ASKER, keys, query


@pytest.fixture
def build(analyzer):
    def make(*candidates, weights=None):
        return Matcher(candidates, weights, analyzer=analyzer)

    return make


def practice(slug, title, body="", **fields):
    return Candidate(
        key=f"practice:{slug}", type="practice", name=title, text={"title": title, "body": body},
        **fields,
    )  # fmt: skip


def network(slug, body):
    return Candidate(key=f"network:{slug}", type="network", name=slug, text={"body": body})


def by_key(matches):
    return {match.key: match for match in matches}


# -- relevance_gate ----------------------------------------------------------------------

# Barely about the question (one common word of it, in a long text) but evaluated,
# running for years, of the asker's size and in its province: much context.
FIT = practice(
    "fit",
    "Samenwerking in de regio",
    "samenwerking " * 3 + "verslag over de regio, de raad en de begroting " * 30 + "schulden",
    municipality="GM0001",
    province=ASKER.province,
    size_class=ASKER.size_class,
    maturity="evaluated",
    evaluated=True,
    since=2000,
    adoptions=5,
)
# About the question, without any context signal.
ABOUT = practice("about", "Schuldhulp en verslavingszorg", "bijstand")
# The best text match: sets the topic scale.
BEST = practice(
    "best",
    "Schuldhulp, verslavingszorg en bijstand samen",
    "schuldhulp verslavingszorg bijstand schulden samen aanbieden",
)
QUESTION = "schuldhulp samen met verslavingszorg in de bijstand, schulden"


def test_context_does_not_lift_a_barely_relevant_candidate_above_a_relevant_one(build):
    found = by_key(build(BEST, ABOUT, FIT).match(query(QUESTION), ASKER))
    assert found["practice:about"].score > found["practice:fit"].score
    fit = found["practice:fit"]
    relevance = fit.signals["topic"]  # its only relevance
    assert 0 < relevance < Weights().relevance_gate
    share = relevance / Weights().relevance_gate
    # Context counts in proportion to its relevance, and is still explained.
    assert fit.signals["evaluated"] == pytest.approx(Weights().evaluated * share)
    assert fit.signals["same_province"] == pytest.approx(Weights().same_province * share)
    assert "evaluated" in [reason.code for reason in fit.reasons]
    assert keys(build(BEST, ABOUT, FIT).match(query(QUESTION), ASKER)) == [
        "practice:best",
        "practice:about",
        "practice:fit",
    ]


def test_without_the_gate_context_lifted_it(build):
    # What the gate changes: with relevance_gate 0, the context outweighs the topic.
    ungated = Weights().with_changes(relevance_gate=0.0)
    found = by_key(build(BEST, ABOUT, FIT, weights=ungated).match(query(QUESTION), ASKER))
    assert found["practice:fit"].score > found["practice:about"].score
    assert found["practice:fit"].signals["evaluated"] == pytest.approx(Weights().evaluated)


def test_a_relevant_candidate_keeps_its_context_in_full(build):
    # The same practice, now about the question: its context counts in full.
    fit = dataclasses.replace(FIT, key="practice:fit2", text={"title": QUESTION})
    found = by_key(build(BEST, fit).match(query(QUESTION), ASKER))
    assert found["practice:fit2"].signals["topic"] >= Weights().relevance_gate
    assert found["practice:fit2"].signals["evaluated"] == pytest.approx(Weights().evaluated)


def test_an_asked_country_is_relevance_too(build):
    # No text match, but a partnership in the country asked about: context in full.
    fit = dataclasses.replace(FIT, key="practice:fit3", countries=frozenset({"MA"}))
    asked = query(QUESTION, international=True, countries=frozenset({"MA"}))
    found = by_key(build(BEST, fit).match(asked, ASKER))
    assert found["practice:fit3"].signals["evaluated"] == pytest.approx(Weights().evaluated)


def test_browsing_without_searchable_words_is_not_gated(build):
    # No words to be relevant to: the most experienced and most alike come first.
    found = by_key(build(BEST, ABOUT, FIT).match(query(""), ASKER))
    assert found["practice:fit"].signals["evaluated"] == pytest.approx(Weights().evaluated)
    assert keys(build(BEST, ABOUT, FIT).match(query(""), ASKER))[0] == "practice:fit"


def test_the_gate_is_a_validated_weight():
    assert Weights().relevance_gate == 0.25
    with pytest.raises(ValueError, match="relevance_gate"):
        Weights().with_changes(relevance_gate=1.5)


# -- compounds that ask for a kind of suggestion -------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds", "asking"),
    [
        ("Welk internationaal stedennetwerk helpt bij hittestress?", {"network"},
         {"stedennetwerk": "steden"}),
        ("We zoeken een plattelandsgemeente van onze omvang", {"municipality"},
         {"plattelandsgemeente": "plattelands"}),
        ("Is er een netwerk voor hittestress?", {"network"}, {}),  # a bare type word stays
        ("Welke gemeenten werken aan hittestress?", {"municipality"}, {}),
        ("stedennetwerk voor hittestress", set(), {}),  # no question cue: not asked
    ],
)  # fmt: skip
def test_the_compound_that_asks_and_its_modifier(analyzer, text, kinds, asking):
    assert asked_types_and_words(analyzer.name_words(text)) == (kinds, asking)


def test_the_topic_keeps_the_modifier_of_the_compound_that_asks(build):
    matcher = build(network("a", "Netwerk van steden"))
    text = "Welk internationaal stedennetwerk helpt bij hittestress?"
    topic = matcher.topic_text(text, asking=matcher.asking_words(text))
    assert "stedennetwerk" not in topic
    assert topic.split() == ["internationaal", "steden", "helpt", "hittestress"]


def test_a_network_about_the_subject_beats_one_that_only_says_stedennetwerk(build):
    # A register description without a subject ("internationaal stedennetwerk") matched
    # the whole compound and came first; the network about heat stress must.
    empty = network("empty", "Internationaal stedennetwerk.")
    heat = network(
        "heat",
        "Wereldwijd netwerk van grote steden dat samenwerkt aan hittestress en goede "
        "praktijken deelt in een kennisbank voor lokale overheden en hun partners.",
    )
    filler = [practice(f"p{i}", f"Praktijk {i}", "afval en wonen in de wijk") for i in range(5)]
    matcher = build(empty, heat, *filler)
    found = matcher.match(query("Welk stedennetwerk helpt ons met hittestress?"))
    assert keys(found)[:2] == ["network:heat", "network:empty"]
    # Searched as the whole compound, the empty description came close to the network
    # about the subject (0.72 of its score); as "steden" it is well below it.
    assert found[1].score < 0.5 * found[0].score


# -- the frame of a long question ----------------------------------------------------------


def test_greetings_thanks_and_hedges_are_filler(build):
    assert {"goedemorgen", "alvast", "bedankt", "eerlijk", "gezegd", "meedenken"} <= (
        filler_words()
    )
    matcher = build(practice("a", "Hittestress in de binnenstad"))
    text = (
        "Goedemorgen, eerlijk gezegd weet ik niet waar te beginnen met hittestress in de "
        "binnenstad. Alvast bedankt voor het meedenken!"
    )
    assert matcher.topic_text(text).split() == ["hittestress", "binnenstad"]
