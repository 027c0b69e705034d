"""The saved practice index: opened by every process without a rebuild, kept current by the
numbered change log, swapped for a newer generation while searches go on."""

import threading
import time

import markdown
import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from kennisschakel.knowledge import index_build
from kennisschakel.knowledge.health import search_index_check
from kennisschakel.knowledge.index_changes import current_seq
from kennisschakel.knowledge.models import Adoption, Practice, SearchIndexChange
from kennisschakel.knowledge.search import PracticeSearch, index_root, practice_search
from kennisschakel.knowledge.services import save_practice, set_status
from kennisschakel.knowledge.tasks import compact_search_index
from kennisschakel.register.models import Organisation, PolicyDomain


def new_practice(title, cbs_code="GM0153", body="Uitleg van de aanpak.", status="published"):
    practice = Practice(
        title=title,
        summary="Een korte samenvatting van de aanpak.",
        body=body,
        owner=Organisation.objects.get(slug=cbs_code.lower()),
        status=status,
    )
    return save_practice(
        practice,
        None,
        relations={"domains": [PolicyDomain.objects.get(slug="armoede-en-schulden")]},
    )


def found(search, word) -> list[str]:
    return [hit.practice.title for hit in search.search(word).hits]


@pytest.mark.django_db
def test_a_second_process_opens_the_saved_index_and_sees_new_practices(tmp_path):
    first, second = PracticeSearch(tmp_path), PracticeSearch(tmp_path)
    assert found(first, "zwiebertje") == []  # builds and saves the index once
    generation = first.generation
    assert generation is not None and first.store.generations() == [generation]
    assert found(second, "zwiebertje") == []
    assert second.generation == generation  # opened, not built again

    practice = new_practice("Het Zwiebertje-overleg over schulden")
    assert found(first, "zwiebertje") == found(second, "zwiebertje") == [practice.title]
    assert first.generation == second.generation == generation  # in the delta, no rebuild
    assert first.delta_size() == second.delta_size() == 1

    set_status(practice, Practice.Status.ARCHIVED, None)
    assert found(first, "zwiebertje") == found(second, "zwiebertje") == []
    set_status(practice, Practice.Status.PUBLISHED, None)
    assert found(second, "zwiebertje") == [practice.title]
    practice.delete()
    assert found(first, "zwiebertje") == found(second, "zwiebertje") == []


@pytest.mark.django_db
def test_plain_saves_domain_changes_and_adoptions_reach_the_index(tmp_path):
    search = PracticeSearch(tmp_path)
    practice = new_practice("Kwispelhuis voor jongeren")
    assert search.search("kwispelhuis").facet_counts["adopted"] == {"no": 1}
    adopted = {"adopted": {"yes"}}
    practice.title = "Snuffelhuis voor jongeren"
    practice.search_terms = {}  # a plain save (admin, scripts): analysed when indexed
    practice.save()
    assert found(search, "kwispelhuis") == []
    assert found(search, "snuffelhuis")[0] == practice.title

    domain = PolicyDomain.objects.exclude(slug="armoede-en-schulden").first()
    domain.practices.add(practice)
    assert search.search("snuffelhuis", {"domain": {domain.slug}}).total == 1
    assert practice.title not in [hit.practice.title for hit in search.search("", adopted).hits]
    Adoption.objects.create(
        practice=practice,
        organisation=Organisation.objects.get(slug="gm0363"),
        outcome=Adoption.Outcome.ADOPTED,
    )
    assert practice.title in [hit.practice.title for hit in search.search("", adopted).hits]


@pytest.mark.django_db
def test_an_unchanged_database_costs_one_query_per_search(tmp_path):
    search = PracticeSearch(tmp_path)
    search.search("afval")
    with CaptureQueriesContext(connection) as queries:
        result = search.search("afval")
    assert result.hits
    # The change counter, then the practices shown: nothing re-read for the index.
    assert len(queries) == 2, [q["sql"] for q in queries]
    assert "knowledge_searchindexstate" in queries[0]["sql"]


@pytest.mark.django_db
def test_snippets_come_from_the_stored_plain_text_without_rendering_markdown(
    client, monkeypatch, tmp_path
):
    practice = new_practice(
        "Markdown-proef",
        body="Een **vette** regel over de _Zwiebertjesroute_ en [een link](https://example.org).",
    )
    assert practice.body_text == "Een vette regel over de Zwiebertjesroute en een link."
    url = reverse("knowledge:practice-list")
    client.get(url, {"q": "zwiebertjesroute"})  # opens (here: builds) the index
    rendered = []
    original = markdown.markdown
    monkeypatch.setattr(
        markdown, "markdown", lambda *a, **k: rendered.append(1) or original(*a, **k)
    )
    body = client.get(url, {"q": "zwiebertjesroute"}).content.decode()
    assert "<mark>Zwiebertjesroute</mark>" in body and "**" not in body
    body = client.get(url, {"q": "aanpak"}).content.decode()  # many hits
    assert body.count("practice-card") >= 5
    assert rendered == []


