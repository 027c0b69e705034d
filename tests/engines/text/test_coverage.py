"""Coverage scoring: documents that cover the query's concepts come first, a compound's
head alone weighs far below a real match, and strong matches are told apart from
documents that only mention some of the words."""

import pytest

from kennisschakel.engines.text.search import Document, SearchIndex


@pytest.fixture
def index(analyzer) -> SearchIndex:
    return SearchIndex(analyzer=analyzer, coverage=True)


def build(index, *bodies):
    index.add_many(Document(number, {"body": body}) for number, body in enumerate(bodies, 1))
    return index


def ids(results):
    return [hit.id for hit in results.hits]


def by_id(results):
    return {hit.id: hit for hit in results.hits}


def test_a_query_compounds_head_alone_weighs_far_below_a_real_match(index):
    build(
        index,
        "Jeugdzorg dichtbij huis voor gezinnen.",
        "Mantelzorg in de wijk, met steun voor mantelzorgers.",
        "Zorg voor de jeugd in de buurt.",
        "Iets over verkeer en parkeren.",
    )
    results = index.search("jeugdzorg")
    hits = by_id(results)
    # As written, and with its parts written apart; not the "zorg" of mantelzorg.
    assert set(hits) == {1, 3} and hits[1].strong and hits[3].strong
    assert results.strong_total == results.total == 2
    # Not even when nothing else is found: the head alone is no match.
    index.remove(1)
    index.remove(3)
    assert index.search("jeugdzorg").total == 0


def test_the_head_alone_adds_little_to_a_document_found_for_another_word(index):
    build(
        index,
        "Jeugdzorg dichtbij huis in de wijk.",
        "Mantelzorg in de wijk, met steun voor mantelzorgers.",
        "Zorg voor de jeugd in de wijk.",
        "Sport in de wijk.",
        "Iets over verkeer en parkeren.",
    )
    results = index.search("jeugdzorg wijk")
    hits = by_id(results)
    assert ids(results)[:2] == [1, 3] and results.strong_total == 2
    assert not hits[2].strong and not hits[4].strong
    # Mantelzorg (the head "zorg" and "wijk") barely above "wijk" alone.
    assert hits[4].score < hits[2].score < 2 * hits[4].score


def test_the_head_of_a_query_compound_in_an_unrelated_text_is_no_match(index):
    build(
        index,
        "De economie van de regio groeit door toerisme en toerisme en toerisme.",
        "Kennis delen over de economie met de universiteit.",
    )
    results = index.search("kenniseconomie")
    assert ids(results) == [2] and results.strong_total == 1
    index.remove(2)
    assert index.search("kenniseconomie").total == 0


def test_a_compounds_modifiers_without_its_head_are_a_weak_match(index):
    build(
        index,
        "Klimaatbeleid van de provincie.",
        "Klimaatadaptatie met groene daken.",  # klimaat, not beleid
        "Het lhbti-beleid van de stad.",  # beleid, not klimaat
    )
    results = index.search("klimaatbeleid")
    assert ids(results) == [1, 2]
    assert [hit.strong for hit in results.hits] == [True, False]


def test_a_document_covering_every_concept_ranks_first_even_with_a_lower_sum(index):
    index.add_many(
        [
            Document(1, {"title": "Onderwijs", "body": "Onderwijs, onderwijs en onderwijs."}),
            Document(
                2,
                {
                    "body": "Een lange tekst die terloops onderwijs en de kenniseconomie "
                    "noemt, naast veel andere dingen over wonen en werken."
                },
            ),
            Document(3, {"body": "Afval en verkeer."}),
        ]
    )
    results = index.search("onderwijs kenniseconomie")
    assert ids(results) == [2, 1]
    assert by_id(results)[1].score > 0
    assert by_id(results)[1].coverage < by_id(results)[2].coverage == pytest.approx(1.0)


