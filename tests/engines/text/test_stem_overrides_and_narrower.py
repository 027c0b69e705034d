"""Stem overrides (verbs and words Snowball confuses with unrelated stems) and one-way
narrower terms in the synonym list."""

from kennisschakel.engines.text.analysis import read_stem_overrides
from kennisschakel.engines.text.query import parse_query
from kennisschakel.engines.text.search import Document, SearchIndex
from kennisschakel.engines.text.synonyms import SynonymTable


def build(analyzer, *bodies):
    index = SearchIndex(analyzer=analyzer, coverage=True, part_markers=True)
    index.add_many(Document(number, {"body": body}) for number, body in enumerate(bodies, 1))
    return index


def ids(results):
    return [hit.id for hit in results.hits]


def test_the_verb_zorgen_keeps_a_term_of_its_own(analyzer):
    assert analyzer.term("zorgen") != analyzer.term("zorg")
    assert analyzer.term("zorg") in analyzer.word_terms("zorgverzekeraar")


def test_override_file_is_well_formed():
    overrides = read_stem_overrides()
    assert overrides["zorgen"] == "zorgen"
    assert all(word.isalpha() and term.isalpha() for word, term in overrides.items())


def test_the_verb_zorgen_does_not_answer_a_zorg_compound(analyzer):
    index = build(
        analyzer,
        "Beide afdelingen zorgen voor afstand tot de inwoner.",
        "Samen sterker tegenover de zorgverzekeraar bij de inkoop.",
    )
    assert ids(index.search("zorgverzekeraar inkoop")) == [2]


def test_a_broader_term_finds_its_narrower_terms_one_way(analyzer):
    table = SynonymTable([], analyzer, {"onderwijs": ["universiteit", "hogeschool"]})
    match = table.match([analyzer.term("onderwijs")], 0)
    assert match is not None
    assert (analyzer.term("universiteit"),) in match.others
    assert table.match([analyzer.term("universiteit")], 0) is None


def test_narrower_terms_merge_with_a_group(analyzer):
    table = SynonymTable([["school", "basisschool"]], analyzer, {"school": ["brede school"]})
    others = table.match([analyzer.term("school")], 0).others
    assert (analyzer.term("basisschool"),) in others
    assert analyzer.main_terms("brede school") in others
    assert table.match([analyzer.term("basisschool")], 0).others == ((analyzer.term("school"),),)


def test_shipped_narrower_terms_expand_the_query(analyzer):
    concepts = parse_query("onderwijs", analyzer)
    assert (analyzer.term("universiteit"),) in {alt.terms for alt in concepts[0].alternatives}
    concepts = parse_query("universiteit", analyzer)
    assert (analyzer.term("onderwijs"),) not in {alt.terms for alt in concepts[0].alternatives}


def test_education_query_ranks_the_university_above_a_department_name(analyzer):
    index = build(
        analyzer,
        "Het loket werk en inkomen; onderwijs valt onder een andere dienst.",
        "De universiteit en de stad bouwen samen aan kennis en economie.",
    )
    assert ids(index.search("onderwijs kenniseconomie"))[0] == 2
