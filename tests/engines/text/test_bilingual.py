"""The English → Dutch policy lexicon and query translation (engines/text/bilingual.py)."""

import re
from pathlib import Path

import pytest
import yaml

from kennisschakel.engines.text.bilingual import (
    GROUPS,
    BilingualLexicon,
    default_lexicon,
    dutch_translations,
    english_to_dutch,
    looks_english,
    normalise,
    read_entries,
    translate_query,
)
from kennisschakel.engines.text.folding import fold

ROOT = Path(__file__).resolve().parents[3]
POLICY_DOMAINS = ROOT / "src/kennisschakel/register/data/policy_domains.yaml"


@pytest.fixture(scope="module")
def lexicon() -> BilingualLexicon:
    return default_lexicon()


def policy_domains() -> list[dict]:
    domains = []
    for top in yaml.safe_load(POLICY_DOMAINS.read_text(encoding="utf-8")):
        domains.append(top)
        domains.extend(top.get("children") or [])
    return domains


# -- the lexicon as data ----------------------------------------------------------


def test_lexicon_loads_with_every_group(lexicon):
    assert len(lexicon.entries) >= 300
    assert {entry.group for entry in lexicon.entries} == set(GROUPS)


def test_every_entry_is_sourced_in_a_known_form(lexicon):
    source_nl = re.compile(
        r"^(00[0-4](?: §[\d.]+)?(?:; 00[0-4](?: §[\d.]+)?)*"
        r"|policy_domains\.yaml [a-z-]+ \(.+\)"
        r"|knowledge/data/practices\.yaml \([a-z0-9-]+\)"
        r"|not in 000-004 \((common Dutch policy term|Dutch exonym)\))$"
    )
    source_en = re.compile(
        r"^(policy_domains\.yaml name_en|world_regions\.yaml definition_en"
        r"|000 lit\. \([^:]+ (?:\d{4}|z\.d\.): .+\)|own translation)$"
    )
    for entry in lexicon.entries:
        assert source_nl.match(entry.source_nl), (entry.line, entry.source_nl)
        assert source_en.match(entry.source_en), (entry.line, entry.source_en)


def test_no_english_entry_twice(lexicon):
    seen = {}
    for entry in lexicon.entries:
        key = tuple(lexicon.words(entry.english))
        assert key not in seen, (entry.english, "also on line", seen[key])
        seen[key] = entry.line


def test_every_entry_is_found_as_itself(lexicon):
    """No entry is hidden by stop words, by another entry or by a stem collision."""
    for entry in lexicon.entries:
        pieces = lexicon.english_to_dutch(entry.english)
        assert [piece.entry for piece in pieces] == [entry], (entry.english, pieces)


def test_stop_words_never_hide_a_lexicon_word(lexicon):
    """Function words may sit inside a phrase ("fight against poverty"), but every entry
    keeps a word of substance, and no one-word entry is a stop word."""
    for entry in lexicon.entries:
        words = [normalise(raw) for raw in re.findall(r"[^\W_]+", entry.english)]
        assert any(word not in lexicon.stopwords for word in words), entry.english
        if len(words) == 1:
            assert words[0] not in lexicon.stopwords, entry.english


def test_every_policy_domain_is_covered(lexicon):
    domains = policy_domains()
    assert len(domains) == 32  # 5 main domains, 27 below them
    entries = {fold(entry.english): entry for entry in lexicon.entries if entry.group == "domain"}
    for domain in domains:
        english = fold(re.sub(r"[(),]", "", domain["name_en"]))
        assert english in entries, domain["slug"]
        assert entries[english].dutch == (domain["name_nl"],)
        assert entries[english].source_nl.startswith(f"policy_domains.yaml {domain['slug']} ")
        # and the domain's English name, as written there, translates to its Dutch name
        assert translate_query(domain["name_en"], "en").text == domain["name_nl"]


def test_dutch_renderings_are_searchable_terms(lexicon, analyzer):
    for entry in lexicon.entries:
        for dutch in entry.dutch:
            assert analyzer.main_terms(dutch), (entry.english, dutch)


