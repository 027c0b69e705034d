"""Issue 12, search relevance: a document's terms that come only from the parts of its
compounds (or from labels) do not meet a query compound in part; protected names
(municipalities, places, parts of the world) match only as whole names; stored term
counts know the analysis that made them; plurals in -ies meet their singular."""

import json

import pytest

from kennisschakel.engines.text.analysis import DutchAnalyzer, singular_ie
from kennisschakel.engines.text.lexicon import read_word_list
from kennisschakel.engines.text.search import (
    ANALYSIS_KEY,
    PART_MARK,
    Document,
    SearchIndex,
    is_current,
    merge_fields,
)


def build(index, *bodies):
    index.add_many(Document(number, {"body": body}) for number, body in enumerate(bodies, 1))
    return index


def ids(results):
    return [hit.id for hit in results.hits]


@pytest.fixture
def marked(analyzer) -> SearchIndex:
    return SearchIndex(analyzer=analyzer, coverage=True, part_markers=True)


# -- compound parts -------------------------------------------------------------------


def test_a_term_only_from_a_documents_compounds_is_marked(analyzer):
    counts, words, whole = analyzer.analyse_parts("Verslavingszorg en zorg voor jeugd")
    assert analyzer.term("zorg") in whole
    counts, words, whole = analyzer.analyse_parts("Verslavingszorg voor jongeren")
    assert analyzer.term("zorg") in counts and analyzer.term("zorg") not in whole
    index = SearchIndex(analyzer=analyzer, part_markers=True)
    fields = index.analyse({"title": "Verslavingszorg", "body": "Zorg dichtbij."})
    assert PART_MARK + analyzer.term("zorg") in fields["title"]
    assert PART_MARK + analyzer.term("zorg") not in fields["body"]


def test_a_query_compounds_part_met_only_inside_another_compound_is_no_result(marked):
    build(
        marked,
        "Samen sterker tegenover de zorgverzekeraar.",
        "Schuldhulp gekoppeld aan verslavingszorg.",  # zorg only inside a compound
        "De zorg voor ouderen in de wijk.",  # zorg as a word: related, weak
    )
    results = marked.search("zorgverzekeraar")
    assert ids(results) == [1, 3]
    assert [hit.strong for hit in results.hits] == [True, False]


def test_without_part_markers_the_part_still_counts(analyzer):
    index = build(
        SearchIndex(analyzer=analyzer, coverage=True),
        "Samen sterker tegenover de zorgverzekeraar.",
        "Schuldhulp gekoppeld aan verslavingszorg.",
    )
    assert ids(index.search("zorgverzekeraar")) == [1, 2]


def test_a_query_compound_whose_parts_a_document_holds_in_its_compounds_is_met(marked):
    build(marked, "Schuldhulpverlening aan de keukentafel.", "Iets over verkeer.")
    results = marked.search("schuldhulp")
    assert ids(results) == [1] and results.hits[0].strong


def test_a_part_only_match_adds_next_to_nothing_to_a_document_found_otherwise(marked):
    build(
        marked,
        "Inkoop samen met de zorgverzekeraar.",
        "Inkoop van jeugdzorg.",  # inkoop in full, zorg only inside jeugdzorg
        "Inkoop van zorg door de gemeente.",  # inkoop in full, zorg as a word
    )
    hits = {hit.id: hit for hit in marked.search("zorgverzekeraar inkoop").hits}
    assert set(hits) == {1, 2, 3}
    assert hits[1].score > hits[3].score > hits[2].score
    assert hits[3].coverage > hits[2].coverage


def test_label_terms_do_not_meet_a_query_compound_in_part(analyzer):
    index = SearchIndex(analyzer=analyzer, coverage=True, part_markers=True)
    text = index.analyse({"body": "Schuldhulp bij verslaving."})
    labels = index.analyse({"domains": "Wmo en zorg"}, labels=True)
    assert all(PART_MARK + term in labels["domains"] for term in ("wmo", "zorg"))
    index.add_analysed(1, merge_fields(text, labels))
    index.compact()
    assert ids(index.search("zorgverzekeraar")) == []
    assert ids(index.search("zorg")) == [1]  # a label met in full still finds it


def test_a_word_of_its_own_in_any_field_outweighs_a_mark_in_another(analyzer):
    index = SearchIndex(analyzer=analyzer, coverage=True, part_markers=True)
    index.add(Document(1, {"title": "Verslavingszorg", "body": "Goede zorg."}))
    index.compact()
    assert ids(index.search("zorgverzekeraar")) == [1]


