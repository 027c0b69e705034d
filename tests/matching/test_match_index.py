"""The matcher's candidate index on disk: built once, opened by another process without
rebuilding, kept current from the change log, swapped atomically under a reader."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from kennisschakel.engines import matching as matchengine
from kennisschakel.matching import match_index, services
from kennisschakel.matching.health import match_index_check
from kennisschakel.matching.index_changes import current_seq
from kennisschakel.matching.models import MatchIndexChange
from kennisschakel.register.models import ContactPerson, Municipality

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Wie weet iets van xylofoonbeleid en gemeentelijke xylofoons?"
CHINA = (
    "We zoeken een gemeente die ervaring heeft met economische samenwerking met een Chinese stad"
)


@pytest.fixture
def enschede(committed_db):
    return Municipality.objects.get(cbs_code="GM0153").organisation


def _database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings_dict['NAME']}"


OTHER_PROCESS = """
import json, django
django.setup()
from kennisschakel.engines import matching as matchengine
from kennisschakel.matching import match_index
found = match_index.current_matcher().match(matchengine.Query(text={question!r}, limit=20))
print(json.dumps({{"generation": match_index._STATE.generation,
                  "keys": [match.key for match in found]}}))
"""


def ask_in_another_process(question: str) -> dict:
    """A fresh Python process on the same database and index directory (what a new web
    worker is): which generation it opened and what it answers."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kennisschakel.settings",
        "DATABASE_URL": _database_url(),
        "KENNISSCHAKEL_INDEX_DIR": str(settings.KENNISSCHAKEL_INDEX_DIR),
        "KENNISSCHAKEL_DEBUG": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    result = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS.format(question=question)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_process_opens_the_saved_index_and_answers_like_a_fresh_build(committed_db):
    built = match_index.rebuild()
    match_index.forget()
    weert = Municipality.objects.get(cbs_code="GM0988")
    opened = services.find_matches(CHINA, weert, international=True)
    assert match_index._STATE.generation == built["generation"]  # opened, not built

    in_memory, _seq = match_index.build()
    query = matchengine.Query(text=CHINA, international=True, countries=frozenset({"CN"}), limit=10)
    from kennisschakel.matching import adapter

    asker = adapter.asker_for(weert.organisation_id)
    expected = in_memory.match(query, asker)
    assert [s.key for s in opened] == [m.key for m in expected]
    assert [s.score for s in opened] == [m.score for m in expected]
    assert "municipality:GM0153" in [s.key for s in opened]


def test_a_change_written_here_is_seen_by_another_process_without_a_rebuild(enschede):
    built = match_index.rebuild()
    person = ContactPerson.objects.create(
        organisation=enschede,
        name="Xandra Xylofoon",
        role="adviseur",
        expertise="xylofoonbeleid en gemeentelijke xylofoons",
        consent_given_at=timezone.now(),
    )
    assert current_seq() > built["seq"]  # the write was numbered in the change log

    other = ask_in_another_process(QUESTION)
    assert other["generation"] == built["generation"]  # opened the saved index
    assert f"person:{person.pk}" in other["keys"]

    person.consent_withdrawn_at = timezone.now()
    person.save()
    other = ask_in_another_process(QUESTION)
    assert other["generation"] == built["generation"]
    assert f"person:{person.pk}" not in other["keys"]

    # And this process, which opened the index before both changes, follows them too.
    match_index.forget()
    match_index.current_matcher()
    person.consent_withdrawn_at = None
    person.save()
    assert f"person:{person.pk}" in [s.key for s in services.find_matches(QUESTION, limit=20)]
    assert match_index._STATE.generation == built["generation"]


def test_a_rebuild_takes_in_the_changes_and_clears_their_log(enschede):
    match_index.rebuild()
    ContactPerson.objects.create(
        organisation=enschede,
        name="Yvo Yoga",
        role="adviseur",
        expertise="yogabeleid",
        consent_given_at=timezone.now(),
    )
    assert MatchIndexChange.objects.exists()
    status = match_index_check()
    assert status["ok"] and status["pending_changes"] >= 1
    built = match_index.rebuild()
    assert built["seq"] == current_seq()
    assert not MatchIndexChange.objects.filter(seq__lte=built["seq"]).exists()
    match_index.forget()
    assert any(s.name == "Yvo Yoga" for s in services.find_matches("yogabeleid in de wijk"))
    status = match_index_check()
    assert status["ok"] and status["pending_changes"] == 0
    assert status["generation"] == built["generation"]