def test_malformed_lines_are_refused(tmp_path):
    path = tmp_path / "lexicon.tsv"
    header = "group\tenglish\tdutch\tsource_nl\tsource_en\n"
    path.write_text(header + "term\tpoverty\tarmoede\t002\n", encoding="utf-8")
    with pytest.raises(ValueError, match="five"):
        read_entries(path)
    path.write_text(header + "colour\tpoverty\tarmoede\t002\town translation\n", encoding="utf-8")
    with pytest.raises(ValueError, match="group"):
        read_entries(path)
    path.write_text("term\tpoverty\tarmoede\t002\town translation\n", encoding="utf-8")
    with pytest.raises(ValueError, match="columns"):
        read_entries(path)


# -- English → Dutch ------------------------------------------------------------------


def dutch_of(text: str) -> list[str]:
    return [piece.dutch[0] if piece.entry else f"?{piece.text}" for piece in english_to_dutch(text)]


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("youth care", ["jeugdzorg"]),
        ("youth", ["Jeugd"]),
        ("care", ["zorg"]),
        ("city link", ["stedenband"]),
        ("town twinning", ["stedenband"]),
        ("knowledge economy", ["kenniseconomie"]),
        ("knowledge", ["kennis"]),
        ("knowledge exchange", ["kennisuitwisseling"]),
        ("debt counselling", ["schuldhulpverlening"]),
        ("social support act", ["Wmo"]),
        ("poverty and debt", ["Armoede en schulden"]),
        ("waste", ["afval"]),
        ("participation", ["participatie"]),
    ],
)
def test_phrases_before_words(english, dutch):
    assert dutch_of(english) == dutch


def test_longest_phrase_wins_inside_a_question():
    assert dutch_of("youth care and knowledge economy in small towns") == [
        "jeugdzorg",
        "kenniseconomie",
        "klein",
        "stad",
    ]


@pytest.mark.parametrize(
    ("english", "dutch"),
    [
        ("refugees", ["vluchtelingen"]),  # plural → the singular entry, by stem
        ("municipalities", ["gemeente"]),
        ("city links", ["stedenband"]),
        ("neighborhood teams", ["wijkteam"]),  # American spelling
        ("Decentralization", ["decentralisatie"]),
        ("children's care", ["kinderen", "zorg"]),  # possessive dropped
        ("Cross-border cooperation", ["grensoverschrijdende samenwerking"]),
    ],
)
def test_inflection_spelling_and_punctuation(english, dutch):
    assert dutch_of(english) == dutch


def test_stem_collisions_prefer_the_word_as_written(lexicon):
    # integration and integrity share the stem "integr": the written form decides.
    assert dutch_of("integrity") == ["integriteit"]
    assert dutch_of("integration") == ["inburgering"]


def test_stop_words_and_filler_are_dropped_unknown_words_kept():
    assert dutch_of("How did other municipalities tackle loneliness?") == [
        "gemeente",
        "eenzaamheid",
    ]
    assert dutch_of("city link with Palo Alto") == ["stedenband", "?Palo", "?Alto"]


# -- whole questions ------------------------------------------------------------------


def test_english_interface_translates_an_english_question():
    translated = translate_query("Which towns have a city link with Morocco about waste?", "en")
    assert translated.text == "stad stedenband Marokko afval"
    assert translated.changed
    assert ("Morocco", "Marokko") in translated.translated


def test_english_interface_leaves_a_dutch_query_alone():
    for query in ["armoede en schulden", "jeugdzorg Enschede", "stedenband Palo Alto"]:
        translated = translate_query(query, "en")
        assert translated.text == query and not translated.changed


