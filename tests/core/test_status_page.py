"""The facilitators' system status page (core/status/): the checks in words, full index
rebuilds queued from the page (once, however often clicked), run by the worker, and
the page refreshing itself only while a rebuild waits or runs."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from kennisschakel.accounts.models import Role
from kennisschakel.core.status import rebuilds
from kennisschakel.knowledge.search import index_store
from kennisschakel.matching.match_index import index_store as match_store
from tests.background import run_queued_tasks
from tests.concurrency import errors, run_in_threads

STATUS = "/systeemstatus/"
REFRESH = '<meta http-equiv="refresh"'
SEARCH_TASK = "kennisschakel.knowledge.tasks.rebuild_search_index"
MATCH_TASK = "kennisschakel.matching.tasks.rebuild_match_index"


def rebuild_url(index):
    return reverse("core:status-rebuild", args=[index])


def queued(task_path):
    return DBTaskResult.objects.filter(task_path=task_path).count()


@pytest.fixture
def facilitator_client(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


def test_the_route_is_dutch():
    assert reverse("core:status") == STATUS


def test_a_facilitator_sees_every_check_in_words(facilitator_client):
    response = facilitator_client.get(STATUS)
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Database", "Taakwachtrij", "Zoekindex", "Matchindex"):
        assert re.search(rf"<h3 id=\"check-\w+\">{heading}:", page), heading
    for words in ("Taken die wachten op een worker", "Langste wachttijd", "Mislukte taken"):
        assert words in page
    assert "Zoekindex opnieuw opbouwen" in page and "Matchindex opnieuw opbouwen" in page
    assert "<caption" in page or "Nog geen indextaken" in page
    assert REFRESH not in page
    # Facilitators find it in the main menu; others do not see the link.
    assert f'href="{STATUS}"' in page


@pytest.mark.parametrize("role", [Role.READER, Role.CONTRIBUTOR, Role.COORDINATOR])
def test_others_are_refused(make_user, role):
    client = Client()
    client.force_login(make_user(role, "GM0153"))
    assert client.get(STATUS).status_code == 403
    assert client.post(rebuild_url("zoekindex")).status_code == 403
    assert queued(SEARCH_TASK) == 0
    assert f'href="{STATUS}"' not in client.get("/").content.decode()


def test_anonymous_is_sent_to_the_login(db, client):
    response = client.get(STATUS)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.post(rebuild_url("matchindex")).status_code == 302
    assert queued(MATCH_TASK) == 0


def test_the_page_speaks_english_too(facilitator_client):
    from django.conf import settings

    facilitator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    page = facilitator_client.get(STATUS).content.decode()
    assert "<h1>System status</h1>" in page
    assert "Rebuild the search index" in page and "Tasks waiting for a worker" in page


def test_an_unknown_index_is_a_404_and_get_is_not_allowed(facilitator_client):
    assert facilitator_client.post(rebuild_url("onbekend")).status_code == 404
    assert facilitator_client.get(rebuild_url("zoekindex")).status_code == 405


def test_a_double_click_queues_one_rebuild(facilitator_client):
    for _click in range(2):
        response = facilitator_client.post(rebuild_url("zoekindex"))
        assert response.status_code == 302 and response["Location"] == STATUS
    assert queued(SEARCH_TASK) == 1
    page = facilitator_client.get(STATUS).content.decode()
    assert "staat al in de wachtrij" in page  # the second click was told so
    assert "Opnieuw opbouwen staat in de wachtrij (sinds" in page
    assert REFRESH in page


def test_parallel_clicks_queue_one_rebuild(committed_db, facilitator):
    def click():
        client = Client()
        client.force_login(facilitator)
        return client.post(rebuild_url("matchindex")).status_code

    outcomes = run_in_threads(click, [()] * 4)
    assert errors(outcomes) == []
    assert [outcome.value for outcome in outcomes] == [302] * 4
    assert queued(MATCH_TASK) == 1


def test_a_running_rebuild_blocks_another_and_a_stale_one_does_not(facilitator_client):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus

    facilitator_client.post(rebuild_url("zoekindex"))
    task = DBTaskResult.objects.get(task_path=SEARCH_TASK)
    task.claim("elsewhere")  # a worker took it
    page = facilitator_client.get(STATUS).content.decode()
    assert "bezig sinds" in page and REFRESH in page
    facilitator_client.post(rebuild_url("zoekindex"))
    assert queued(SEARCH_TASK) == 1
    # Its worker died hours ago: the page may queue a new one.
    DBTaskResult.objects.filter(pk=task.pk).update(
        started_at=timezone.now() - rebuilds.STALE_RUNNING - timedelta(minutes=1)
    )
    facilitator_client.post(rebuild_url("zoekindex"))
    assert queued(SEARCH_TASK) == 2
    assert (
        DBTaskResult.objects.filter(task_path=SEARCH_TASK, status=TaskResultStatus.READY).count()
        == 1
    )


@pytest.mark.parametrize(
    ("index", "store", "task_path"),
    [("zoekindex", index_store, SEARCH_TASK), ("matchindex", match_store, MATCH_TASK)],
)
def test_the_worker_rebuilds_and_the_page_shows_it_done(
    facilitator_client, index, store, task_path
):
    # A first generation, so the rebuild must make a newer one.
    facilitator_client.post(rebuild_url(index))
    run_queued_tasks(["index"])
    first = store().current()
    assert first is not None

    facilitator_client.post(rebuild_url(index))
    page = facilitator_client.get(STATUS).content.decode()
    assert REFRESH in page  # pending: the page refreshes itself
    assert 'content="3"' in page

    assert run_queued_tasks(["index"]) == 1
    second = store().current()
    assert second is not None and second != first
    page = facilitator_client.get(STATUS).content.decode()
    assert REFRESH not in page  # done: no more refreshing
    assert re.search(rf"Laatste opbouw klaar om [^<]*: generatie {re.escape(second)}", page)
    assert second in page  # also in the check's figures and the task table
    assert DBTaskResult.objects.filter(task_path=task_path).count() == 2