@pytest.mark.django_db
def test_search_page_queries_do_not_grow_with_the_hits(client):
    url = reverse("knowledge:practice-list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url, {"q": "afvalinzameling", "negative": "yes"})
    with CaptureQueriesContext(connection) as page:
        client.get(url)  # a full page of 20 hits
    assert response.status_code == 200
    assert len(page) <= len(one) + 1
    assert len(page) <= 8, [q["sql"] for q in page]


def test_a_late_commit_is_not_missed(committed_db):
    """Writer A numbers its change and commits late; writer B starts after A. The search
    must find both once both committed, and must never have moved past A's number
    before A committed (B cannot overtake: it waits for A's lock on the counter)."""
    reader = PracticeSearch(index_root())
    assert found(reader, "laatkomer") == []
    numbered, release = threading.Event(), threading.Event()
    seqs = {}

    def slow_writer():
        try:
            with transaction.atomic():
                new_practice("De laatkomer in de wijk")
                seqs["a"] = current_seq()
                numbered.set()
                release.wait(30)
        finally:
            connections.close_all()

    def quick_writer():
        try:
            new_practice("Vroege vogel en laatkomer")
            seqs["b"] = current_seq()
        finally:
            connections.close_all()

    a = threading.Thread(target=slow_writer)
    a.start()
    assert numbered.wait(30)
    b = threading.Thread(target=quick_writer)
    b.start()
    time.sleep(0.5)  # B is now waiting for A's lock
    assert found(reader, "laatkomer") == []  # nothing committed yet
    release.set()
    a.join(30)
    b.join(30)
    assert seqs["a"] < seqs["b"]
    assert sorted(found(reader, "laatkomer")) == [
        "De laatkomer in de wijk",
        "Vroege vogel en laatkomer",
    ]


def test_a_rebuild_swaps_generations_while_a_reader_keeps_answering(committed_db):
    reader = PracticeSearch(index_root())
    expected = reader.search("afval").total
    first = reader.generation
    new_practice("Ruilwinkel voor afval en spullen")
    expected += 1
    failures, totals = [], []
    stop = threading.Event()

    def read():
        try:
            while not stop.is_set():
                totals.append(reader.search("afval").total)
        except Exception as error:  # noqa: BLE001 (reported below)
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for _ in range(3):  # older generations are deleted while mapped by the reader
            result = compact_search_index.call()
            assert result["generation"] != first
            index_build.rebuild(full=True)
    finally:
        stop.set()
        thread.join(30)
    assert failures == [] and totals
    assert set(totals) == {expected}
    assert reader.search("afval").total == expected
    assert reader.generation == reader.store.current() != first
    assert reader.delta_size() == 0  # the new generation holds the change
    assert len(reader.store.generations()) == 2
    # The change log keeps only what the older kept generation still needs.
    assert not SearchIndexChange.objects.filter(
        seq__lte=index_build.saved_seq(reader.store, reader.store.generations()[0])
    ).exists()


@pytest.mark.django_db
def test_many_changes_queue_a_compaction(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with (
        override_settings(KENNISSCHAKEL_INDEX_COMPACT_EVERY=1),
        django_capture_on_commit_callbacks(execute=True),
    ):
        new_practice("Aanleiding voor een nieuwe index")
    queued = DBTaskResult.objects.filter(queue_name="index")
    assert queued.filter(task_path__endswith="compact_search_index").exists()


@pytest.mark.django_db
def test_health_reports_the_saved_index():
    assert search_index_check()["ok"] is False  # nothing saved yet
    practice_search.search("afval")
    healthy = search_index_check()
    assert healthy["ok"] is True and healthy["generation"] == practice_search.generation
    assert healthy["changes_since"] == 0 and healthy["base_age_seconds"] >= 0
    assert healthy["analysis_current"] is True
    new_practice("Nog een praktijk")
    assert search_index_check()["changes_since"] == 1
    with override_settings(KENNISSCHAKEL_INDEX_MAX_CHANGES=0):
        assert search_index_check()["ok"] is False


@pytest.mark.django_db
def test_rebuild_command(capsys):
    from django.core.management import call_command

    call_command("rebuild_index")
    assert "practices" in capsys.readouterr().out
    assert practice_search.store.current() is not None
    practice_search.search("")
    assert practice_search.generation == practice_search.store.current()


@pytest.mark.django_db
def test_an_index_of_another_database_or_from_the_future_is_not_used(tmp_path):
    from kennisschakel.engines.text.search import SearchIndex
    from kennisschakel.knowledge.search import database_identity

    published = Practice.objects.published().count()
    store = PracticeSearch(tmp_path).store
    for meta in [
        {"seq": 0, "database": "sqlite::/elsewhere.sqlite3"},  # same directory, other DATABASE_URL
        {"seq": current_seq() + 100, "database": database_identity()},  # DB restored from a backup
    ]:
        foreign = store.publish(SearchIndex(), meta=meta)  # an empty index
        search = PracticeSearch(tmp_path)
        assert search.search("").total == published
        assert search.generation != foreign
        assert index_build.saved_meta(store, search.generation)["database"] == database_identity()


@pytest.mark.django_db
def test_warm_up_opens_the_saved_index_and_only_reads(tmp_path):
    from kennisschakel.knowledge.search import warm_up

    warm_up()  # nothing saved: nothing built either
    assert practice_search.store.current() is None and practice_search.generation is None
    index_build.rebuild()
    warm_up()
    assert practice_search.generation == practice_search.store.current()
    with CaptureQueriesContext(connection) as queries:
        practice_search.search("afval")
    assert len(queries) == 2  # the counter, then the practices: no build after the fork
