"""Issue 12: the knowledge-bank search protects the register's names (municipalities,
organisations, countries, places abroad) and parts of the world: they match only as
whole names, never through a fragment; stored search terms of another analysis are
analysed again when the index is built."""

import pytest

from kennisschakel.engines.text.search import ANALYSIS_KEY
from kennisschakel.knowledge.index_build import rebuild
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.search import practice_search, protected_names, shared_analyzer

pytestmark = pytest.mark.django_db


def slugs(result):
    return [hit.practice.slug for hit in result.hits]


def test_protected_names_come_from_the_register_and_the_parts_of_the_world():
    names = set(protected_names())
    assert {"Wijk bij Duurstede", "Waalwijk", "Enschede"} <= names
    assert "oost-europa" in names  # data/region_names.txt (folded)


def test_a_municipality_is_not_found_through_a_fragment_of_its_name(make_practice):
    practice = make_practice(
        title="Afvalinzameling samen met Waalwijk",
        summary="Twee gemeenten zamelen samen afval in.",
    )
    assert practice.slug in slugs(practice_search.search("Waalwijk", limit=5))
    assert practice.slug not in slugs(practice_search.search("wijk", limit=100))


def test_a_name_of_several_words_matches_only_whole(make_practice):
    make_practice(title="De wijkagent in de wijk", summary="Een wijkagent kent de wijk.")
    assert practice_search.search("Wijk bij Duurstede").total == 0


def test_stored_terms_of_another_analysis_are_analysed_again(make_practice):
    practice = make_practice(title="Taalcafé voor nieuwkomers", summary="Een taalcafé.")
    stale = dict(practice.search_terms)
    assert stale[ANALYSIS_KEY] == shared_analyzer().signature
    stale[ANALYSIS_KEY] = "0:old"
    stale["title"] = {**stale["title"], "fietsenstalling": 1}  # not in the text
    Practice.objects.filter(pk=practice.pk).update(search_terms=stale)
    rebuild(full=True)
    practice_search.reset()
    assert practice.slug in slugs(practice_search.search("taalcafé", limit=5))
    assert practice.slug not in slugs(practice_search.search("fietsenstalling"))


def test_an_index_analysed_otherwise_keeps_answering_and_the_worker_rebuilds_it(make_practice):
    """After an upgrade that changes the analysis, a search never waits for a build: the
    saved index answers and one rebuild is queued for the worker, whoever asks."""
    import json

    from django_tasks_db.models import DBTaskResult

    from kennisschakel.engines.text.search import MANIFEST
    from kennisschakel.knowledge.health import search_index_check
    from kennisschakel.knowledge.tasks import rebuild_search_index

    practice = make_practice(title="Taalcafé voor nieuwkomers", summary="Een taalcafé.")
    assert practice.slug in slugs(practice_search.search("taalcafé", limit=5))
    store, generation = practice_search.store, practice_search.generation
    manifest_path = store.path(generation) / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["meta"]["analysis"] = "0:older-analysis"
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    rebuilds = DBTaskResult.objects.filter(task_path=rebuild_search_index.module_path)
    assert not rebuilds.exists()

    for _ in range(2):  # two processes (or one after a restart) ask
        practice_search.reset()
        assert practice.slug in slugs(practice_search.search("taalcafé", limit=5))
        assert practice_search.generation == generation  # answered from the saved index
    assert rebuilds.filter(status="READY").count() == 1
    assert search_index_check()["analysis_current"] is False  # /health tells the operator

    rebuild(full=True)  # what the queued task runs
    assert practice.slug in slugs(practice_search.search("taalcafé", limit=5))
    assert practice_search.generation != generation
    assert rebuilds.filter(status="READY").count() == 1  # nothing more asked
