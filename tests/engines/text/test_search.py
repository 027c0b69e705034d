"""The search index: BM25F ranking, compounds, synonyms, filters and updates."""

import pytest

from kennisschakel.engines.text.search import ANALYSIS_KEY, Document, SearchIndex


@pytest.fixture
def index(analyzer) -> SearchIndex:
    return SearchIndex(analyzer=analyzer)


def ids(results):
    return [hit.id for hit in results.hits]


def build(index, *bodies):
    index.add_many(Document(number, {"body": body}) for number, body in enumerate(bodies, 1))
    return index


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("armoedebestrijding", "De bestrijding van armoede in de wijk."),
        ("afvalinzameling", "Een nieuwe inzameling van afval."),
        ("schuldhulpverlening", "Hulpverlening bij schuld."),
        ("verslavingszorg", "Zorg voor mensen met een verslaving."),
        ("warmtetransitie", "De transitie naar duurzame warmte."),
        ("stedenband", "Een band tussen twee steden."),
        ("bestrijding van armoede", "Armoedebestrijding voor gezinnen."),
        ("inzameling van afval", "Afvalinzameling met minder ritten."),
        ("zorg voor de jeugd", "Jeugdzorg dichtbij huis."),
    ],
)
def test_compounds_and_phrases_find_each_other(index, query, text):
    build(index, text, "Iets heel anders over verkeer en parkeren.")
    assert ids(index.search(query)) == [1]


def test_stemming_and_diacritics(index):
    build(index, "De gemeenten hebben het project geëvalueerd.", "Over iets anders.")
    assert ids(index.search("gemeente")) == [1]
    assert ids(index.search("GEEVALUEERD")) == [1]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Wmo", "Hulp vanuit de maatschappelijke ondersteuning."),
        ("Wet maatschappelijke ondersteuning", "De Wmo-consulent komt langs."),
        ("werk en inkomen", "Het team W&I helpt."),
        ("W&I", "De afdeling werk en inkomen."),
        ("GIB", "Ons gemeentelijk internationaal beleid."),
        ("AVG", "Aandacht voor privacy."),
        ("jumelage", "Onze stedenband met Ghana."),
        ("MKB", "Ondersteuning voor het midden- en kleinbedrijf."),
        ("statushouders", "Huisvesting van vergunninghouders."),
    ],
)
def test_synonyms_expand_the_query(index, query, text):
    build(index, text, "Iets heel anders over verkeer en parkeren.")
    assert ids(index.search(query)) == [1]


def test_the_searchers_own_word_beats_a_synonym(index):
    build(index, "Over jeugdhulp in de regio.", "Over jeugdzorg in de regio.")
    assert ids(index.search("jeugdzorg")) == [2, 1]


def test_a_title_hit_outranks_a_body_hit(index):
    index.add_many(
        [
            Document(1, {"title": "Iets anders", "body": "Het gaat over mantelzorg hier."}),
            Document(2, {"title": "Mantelzorg", "body": "Het gaat over iets anders hier."}),
        ]
    )
    assert ids(index.search("mantelzorg")) == [2, 1]


def test_field_weights_are_configurable(analyzer):
    index = SearchIndex(analyzer=analyzer, field_weights={"title": 1.0, "body": 5.0})
    index.add_many(
        [
            Document(1, {"title": "Iets anders", "body": "Het gaat over mantelzorg hier."}),
            Document(2, {"title": "Mantelzorg", "body": "Het gaat over iets anders hier."}),
        ]
    )
    assert ids(index.search("mantelzorg")) == [1, 2]


def test_a_rarer_term_weighs_more(index):
    build(
        index,
        "sport en cultuur",  # both words
        "sport",
        "sport",
        "cultuur",
    )
    results = index.search("sport")
    assert len(results.hits) == 3
    rare = index.search("cultuur").hits[0].score
    common = results.hits[0].score
    assert rare > common


def test_repeats_of_a_term_saturate(analyzer):
    # b=0 switches off length normalisation, leaving tf / (k1 + tf) per term.
    index = SearchIndex(analyzer=analyzer, b=0.0)
    build(index, "afval", "afval afval", "afval " * 20, "parkeren")
    scores = {hit.id: hit.score for hit in index.search("afval").hits}
    assert scores[1] < scores[2] < scores[3]
    assert scores[2] / scores[1] < 2  # twice the word is not twice the score
    assert scores[3] / scores[1] < index.k1 + 1  # the limit of tf/(k1+tf) over 1/(k1+1)


def test_documents_matching_every_word_come_first(index):
    build(
        index,
        "afval afval afval afval",
        "afval en wijk",
        "wijk wijk wijk wijk",
    )
    assert ids(index.search("afval wijk"))[0] == 2


def test_matched_terms_and_query_terms(index, analyzer):
    build(index, "Armoedebestrijding in de wijk.")
    results = index.search("armoede wijk")
    assert results.query_terms == [analyzer.term("armoede"), analyzer.term("wijk")]
    assert results.hits[0].matched_terms == results.query_terms


def practice(number, title, province, domains, sort_key):
    return Document(number, {"title": title}, {"province": [province], "domain": domains}, sort_key)


