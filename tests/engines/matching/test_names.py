"""Names (issue 12): name protection, names recognised in a question, what the asker
already has, and explanations that show only words that carry meaning. No Django."""

import csv
import dataclasses
from pathlib import Path

import pytest

from kennisschakel.engines.matching import Asker, Candidate, Matcher, Weights
from kennisschakel.engines.matching.entities import NameTable, filler_words

from .helpers import ASKER, S, keys, query, reason_codes

MUNICIPALITIES_CSV = (
    Path(__file__).resolve().parents[3] / "src/kennisschakel/register/data/municipalities.csv"
)
NEUTRAL = "Het college besluit over dienstverlening aan inwoners."


def municipality(code, name, body=NEUTRAL, **fields):
    return Candidate(
        key=f"municipality:{code}",
        type="municipality",
        name=name,
        text={"body": body},
        municipality=code,
        **fields,
    )


def place(ident, name, variants=(), body="", **fields):
    return Candidate(
        key=f"place:{ident}",
        type="place",
        name=f"{name} (land)",
        names=frozenset({name, *variants}),
        text={"body": body},
        **fields,
    )


def practice(slug, title, body="", **fields):
    return Candidate(
        key=f"practice:{slug}", type="practice", name=title, text={"title": title, "body": body},
        **fields,
    )  # fmt: skip


@pytest.fixture
def build(analyzer):
    def make(*candidates, weights=None, names=()):
        return Matcher(candidates, weights, analyzer=analyzer, names=names)

    return make


# -- name protection ------------------------------------------------------------------


def _register_names():
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        return [
            (row["cbs_code"], row["common_name"] or row["name"], {row["name"], row["common_name"]})
            for row in csv.DictReader(handle)
        ]


def test_no_municipality_is_suggested_on_a_fragment_of_its_name(build, analyzer):
    """Every municipality of the register, with a practice that names it in its title:
    no fragment of a name (a compound part, one word of a multi-word name) suggests the
    municipality or the practice, unless the fragment is itself one of its names."""
    rows = _register_names()
    assert len(rows) == 342
    candidates = []
    for code, name, names in rows:
        candidates.append(municipality(code, name, names=frozenset(filter(None, names))))
        candidates.append(
            practice(f"p-{code}", f"Dienstverlening in {name}", NEUTRAL, municipality=code)
        )
    matcher = build(*candidates)
    neutral = set(analyzer.analyse(f"{NEUTRAL} Dienstverlening in"))
    whole_names = {" ".join(analyzer.name_words(n)) for _c, _n, ns in rows for n in ns if n}
    checked = 0
    for code, name, _names in rows:
        fragments = set()
        for word in analyzer.name_words(name):
            if len(analyzer.name_words(name)) > 1 and word not in analyzer.stopwords:
                fragments.add(word)  # one word of "Wijk bij Duurstede"
            fragments |= set(analyzer.splitter.parts(word))  # "wijk" of "Waalwijk"
        for fragment in sorted(fragments):
            if len(fragment) < 3 or fragment in whole_names or fragment in analyzer.stopwords:
                continue  # "bergen" is Bergen's whole name: it may suggest Bergen
            if set(analyzer.analyse(fragment)) & neutral:
                continue  # the fragment is in every text
            found = keys(matcher.match(query(f"klimaatadaptatie: {fragment}", limit=50)))
            assert f"municipality:{code}" not in found, (fragment, name)
            assert f"practice:p-{code}" not in found, (fragment, name)
            checked += 1
    assert checked > 150  # waalwijk, harderwijk, beverwijk, ... and their parts


def test_wijk_suggests_no_wijk_municipality(build):
    names = ["Waalwijk", "Harderwijk", "Winterswijk", "Beverwijk", "Noordwijk",
             "Wijk bij Duurstede"]  # fmt: skip
    matcher = build(
        *[municipality(f"GM{n:04d}", name) for n, name in enumerate(names)],
        *[
            practice(f"p{n}", f"Groen in {name}", municipality=f"GM{n:04d}")
            for n, name in enumerate(names)
        ],  # fmt: skip
        practice("wijkaanpak", "Klimaatadaptatie in de wijk", "Groene daken in de wijk"),
    )
    found = matcher.match(query("klimaatadaptatie in de wijk"))
    assert keys(found) == ["practice:wijkaanpak"]
    # The whole name does count, in any of its forms.
    named = matcher.match(query("Hoe pakt Wijk bij Duurstede dat aan?"))
    assert set(keys(named)) == {"municipality:GM0005", "practice:p5"}  # it and its practice
    assert named[keys(named).index("municipality:GM0005")].reasons[0].code == "named"


