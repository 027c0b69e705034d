"""A saved index opened from its files answers exactly as the index that wrote them,
and takes changes of its own without touching the files."""

import random

import numpy as np
import pytest

from kennisschakel.engines.text.index_store import IndexStore
from kennisschakel.engines.text.search import Document, SearchIndex

WORDS = [
    "armoede",
    "schulden",
    "schuldhulpverlening",
    "jeugd",
    "jeugdzorg",
    "afval",
    "afvalinzameling",
    "wijk",
    "wijkteam",
    "energie",
    "isolatie",
    "woningen",
    "inwoners",
    "participatie",
    "sport",
    "bibliotheek",
    "stedenband",
    "jumelage",
    "Ghana",
    "Wmo",
    "vergunninghouders",
    "geëvalueerd",
    "gemeenten",
    "project",
]
QUERIES = [
    "armoede",
    "schuldhulp aan huis",
    "afvalinzameling wijk",
    "Wmo",
    "geevalueerd project",
    "statushouders",
    "stedenband",
    "",
    "onbekendwoord",
]


def corpus(count=300, seed=7):
    rng = random.Random(seed)
    documents = []
    for number in range(1, count + 1):
        documents.append(
            Document(
                number * 3,  # ids not dense, not in slot order after replacements
                {
                    "title": " ".join(rng.sample(WORDS, 3)),
                    "summary": " ".join(rng.choices(WORDS, k=12)),
                    "body": " ".join(rng.choices(WORDS, k=40)),
                },
                facets={
                    "province": [rng.choice(["PV20", "PV23", "PV26"])],
                    "domain": rng.sample(["milieu", "sociaal", "jeugd"], 2),
                },
                sort_key=rng.random(),
            )
        )
    return documents


def same(first, second):
    assert first.total == second.total
    assert [hit.id for hit in first.hits] == [hit.id for hit in second.hits]
    assert [hit.score for hit in first.hits] == pytest.approx(
        [hit.score for hit in second.hits], rel=1e-5
    )
    assert [sorted(hit.matched_terms) for hit in first.hits] == [
        sorted(hit.matched_terms) for hit in second.hits
    ]
    assert first.facet_counts == second.facet_counts
    assert first.query_terms == second.query_terms


def test_save_and_open_give_the_same_results(tmp_path, analyzer):
    documents = corpus()
    memory = SearchIndex(analyzer=analyzer)
    memory.add_many(documents)
    # Replacements and removals before saving: slots no longer follow ids.
    memory.add(documents[5])
    memory.remove(documents[7].id)
    memory.compact()
    memory.save(tmp_path / "index", meta={"watermark": 12})
    opened = SearchIndex.open(tmp_path / "index", analyzer=analyzer)
    assert opened.meta == {"watermark": 12}
    assert len(opened) == len(memory) and documents[7].id not in opened
    assert isinstance(opened._store.base_slots.base, np.memmap)  # mapped, not read
    for query in QUERIES:
        for filters in [None, {"province": {"PV23"}}, {"domain": {"jeugd", "milieu"}}]:
            same(memory.search(query, filters, limit=15), opened.search(query, filters, limit=15))
    same(memory.search("", allowed_ids={3, 9, 12, 999}), opened.search("", allowed_ids={3, 9, 12}))
    # The index that saved goes on answering the same (it maps its vocabulary now too).
    same(memory.search("armoede wijk"), opened.search("armoede wijk"))


