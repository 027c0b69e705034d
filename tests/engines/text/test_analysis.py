"""Dutch analysis: folding, stop words, stemming, compounds and synonyms."""

import pytest

from kennisschakel.engines.text.query import parse_query


def test_folding_removes_case_and_diacritics(analyzer):
    assert analyzer.words("Ärger Café geëvalueerd") == ["arger", "cafe", "geevalueerd"]
    assert analyzer.analyse("GEËVALUEERD") == analyzer.analyse("geevalueerd")


def test_decomposed_accents_stay_inside_the_word(analyzer):
    assert analyzer.words("cafe\u0301") == ["cafe"]


def test_stop_words_and_single_letters_are_dropped(analyzer):
    assert analyzer.words("De aanpak van de gemeente is x") == ["aanpak", "gemeente"]


def test_stemming_conflates_singular_and_plural(analyzer):
    assert analyzer.term("gemeenten") == analyzer.term("gemeente")
    assert analyzer.term("woningen") == analyzer.term("woning")


def test_ampersand_tokens_and_numbers_are_kept_whole(analyzer):
    assert analyzer.words("W&I en B&W in 2024") == ["w&i", "b&w", "2024"]
    assert analyzer.analyse("W&I") == {"w&i": 1}


def test_word_counts_exclude_compound_parts(analyzer):
    counts, words = analyzer.analyse_with_length("armoedebestrijding in de wijk")
    assert words == 2
    assert counts[analyzer.term("armoede")] == 1


@pytest.mark.parametrize(
    ("compound", "parts"),
    [
        ("armoedebestrijding", ("armoede", "bestrijding")),
        ("afvalinzameling", ("afval", "inzameling")),
        ("schuldhulpverlening", ("schuld", "hulpverlening")),
        ("verslavingszorg", ("verslaving", "zorg")),
        ("warmtetransitie", ("warmte", "transitie")),
        ("klimaatadaptatie", ("klimaat", "adaptatie")),
        ("burgerparticipatie", ("burger", "participatie")),
        ("wijkontwikkeling", ("wijk", "ontwikkeling")),
        ("jeugdzorg", ("jeugd", "zorg")),
        ("stedenband", ("steden", "band")),
    ],
)
def test_compounds_split_into_known_words(analyzer, compound, parts):
    assert analyzer.splitter.split(compound) == parts
    terms = analyzer.word_terms(compound)
    assert terms[0] == analyzer.term(compound)
    for part in parts:
        assert analyzer.term(part) in terms


def test_compounds_split_recursively(analyzer):
    assert analyzer.splitter.parts("schuldhulpverlening") == (
        "schuld",
        "hulpverlening",
        "hulp",
        "verlening",
    )
    assert analyzer.splitter.leaves("schuldhulpverlening") == ("schuld", "hulp", "verlening")


@pytest.mark.parametrize(
    "word", ["onderwijs", "verslaving", "gemeente", "ontwikkeling", "kinderen", "vrijwilliger"]
)
def test_ordinary_words_are_not_split(analyzer, word):
    assert analyzer.splitter.split(word) is None


def test_parts_need_four_letters(analyzer):
    for part in analyzer.splitter.parts("gemeenteraadsverkiezingen"):
        assert len(part) >= 4


def test_query_compounds_may_split_into_corpus_words(analyzer):
    corpus = {"zwibbel"}  # a word of the corpus, unknown to the lexicon

    def extra(word):
        return 3.0 if word in corpus else None

    assert analyzer.splitter.split("zwibbelbeleid") is None
    assert analyzer.splitter.split("zwibbelbeleid", extra) == ("zwibbel", "beleid")


def test_synonym_phrases_expand_queries(analyzer):
    (concept,) = parse_query("Wmo", analyzer)
    expanded = {alternative.terms: alternative.weight for alternative in concept.alternatives}
    assert expanded[("wmo",)] == 1.0
    assert expanded[analyzer.main_terms("maatschappelijke ondersteuning")] == 0.7

    (concept,) = parse_query("werk en inkomen", analyzer)
    assert ("w&i",) in {alternative.terms for alternative in concept.alternatives}


def test_a_query_word_outside_a_synonym_phrase_stays_its_own_concept(analyzer):
    concepts = parse_query("jeugdzorg in Utrecht", analyzer)
    assert [concept.text for concept in concepts] == ["jeugdzorg", "utrecht"]


# -- name protection (issue 12) ---------------------------------------------------------


def test_protected_names_are_never_split(analyzer):
    assert {"wal", "wijk"} <= set(analyzer.analyse("Waalwijk"))  # unprotected: parts
    protected = analyzer.with_names(["Waalwijk", "Harderwijk", "Stadskanaal"])
    assert protected.analyse("Waalwijk, Harderwijk en Stadskanaal") == {
        "waalwijk": 1,
        "harderwijk": 1,
        "stadskanal": 1,
    }
    # The query side splits no name either, and ordinary compounds as before.
    concepts = parse_query("Waalwijk wijkaanpak", protected)
    assert [len(concept.alternatives) for concept in concepts] == [1, 2]


def test_multi_word_names_are_one_term_in_texts_and_questions(analyzer):
    protected = analyzer.with_names(["Wijk bij Duurstede", "Palo Alto", "Bergen op Zoom"])
    terms, words = protected.analyse_with_length("Wijk bij Duurstede en Palo-Alto: de wijk")
    assert terms == {"wijk bij duurstede": 1, "palo alto": 1, "wijk": 1} and words == 3
    assert protected.words("Bergen op Zoom, bergen en zoom") == [
        "bergen op zoom",
        "bergen",
        "zoom",
    ]
    assert protected.name_display("palo alto") == "Palo Alto"
    # The shared analyzer is unchanged: protection lives in the copy only.
    assert "palo alto" not in analyzer.analyse("Palo Alto")