def test_places_and_organisations_match_as_whole_names_only(build):
    matcher = build(
        place(1, "Palo Alto", ["Palo-Alto"], "stedenband innovatie"),
        place(2, "Kaliningrad", ["Königsberg"], "afvalbeheer samenwerking"),
        Candidate(
            key="network:rcn",
            type="network",
            name="Resilient Cities Network",
            text={"body": "veerkracht klimaat"},
        ),  # fmt: skip
        practice("afvalberg", "De afvalberg verkleinen", "afvalberg inzameling"),
    )
    assert "place:2" not in keys(matcher.match(query("de berg")))
    assert keys(matcher.match(query("alto")))[:1] != ["place:1"]
    assert "network:rcn" not in keys(matcher.match(query("network cities")))
    assert keys(matcher.match(query("Palo-Alto")))[0] == "place:1"
    assert keys(matcher.match(query("Königsberg")))[0] == "place:2"
    assert keys(matcher.match(query("Resilient Cities Network")))[0] == "network:rcn"


def test_the_analyzer_keeps_names_whole(analyzer):
    plain = analyzer.analyse("Waalwijk werkt met Wijk bij Duurstede")
    assert "wijk" in plain  # without protection: the compound part and the word
    protected = analyzer.with_names(["Waalwijk", "Wijk bij Duurstede"])
    terms = protected.analyse("Waalwijk werkt met Wijk bij Duurstede aan de wijk")
    assert terms == {"waalwijk": 1, "werkt": 1, "wijk bij duurstede": 1, "wijk": 1}
    assert protected.name_display("wijk bij duurstede") == "Wijk bij Duurstede"
    # Everything else as before.
    assert protected.analyse("armoedebestrijding") == analyzer.analyse("armoedebestrijding")


# -- names in the question ------------------------------------------------------------


def test_name_table_finds_whole_names_and_their_variants(analyzer):
    table = NameTable(analyzer.name_words, analyzer.stopwords)
    table.add("place:1", ["Palo Alto", "Palo-Alto"])
    table.add("municipality:GM0352", ["Wijk bij Duurstede"])
    table.add("municipality:GM0281", ["Buren"])
    table.add("place:2", ["Dalian"])
    found = table.find("Contact met palo-alto, Dalian én Wijk bij Duurstede?")
    assert found == {
        "place:1": "palo alto",
        "place:2": "Dalian",
        "municipality:GM0352": "Wijk bij Duurstede",
    }
    assert table.find("palo wijk duurstede dalianstraat") == {}
    # A name that is also an ordinary word counts only when written as a name.
    assert table.find("samenwerken met de buren") == {}
    assert table.find("samenwerken met Buren") == {"municipality:GM0281": "Buren"}
    table.remove("place:2")
    assert table.find("Dalian") == {}


DALIAN = place(7, "Dalian", ["Dairen"], "Enschede–Dalian", linked_municipalities=S({"GM0153"}))
ENSCHEDE = municipality("GM0153", "Enschede", "kennisparken en stedenbanden", links=S({"place:7"}))
PRACTICE = practice(
    "enschede-dalian", "Stedenbanden van Enschede", "Palo Alto en Dalian, kennis en economie",
    municipality="GM0153", links=S({"place:7"}),
)  # fmt: skip
KOCAELI = practice("kocaeli", "Brandweer en Kocaeli", "uitwisseling brandweer", since=1999)


def test_the_bare_name_of_a_partner_city_finds_the_place_its_partner_and_practice(build):
    matcher = build(DALIAN, ENSCHEDE, PRACTICE, KOCAELI)
    found = matcher.match(query("Dalian"))
    assert keys(found) == ["place:7", "practice:enschede-dalian", "municipality:GM0153"]
    named = [reason for reason in found[0].reasons if reason.code == "named"]
    assert [reason.params for reason in named] == [{"name": "Dalian"}]
    assert "linked_to_named" in reason_codes(found[1])
    assert "linked_to_named" in reason_codes(found[2])  # Enschede: no word of it says Dalian
    # A variant of the name works the same way.
    assert keys(matcher.match(query("Dairen")))[0] == "place:7"


def test_a_named_municipality_brings_its_practices(build):
    matcher = build(DALIAN, ENSCHEDE, PRACTICE, KOCAELI)
    found = matcher.match(query("Wat doet Enschede?"))
    # Enschede by name, its practice and its partner place through the link.
    assert set(keys(found)) == {"municipality:GM0153", "practice:enschede-dalian", "place:7"}
    assert "named" in reason_codes(found[keys(found).index("municipality:GM0153")])


# -- what the asker already has ---------------------------------------------------------