def test_dutch_interface_translates_only_what_reads_as_english():
    assert translate_query("youth care for refugees", "nl").text == "jeugdzorg vluchtelingen"
    assert translate_query("waste collection", "nl").text == "afvalinzameling"
    for dutch in ["arts", "afval", "jeugdzorg voor vluchtelingen", "data en privacy", "water"]:
        assert translate_query(dutch, "nl").text == dutch
    assert translate_query("", "en").text == ""


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("the knowledge economy", True),
        ("poverty reduction in rural areas", True),
        ("debt counselling", True),
        ("poverty", False),  # one word alone is never enough
        ("armoede in de wijk", False),
        ("kenniseconomie en onderwijs", False),
        ("school en sport", False),  # English entries that are Dutch words too
    ],
)
def test_looks_english(text, english):
    assert looks_english(text) is english


def test_mixed_question_keeps_its_dutch_words():
    assert translate_query("jeugdzorg for refugees", "en").text == "jeugdzorg vluchtelingen"


def test_a_lexicon_of_its_own(tmp_path):
    path = tmp_path / "mini.tsv"
    path.write_text(
        "group\tenglish\tdutch\tsource_nl\tsource_en\n"
        "term\tgreen roof\tgroen dak|groendak\t000\town translation\n"
        "term\troof\tdak\t000\town translation\n",
        encoding="utf-8",
    )
    mini = BilingualLexicon(read_entries(path), ["the", "on"])
    assert mini.translate("the green roofs", "en").text == "groen dak"
    assert mini.english_to_dutch("roof on roofs")[0].dutch == ("dak",)
    assert mini.english_to_dutch(["green", "roof"])[0].dutch == ("groen dak", "groendak")


# -- the per-concept hook of query parsing (text.query.translations) ------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (("youth", "care"), ["jeugdzorg", "jeugdhulp"]),  # with the Dutch synonym group
        (("refugees",), ["vluchtelingen"]),
        (("poverty", "and", "debt"), ["Armoede en schulden"]),  # stop word inside: fine
        (("youth", "care", "for"), []),  # a run does not end on a stop word ...
        (("for", "youth", "care"), []),  # ... nor start with one
        (("youth", "refugees"), []),  # two entries are two concepts, not one
        (("water",), []),  # the Dutch is the word itself
        (("armoede",), []),  # Dutch stays Dutch
        (("elders",), []),  # Dutch "elsewhere", not "elderly"
        (("arts",), []),  # Dutch "doctor", not "art"
        (("wast",), []),
        (("elderly",), ["ouderen"]),
    ],
)
def test_dutch_translations_for_a_run_of_query_words(words, expected):
    assert dutch_translations(words) == expected


def test_not_english_list_is_complete():
    """Every common Dutch word that the lexicon would translate as if it were English is
    in data/bilingual_not_english.txt (recomputed from wordfreq, as its header says)."""
    from wordfreq import zipf_frequency

    from kennisschakel.engines.text.lexicon import dutch_lexicon

    lexicon = default_lexicon()
    missing = []
    for word, zipf in dutch_lexicon().items():
        if zipf < 2.5 or word in lexicon.stopwords or word in lexicon.not_english:
            continue
        entry = lexicon.lookup([word])
        if entry is None or fold(entry.dutch[0]) == word:
            continue
        if zipf > zipf_frequency(word, "en") and word not in {"antwerp", "flanders"}:
            missing.append(word)
    assert missing == []


def test_keep_english_drops_only_filler():
    translated = translate_query("How can we reduce noise in the city centre?", "en", True)
    assert translated.text == "reduce noise city centre"
    assert translated.translated == [("noise", "geluid"), ("city centre", "binnenstad")]
    assert translate_query("armoede", "en", keep_english=True).text == "armoede"


def test_english_for_dutch_words_and_both_directions():
    lexicon = default_lexicon()
    assert lexicon.english_translations(("begroting",)) == ["budget"]
    assert "city link" in lexicon.english_translations(("stedenband",))
    assert lexicon.english_translations(("water",)) == []  # the same word both ways
    assert lexicon.english_translations(("onbekend",)) == []
    assert lexicon.translations(("youth", "care"))[0] == "jeugdzorg"
    assert lexicon.translations(("jeugdzorg",)) == ["youth care", "youth services"]