def test_part_markers_survive_saving_and_opening(tmp_path, analyzer):
    index = SearchIndex(analyzer=analyzer, part_markers=True)
    build(index, "Samen tegenover de zorgverzekeraar.", "Verslavingszorg voor jongeren.")
    index.save(tmp_path / "saved")
    opened = SearchIndex.open(tmp_path / "saved", analyzer=analyzer, coverage=True)
    assert ids(opened.search("zorgverzekeraar")) == [1]
    opened.add_analysed(3, index.analyse({"body": "Jeugdzorg in de buurt."}))  # delta
    assert ids(opened.search("zorgverzekeraar")) == [1]


# -- protected names ----------------------------------------------------------------


@pytest.fixture(scope="module")
def named(analyzer) -> DutchAnalyzer:
    regions = read_word_list("region_names.txt")
    return analyzer.with_names([*regions, "Wijk bij Duurstede", "Waalwijk", "Universiteit Twente"])


def test_parts_of_the_world_are_protected_names(named):
    assert named.words("Midden- en Oost-Europa") == ["midden", "oost europa"]
    assert "oost" not in named.analyse("Partners in Oost-Europa en Turkije")


def test_a_name_is_found_only_whole(named):
    index = build(
        SearchIndex(analyzer=named, coverage=True, part_markers=True),
        "De Kredietbank Oost helpt inwoners met schulden.",
        "LOGO East: samenwerking met gemeenten in Midden- en Oost-Europa.",
        "Een wijkagent en jongeren in de wijk.",
        "Samenwerking tussen Waalwijk en Tilburg.",
    )
    assert ids(index.search("Oost-Europa")) == [2]
    assert ids(index.search("Wijk bij Duurstede")) == []
    assert ids(index.search("wijk")) == [3]  # not Waalwijk
    assert ids(index.search("Waalwijk")) == [4]


def test_a_longer_name_is_never_found_through_the_names_inside_it(named):
    """*Bergen op Zoom* is not Bergen: a name of several words is one term, even where
    one of its words is a protected name of its own (a question about Bergen must not
    bring up Bergen op Zoom; tests/matching checks every municipality)."""
    index = build(
        SearchIndex(analyzer=named, coverage=True, part_markers=True),
        "Op initiatief van de Universiteit Twente.",
        "Gemeenten in Midden- en Oost-Europa.",
        "Samenwerking met Wijk bij Duurstede.",
        "Een project in Twente en in Europa.",
    )
    assert named.words("de Universiteit Twente") == ["universiteit twente"]
    assert ids(index.search("Universiteit Twente")) == [1]
    assert ids(index.search("Twente")) == [4]
    assert ids(index.search("universiteit")) == []
    assert ids(index.search("Oost-Europa")) == [2]
    assert ids(index.search("Europa")) == [4]
    assert ids(index.search("Oost")) == []
    assert ids(index.search("wijk")) == []  # wijk is no name of its own


# -- stored term counts ---------------------------------------------------------------


def test_stored_counts_know_the_analysis_that_made_them(analyzer, named):
    counts = SearchIndex(analyzer=analyzer).analyse({"body": "Armoedebestrijding"})
    assert is_current(counts, analyzer)
    assert is_current(json.loads(json.dumps(counts)), analyzer)
    assert not is_current(counts, named)  # other protected names
    assert not is_current({k: v for k, v in counts.items() if k != ANALYSIS_KEY}, analyzer)
    assert not is_current({}, analyzer)
    assert analyzer.signature != named.signature
    assert analyzer.signature == DutchAnalyzer(lexicon=analyzer.lexicon).signature


# -- plurals in -ies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("missies", "missie"),
        ("handelsmissies", "handelsmissie"),
        ("subsidies", "subsidie"),
        ("functies", "functie"),
        ("categorieën", "categorie"),
        ("strategieën", "strategie"),
    ],
)
def test_plurals_in_ies_meet_their_singular(analyzer, plural, singular):
    assert analyzer.analyse(plural) == analyzer.analyse(singular)


def test_short_words_in_ies_are_no_plurals():
    assert singular_ie("vries") == "vries"
    assert singular_ie("bries") == "bries"
    assert singular_ie("missies") == "missie"


def test_a_snippet_marks_a_name_of_several_words_whole(named):
    from kennisschakel.engines.text.snippets import highlight

    text = "Partners in Midden- en Oost-Europa en Turkije."
    assert highlight(text, "Oost-Europa", named) == (
        "Partners in Midden- en <mark>Oost-Europa</mark> en Turkije."
    )
    assert "<mark>wijk</mark>" in highlight("Waalwijk en de wijk", "wijk", named)
    assert "<mark>Waalwijk</mark>" not in highlight("Waalwijk en de wijk", "wijk", named)