def test_a_word_found_nearly_everywhere_does_not_decide_coverage(index):
    build(
        index,
        "Burgerparticipatie in de gemeente.",
        "Burgerparticipatie met inwoners van het dorp.",  # no "gemeente"
        "De gemeente en haar afval.",
        "De gemeente en haar parkeerbeleid.",
        "De gemeente en haar sportvelden.",
        "De gemeente en haar wijken.",
        "De gemeente en haar bibliotheek.",
    )
    results = index.search("burgerparticipatie gemeente")
    hits = by_id(results)
    assert results.total == 7
    assert hits[1].strong and hits[2].strong  # the rare concept carries the weight
    assert results.strong_total == 2
    assert ids(results)[:2] == [1, 2]
    assert all(not hits[n].strong for n in range(3, 8))


def test_a_many_word_query_does_not_make_everything_a_strong_match(index):
    texts = [f"De gemeente werkt aan onderwerp {word}." for word in ("afval", "sport", "wonen")]
    texts += [
        "Een kleine gemeente over burgerparticipatie.",
        "Burgerparticipatie in een grote stad.",
        "Een kleine bibliotheek.",
    ]
    build(index, *texts)
    results = index.search("burgerparticipatie kleine gemeente")
    assert results.total == 6
    assert results.strong_total == 1
    assert ids(results)[0] == 4
    only = index.search("burgerparticipatie kleine gemeente", strong_only=True)
    assert ids(only) == [4] and only.total == only.strong_total == 1


def test_a_synonym_phrase_counts_in_full_only_with_all_its_words(index):
    build(
        index,
        "Hulp vanuit de maatschappelijke ondersteuning.",
        "Een maatschappelijke organisatie in de wijk.",  # one word of the phrase
    )
    results = index.search("Wmo")
    assert ids(results) == [1] and results.hits[0].strong
    index.remove(1)
    assert index.search("Wmo").total == 0


def test_a_document_sharing_only_a_word_found_everywhere_is_no_result(index):
    texts = [f"De gemeente en onderwerp {number}." for number in range(20)]
    build(index, *texts, "Burgerparticipatie in de gemeente.", "Burgerparticipatie in het dorp.")
    results = index.search("burgerparticipatie gemeente")
    assert set(ids(results)) == {21, 22} and results.strong_total == 2
    assert index.search("gemeente").total == 21  # on its own the word still finds them


def test_an_unknown_word_leaves_only_weak_matches(index):
    build(index, "Afval in de wijk.", "Afvalinzameling in de stad.")
    results = index.search("afval xqzwv")
    assert results.total == 2 and results.strong_total == 0
    assert all(not hit.strong for hit in results.hits)


def test_an_empty_query_counts_everything_as_strong(index):
    build(index, "Afval.", "Sport.")
    results = index.search("")
    assert results.total == results.strong_total == 2


def test_single_word_queries_keep_their_scores(index, analyzer):
    # One concept met in full: coverage 1, the same BM25F scores as the plain ranking.
    plain = SearchIndex(analyzer=analyzer)
    for target in (index, plain):
        build(target, "afval", "afval afval", "sport", "afvalinzameling")
    results, before = index.search("afval"), plain.search("afval")
    assert all(hit.coverage == pytest.approx(1.0) and hit.strong for hit in results.hits)
    assert ids(results) == ids(before)
    assert [h.score for h in results.hits] == pytest.approx([h.score for h in before.hits])


def test_the_plain_ranking_stays_for_callers_that_do_not_ask_for_coverage(analyzer):
    plain = SearchIndex(analyzer=analyzer)
    build(plain, "Jeugdzorg dichtbij huis.", "Mantelzorg in de wijk.")
    results = plain.search("jeugdzorg")
    assert ids(results) == [1, 2]  # the head alone still matches, as before
    assert results.strong_total == results.total == 2


def test_an_opened_index_scores_with_coverage_when_asked(tmp_path, index, analyzer):
    build(index, "Jeugdzorg dichtbij huis.", "Mantelzorg in de wijk.")
    index.save(tmp_path / "saved")
    opened = SearchIndex.open(tmp_path / "saved", analyzer=analyzer, coverage=True)
    assert ids(opened.search("jeugdzorg")) == [1]