def test_a_rebuild_swaps_atomically_while_a_reader_keeps_answering(committed_db):
    match_index.rebuild()
    store = match_index.index_store()
    query = matchengine.Query(text="economische samenwerking met China", limit=10)
    failures, answers = [], []
    stop = threading.Event()

    def reader():
        held = matchengine.Matcher.open(store.path(store.current()))
        try:
            while not stop.is_set():
                # A matcher opened before the swap keeps answering from its mapped files,
                # even once its generation's directory is deleted; a fresh open always
                # finds a complete generation behind "current".
                answers.append([m.key for m in held.match(query)])
                answers.append(
                    [
                        m.key
                        for m in matchengine.Matcher.open(store.path(store.current())).match(query)
                    ]
                )
        except Exception as error:  # reported below, with the thread's failure
            failures.append(repr(error))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        names = [match_index.rebuild()["generation"] for _ in range(3)]
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures
    assert len(answers) >= 2 and all(keys == answers[0] and keys for keys in answers)
    assert store.current() == names[-1]
    assert len(store.generations()) <= 2  # older generations removed


def test_health_check_needs_a_saved_index(committed_db):
    status = match_index_check()
    assert status["ok"] is False and "rebuild_match_index" in status["error"]
    built = match_index.rebuild()
    status = match_index_check()
    assert status["ok"] is True
    assert status["generation"] == built["generation"]
    assert status["pending_changes"] == 0 and status["age_seconds"] >= 0


def test_a_process_without_a_saved_index_builds_in_memory_and_queues_a_build(committed_db):
    from django_tasks_db.models import DBTaskResult

    match_index._FALLBACK_QUEUED = False
    services.find_matches(CHINA)
    assert match_index._STATE.generation is None and match_index._STATE.matcher is not None
    assert DBTaskResult.objects.filter(task_path__endswith="rebuild_match_index").exists()


def test_every_so_many_changes_the_writer_queues_one_rebuild(enschede, settings):
    from django_tasks_db.models import DBTaskResult

    settings.KENNISSCHAKEL_MATCH_INDEX_REBUILD_EVERY = 3
    rebuilds = DBTaskResult.objects.filter(task_path__endswith="rebuild_match_index")
    before = rebuilds.count()
    start = current_seq()
    for number in range(6 - start % 3):  # crosses two multiples of 3
        ContactPerson.objects.create(organisation=enschede, name=f"P{number}", role="r")
    assert current_seq() - start >= 6 - start % 3
    assert rebuilds.count() - before == 2


def test_publishing_and_unpublishing_a_practice_follows_without_a_rebuild(enschede):
    from kennisschakel.knowledge.models import Practice
    from kennisschakel.knowledge.services import save_practice, set_status
    from kennisschakel.register.models import PolicyDomain

    built = match_index.rebuild()
    match_index.forget()
    question = "zonnepanelen op zwembaddaken met zwemverenigingen"

    def found_keys():
        matcher = match_index.current_matcher()
        return [m.key for m in matcher.match(matchengine.Query(text=question, limit=10))]

    practice = save_practice(
        Practice(
            title="Zonnepanelen op zwembaddaken",
            summary="Samen met zwemverenigingen zonnepanelen op de daken van zwembaden.",
            body="Uitleg van de aanpak.",
            owner=enschede,
            status="published",
        ),
        None,
        relations={"domains": [PolicyDomain.objects.get(slug="armoede-en-schulden")]},
    )
    keys = found_keys()
    assert keys[0] == f"practice:{practice.slug}"
    assert "municipality:GM0153" in keys  # the owner's profile names its practices
    set_status(practice, Practice.Status.DRAFT, None)
    assert f"practice:{practice.slug}" not in found_keys()
    assert match_index._STATE.generation == built["generation"]  # no rebuild needed


def test_the_health_check_is_registered_at_startup():
    from kennisschakel.core.health import registered

    assert registered()["match_index"] is match_index_check