def test_an_opened_index_takes_changes_like_an_in_memory_one(tmp_path, analyzer):
    documents = corpus(200)
    memory = SearchIndex(analyzer=analyzer, auto_compact=False)
    memory.add_many(documents)
    memory.save(tmp_path / "index")
    opened = SearchIndex.open(tmp_path / "index", analyzer=analyzer)
    files_before = {p.name: p.read_bytes() for p in (tmp_path / "index").iterdir()}
    changes = [
        Document(5000, {"title": "Zwiebertje in de wijk", "body": "nieuw woord"}, {"kind": ["x"]}),
        Document(3, {"title": "Vervangen: jeugdzorg"}, {"province": ["PV20"]}),
    ]
    for index in (memory, opened):
        for document in changes:
            index.add(document)
        index.remove(6)
        index.remove(424242)
    assert opened.delta_docs == 2
    for query in ["zwiebertje", "jeugdzorg", "armoede", "", "vervangen"]:
        same(memory.search(query, limit=50), opened.search(query, limit=50))
    same(memory.search("", {"kind": {"x"}}), opened.search("", {"kind": {"x"}}))
    # Copy-on-write: the files on disk are exactly as written.
    assert {p.name: p.read_bytes() for p in (tmp_path / "index").iterdir()} == files_before
    # Compacting and saving an opened index gives a base with the changes in it.
    opened.compact()
    memory.compact()  # both now score with the new average field lengths
    opened.save(tmp_path / "again")
    again = SearchIndex.open(tmp_path / "again", analyzer=analyzer)
    for query in ["zwiebertje", "jeugdzorg", "armoede wijk", ""]:
        same(memory.search(query, limit=50), again.search(query, limit=50))


def test_more_new_documents_than_the_headroom(tmp_path, analyzer):
    memory = SearchIndex(analyzer=analyzer, auto_compact=False)
    memory.add_many(corpus(20))
    memory.save(tmp_path / "index")
    opened = SearchIndex.open(tmp_path / "index", analyzer=analyzer)
    extra = [Document(10_000 + n, {"body": f"afval nummer{n}"}) for n in range(1500)]
    for document in extra:
        opened.add(document)
        memory.add(document)
    same(memory.search("afval", limit=30), opened.search("afval", limit=30))


def test_an_empty_index_saves_and_opens(tmp_path, analyzer):
    SearchIndex(analyzer=analyzer).save(tmp_path / "empty")
    opened = SearchIndex.open(tmp_path / "empty", analyzer=analyzer)
    assert len(opened) == 0 and opened.search("afval").total == 0
    opened.add(Document(1, {"body": "afval"}))
    assert [hit.id for hit in opened.search("afval").hits] == [1]


def test_the_store_publishes_generations_and_readers_keep_theirs(tmp_path, analyzer):
    store = IndexStore(tmp_path / "store")
    assert store.current() is None
    first = SearchIndex(analyzer=analyzer)
    first.add_many(corpus(30))
    generation = store.publish(first, meta={"seq": 1})
    assert store.current() == generation
    reader = store.open(generation, analyzer=analyzer)
    before = reader.search("armoede").total
    for round_ in range(4):  # older generations are removed, but a reader's maps stay valid
        later = SearchIndex(analyzer=analyzer)
        later.add_many(corpus(40 + round_, seed=round_))
        store.publish(later, meta={"seq": 2 + round_})
    assert store.current() != generation
    assert reader.search("armoede").total == before
    assert store.open(store.current(), analyzer=analyzer).meta == {"seq": 5}
    assert len(store.generations()) <= 2


def test_the_filtered_word_list_is_kept_for_the_next_process(tmp_path, monkeypatch):
    from kennisschakel.engines.text import lexicon

    monkeypatch.setenv("KENNISSCHAKEL_LEXICON_CACHE_DIR", str(tmp_path))
    fresh = lexicon.wordfreq_words.__wrapped__(3.5)  # reads wordfreq, writes the file
    [kept] = list(tmp_path.glob("lexicon-nl-wordfreq*-zipf3.5.json"))
    kept.write_text(kept.read_text().replace('"armoede"', '"armoede-uit-het-bestand"'))
    again = lexicon.wordfreq_words.__wrapped__(3.5)  # another process: reads the file
    assert "armoede-uit-het-bestand" in again and "armoede" not in again
    assert len(again) == len(fresh) > 10_000
    assert again["gemeente"] == fresh["gemeente"]