def test_the_askers_own_partner_is_marked_and_comes_after_the_new(build):
    other = place(8, "Huangzhou", [], "stedenband China handel", countries=S({"CN"}))
    dalian = dataclasses.replace(DALIAN, countries=S({"CN"}))
    matcher = build(other, dalian, ENSCHEDE, PRACTICE)
    asker = dataclasses.replace(ASKER, partners=S({"place:8"}))
    asked = query("Onze stedenband met Huangzhou: wie deelt kennis met een stad in China?",
                  countries=S({"CN"}), international=True)  # fmt: skip
    found = matcher.match(asked, asker)
    assert keys(found)[-1] == "place:8"
    mine = found[-1]
    assert [note.code for note in mine.notes] == ["already_partner"]
    assert "named" not in reason_codes(mine)  # naming your own partner is context
    assert mine.signals["already_partner"] == pytest.approx(Weights().already_partner)
    assert all(not match.notes for match in found[:-1])
    # Without the asker it is a suggestion like any other.
    assert all(not match.notes for match in matcher.match(asked))


def test_a_network_the_asker_is_in_is_marked(build):
    network = Candidate(key="network:c40", type="network", name="C40",
                        text={"body": "klimaatadaptatie steden"})  # fmt: skip
    matcher = build(network, practice("a", "Klimaatadaptatie", "klimaatadaptatie"))
    found = matcher.match(query("klimaatadaptatie"), Asker(networks=S({"network:c40"})))
    assert keys(found) == ["practice:a", "network:c40"]
    assert found[1].notes[0].params == {"via": "network"}


# -- question filler and explanations ---------------------------------------------------


def test_question_filler_is_data_and_leaves_the_topic(build):
    assert {"gemeenten", "ervaring", "breder", "inzetten", "zoeken"} <= filler_words()
    matcher = build(KOCAELI)
    assert matcher.topic_text("Welke gemeenten zoeken ervaring met brandweer?") == "brandweer"
    # Only filler: the question is searched as it is.
    assert matcher.topic_text("gemeenten met ervaring") == "gemeenten met ervaring"


def test_filler_does_not_decide_the_ranking(build):
    matcher = build(
        practice("filler", "Gemeenten zoeken ervaring", "gemeenten ervaring breder inzetten"),
        practice("topic", "Onderwijs en kenniseconomie", "onderwijs"),
    )
    found = matcher.match(
        query("We zoeken gemeenten met ervaring in onderwijs en willen dat breder inzetten")
    )
    assert keys(found) == ["practice:topic"]


def test_reason_lines_show_only_meaningful_words_as_the_item_has_them(build):
    matcher = build(
        practice("parts", "Kennis van de lokale economie", "kennis en economie"),
        practice("whole", "Kenniseconomie en onderwijs", "kenniseconomie"),
        DALIAN, ENSCHEDE,
    )  # fmt: skip
    found = matcher.match(
        query("Welke gemeenten hebben ervaring met kenniseconomie en Dalian, breder inzetten?")
    )
    terms = {m.key: m.reasons[[r.code for r in m.reasons].index("topic")].params["terms"]
             for m in found if "topic" in reason_codes(m)}  # fmt: skip
    assert terms["practice:whole"] == ["kenniseconomie"]
    # The parts it has, not the compound it does not contain.
    assert terms["practice:parts"] == ["kennis", "economie"]
    assert terms["place:7"] == ["Dalian"]  # a name as it is written
    shown = {word for words in terms.values() for word in words}
    assert not shown & (filler_words() | {"met", "en", "hebben", "welke"})


# -- saved and opened ---------------------------------------------------------------------


def test_an_opened_matcher_keeps_names_protected_and_recognised(build, tmp_path):
    matcher = build(
        DALIAN, ENSCHEDE, PRACTICE,
        municipality("GM0867", "Waalwijk", "leerlingenvervoer"),
        practice("wijk", "Wijkaanpak", "de wijk"),
        names=["Nieuw-Zeeland"],
    )  # fmt: skip
    matcher.save(tmp_path / "m")
    opened = Matcher.open(tmp_path / "m", analyzer=matcher.analyzer)
    for text in ("Dalian", "de wijk", "Nieuw-Zeeland", "Zeeland"):
        assert opened.match(query(text)) == matcher.match(query(text)), text
    assert "municipality:GM0867" not in keys(opened.match(query("wijk")))
    assert opened.named_in("Waalwijk en Dalian") == {
        "municipality:GM0867": "Waalwijk",
        "place:7": "Dalian",
    }
    # Opened without the builder's analyzer: the saved names are protected all the same.
    fresh = Matcher.open(tmp_path / "m")
    assert fresh.analyzer.analyse("Nieuw-Zeeland") == {"nieuw zeeland": 1}


def test_the_asker_naming_itself_links_nothing(build):
    matcher = build(DALIAN, ENSCHEDE, PRACTICE)
    asker = Asker(municipality="GM0153")
    found = matcher.match(query("Wij in Enschede zoeken kennis over economie"), asker)
    assert all("linked_to_named" not in reason_codes(match) for match in found)
    assert "municipality:GM0153" not in keys(found)
