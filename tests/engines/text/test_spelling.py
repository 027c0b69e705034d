"""Spelling suggestions (*Bedoelde u …?*) from the words the indexed documents contain,
in memory and from a saved (memory-mapped) index."""

import json

import pytest

from kennisschakel.engines.text.search import FORMS_KEY, Document, SearchIndex, has_forms
from kennisschakel.engines.text.spelling import SpellingVocabulary, max_edits

TEXTS = [
    "Armoedebestrijding in de wijk met maatschappelijke organisaties.",
    "Een stedenband met Kocaeli in Turkije over de brandweer.",
    "Klimaatadaptatie: groene daken en waterberging.",
    "Afvalscheiding en een afvalproject met de buurgemeente.",
]


@pytest.fixture
def index(analyzer) -> SearchIndex:
    index = SearchIndex(analyzer=analyzer)
    index.add_many(Document(n, {"body": text}) for n, text in enumerate(TEXTS, 1))
    return index


def vocabulary(counts: dict[str, int]) -> SpellingVocabulary:
    vocabulary = SpellingVocabulary()
    for word, df in counts.items():
        for _ in range(df):
            vocabulary.add_document([word])
    return vocabulary


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("armoedebestrijdng", "armoedebestrijding"),  # a letter left out
        ("armoedebestrjiding", "armoedebestrijding"),  # two letters swapped
        ("stedenbamd", "stedenband"),  # a letter wrong
        ("kocaely", "kocaeli"),
        ("klimaatadaptatei", "klimaatadaptatie"),
        ("turkeije", "turkije"),  # a letter too many
    ],
)
def test_typos_are_corrected_from_the_indexed_words(index, typed, meant):
    assert index.suggest(typed) == meant


def test_the_rest_of_the_query_is_kept_as_typed(index):
    assert index.suggest("Armoedebestrijdng in de wijk") == "armoedebestrijding in de wijk"
    assert index.suggest("brandweer in Turkeije, Kocaely") == "brandweer in turkije, kocaeli"


def test_an_english_word_the_lexicon_translates_is_no_typo(index):
    # "Turkeye" reads as English "Turkey" (engines/text/bilingual.py): the query finds Turkije
    # through its translation, so there is nothing to correct in it.
    assert index.suggest("brandweer in Turkeye, Kocaely") == "brandweer in Turkeye, kocaeli"


def test_known_words_compounds_of_known_words_and_synonyms_are_left_alone(index):
    assert index.suggest("armoedebestrijding") is None
    assert index.suggest("Wmo") is None  # a synonym of maatschappelijke ondersteuning
    assert index.suggest("afvalscheidingsproject") is None  # afvalscheiding + project
    assert index.suggest("") is None
    assert index.suggest("xqzwvbk") is None  # nothing near


def test_short_words_are_not_corrected():
    words = vocabulary({"wijk": 3, "wijze": 1})
    assert max_edits("wyk") == 0 and words.nearest("wyk") is None
    assert max_edits("wijkk") == 1 and words.nearest("wijkk") == "wijk"
    assert max_edits("armoedebestrijdng") == 2


def test_the_nearest_word_wins_then_the_most_documents():
    words = vocabulary({"inzameling": 1, "inzamelingen": 5, "verzameling": 9})
    assert words.nearest("inzamelin") == "inzameling"  # one edit beats two
    # Both one edit away: the one in more documents first.
    assert [c[2] for c in words.candidates("inzamelinge")] == ["inzamelingen", "inzameling"]
    words = vocabulary({"stedenband": 2, "stedenbond": 7})
    assert words.nearest("stedenbund") == "stedenbond"  # both one edit: more documents


def test_words_of_removed_documents_are_not_suggested(index):
    assert index.suggest("kocaely") == "kocaeli"
    index.remove(2)
    assert index.suggest("kocaely") is None
    index.compact()
    assert index.suggest("kocaely") is None


def test_a_saved_index_suggests_from_its_mapped_vocabulary(tmp_path, index, analyzer):
    index.save(tmp_path / "saved")
    opened = SearchIndex.open(tmp_path / "saved", analyzer=analyzer)
    assert len(opened._spelling) == len(index._spelling) > 10
    assert opened.suggest("armoedebestrijdng") == "armoedebestrijding"
    # Documents added to the opened index join the vocabulary at once.
    opened.add(Document(9, {"body": "Een nieuw project over laaggeletterdheid."}))
    assert opened.suggest("laaggeletterdhied") == "laaggeletterdheid"
    # Saved again (a compaction by the index task), both are in the files.
    opened.save(tmp_path / "again")
    again = SearchIndex.open(tmp_path / "again", analyzer=analyzer)
    assert again.suggest("laaggeletterdhied kocaely") == "laaggeletterdheid kocaeli"


def test_an_index_saved_without_a_vocabulary_opens_and_suggests_nothing(tmp_path, analyzer):
    index = SearchIndex(analyzer=analyzer)
    index.add_many([Document(1, {"body": "Armoedebestrijding in de wijk."})])
    index.save(tmp_path / "saved")
    for name in ("forms.bin", "grams_words.npy"):
        (tmp_path / "saved" / name).unlink()
    opened = SearchIndex.open(tmp_path / "saved", analyzer=analyzer)
    assert [hit.id for hit in opened.search("armoedebestrijding").hits] == [1]
    assert opened.suggest("armoedebestrijdng") is None


def test_an_empty_index_saves_opens_and_suggests_nothing(tmp_path, analyzer):
    SearchIndex(analyzer=analyzer).save(tmp_path / "empty")
    opened = SearchIndex.open(tmp_path / "empty", analyzer=analyzer)
    assert opened.suggest("armoedebestrijdng") is None


def test_analysed_counts_carry_the_words_of_each_field(index):
    counts = index.analyse({"title": "Armoedebestrijding", "body": "De Wijk en 2024 W&I"})
    assert counts["title"][FORMS_KEY] == ["armoedebestrijding"]
    assert counts["body"][FORMS_KEY] == ["wijk"]  # no stop words, numbers or codes
    assert json.loads(json.dumps(counts)) == counts
    assert has_forms(counts) and not has_forms({"title": {"armoed": 1}})
    # The words are not terms: nothing can search for them.
    index.add_analysed(7, counts)
    assert index.search("#forms").total == 0