def practices():
    return [
        practice(1, "Afval in Zwolle", "PV23", ["milieu"], 3),
        practice(2, "Afval in Deventer", "PV23", ["sociaal"], 2),
        practice(3, "Afval in Utrecht", "PV26", ["milieu", "sociaal"], 1),
        practice(4, "Jeugd in Utrecht", "PV26", ["sociaal"], 4),
    ]


def test_filters_and_within_or_across(index):
    index.add_many(practices())
    assert ids(index.search("afval", {"province": {"PV23"}})) == [1, 2]
    assert set(ids(index.search("afval", {"domain": {"milieu", "sociaal"}}))) == {1, 2, 3}
    assert ids(index.search("afval", {"province": {"PV26"}, "domain": {"milieu"}})) == [3]
    assert index.search("afval", {"province": {"PV99"}}).total == 0
    assert index.search("afval", {"province": set()}).total == 3  # no values: no filter
    assert ids(index.search("", allowed_ids={2, 4})) == [4, 2]


def test_facet_counts_cover_all_matches_under_the_other_filters(index):
    index.add_many(practices())
    results = index.search("afval", limit=1, facet_names=["province", "domain"])
    assert results.total == 3 and len(results.hits) == 1
    assert results.facet_counts == {
        "province": {"PV23": 2, "PV26": 1},
        "domain": {"milieu": 2, "sociaal": 2},
    }
    filtered = index.search("afval", {"province": {"PV23"}})
    assert filtered.total == 2
    assert filtered.facet_counts["province"] == {"PV23": 2, "PV26": 1}  # its own alternatives
    assert filtered.facet_counts["domain"] == {"milieu": 1, "sociaal": 1}


def test_empty_query_lists_everything_by_sort_key_then_id(index):
    index.add_many(practices() + [Document(5, {"title": "Zonder datum"}, sort_key=4)])
    results = index.search("   ")
    assert ids(results) == [4, 5, 1, 2, 3]
    assert results.total == 5 and results.query_terms == []
    assert ids(index.search("", limit=2, offset=1)) == [5, 1]
    assert ids(index.search("", {"province": {"PV26"}})) == [4, 3]


def test_ties_break_by_sort_key_then_id(index):
    index.add_many(
        [
            Document(7, {"title": "afval"}, sort_key=1),
            Document(3, {"title": "afval"}, sort_key=1),
            Document(5, {"title": "afval"}, sort_key=2),
            Document(9, {"title": "afval"}, sort_key=0),
        ]
    )
    assert ids(index.search("afval")) == [5, 3, 7, 9]
    assert ids(index.search("afval", limit=2)) == [5, 3]
    assert ids(index.search("afval", limit=2, offset=2)) == [7, 9]


def test_add_replace_and_remove_after_a_bulk_build(index):
    build(index, "afval in de wijk", "jeugd en sport")
    index.add(Document(3, {"body": "nieuw afval project"}))
    assert set(ids(index.search("afval"))) == {1, 3}
    index.add(Document(1, {"body": "nu over sport"}))  # replaces
    assert ids(index.search("afval")) == [3]
    assert set(ids(index.search("sport"))) == {1, 2}
    index.remove(2)
    index.remove(42)  # unknown: ignored
    assert ids(index.search("sport")) == [1]
    assert len(index) == 2 and 2 not in index and 3 in index
    before = index.search("afval sport").hits
    index.compact()
    after = index.search("afval sport").hits
    assert [hit.id for hit in after] == [hit.id for hit in before]
    assert [hit.score for hit in after] == pytest.approx([hit.score for hit in before])


def test_compaction_happens_by_itself(analyzer):
    index = SearchIndex(analyzer=analyzer, max_delta_docs=5)
    for number in range(1, 31):
        index.add(Document(number, {"body": "afval project"}, sort_key=number))
        if number % 3 == 0:
            index.remove(number - 1)
        assert index.search("afval").total == len(index)
    assert index.search("afval").total == 20
    assert ids(index.search("afval", limit=3)) == [30, 28, 27]


def test_stored_term_counts_rebuild_the_same_index(index, analyzer):
    documents = practices()
    index.add_many(documents)
    stored = [index.analyse(document.fields) for document in documents]
    rebuilt = SearchIndex(analyzer=analyzer)
    for document, counts in zip(documents, stored, strict=True):
        rebuilt.add_analysed(document.id, counts, document.facets, document.sort_key)
    for query in ["afval", "utrecht jeugd", ""]:
        original, again = index.search(query), rebuilt.search(query)
        assert ids(original) == ids(again)
        assert [h.score for h in original.hits] == pytest.approx([h.score for h in again.hits])


def test_analysed_counts_are_json_serialisable(index):
    import json

    counts = index.analyse({"title": "Armoedebestrijding", "body": "", "summary": "W&I"})
    assert json.loads(json.dumps(counts)) == counts
    # The fields with words, and the signature of the analysis that made them.
    assert set(counts) == {"title", "summary", ANALYSIS_KEY}
    assert counts[ANALYSIS_KEY] == index.analyzer.signature


def test_a_query_of_unknown_words_finds_nothing(index):
    build(index, "afval")
    results = index.search("onbekendwoord")
    assert results.total == 0 and results.hits == []
