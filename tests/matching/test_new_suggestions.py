"""Saved questions followed up (matching/followup.py): the background pass re-matches open
questions, the asking organisation's visits mark suggestions seen, and Mijn Kennisschakel
lists the questions with suggestions that are new since the previous visit."""

import datetime
import re
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kennisschakel.accounts.models import Role
from kennisschakel.core.context_processors import MineMenu
from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.services import save_practice
from kennisschakel.matching import followup, scheduling, services
from kennisschakel.matching.models import Question, SuggestionState
from kennisschakel.matching.tasks import rebuild_match_index, refresh_question_suggestions
from kennisschakel.notifications.models import Kind, Notification
from kennisschakel.register.models import Organisation, PolicyDomain
from tests.background import run_queued_tasks
from tests.chromium import CHROMIUM, WCAG_21_AA, log_in, shot
from tests.concurrency import errors, run_in_threads

MINE = reverse("core:mine")
# A question about something no demo practice mentions: a practice added later is new.
TEXT = "Wie heeft ervaring met zwaluwtillen en gierzwaluwkasten bij nieuwbouw in de wijk?"


def _question(user, title="Gierzwaluwen bij nieuwbouw", text=TEXT, **extra) -> Question:
    return Question.objects.create(
        organisation=user.organisation, title=title, text=text, created_by=user, **extra
    )


def _practice(cbs_code="GM0153") -> Practice:
    practice = Practice(
        title="Zwaluwtillen en gierzwaluwkasten in elke nieuwbouwwijk",
        summary="Bij nieuwbouw plaatst de gemeente zwaluwtillen en gierzwaluwkasten.",
        body="De aanpak met zwaluwtillen en gierzwaluwkasten, met de bouwers afgesproken.",
        owner=Organisation.objects.get(slug=cbs_code.lower()),
        status="published",
    )
    domain = PolicyDomain.objects.get(slug="fysiek-en-economie")  # the first top-level one
    return save_practice(practice, None, relations={"domains": [domain]})


def _state(question) -> SuggestionState:
    return SuggestionState.objects.get(pk=question.pk)


def _section(body: str, key: str = "new-suggestions") -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="mine-{key}".*?</section>', body, re.S)
    return found.group(0) if found else ""


def _new_tags(body: str) -> int:
    return body.count('class="tag tag-new"')


# --------------------------------------------------------------------------- the pass


@pytest.mark.django_db
def test_the_pass_stores_each_open_questions_top_keys_and_skips_what_did_not_change(
    weert_contributor,
):
    question = _question(weert_contributor)
    closed = _question(weert_contributor, title="Oud", status=Question.Status.CLOSED)
    result = followup.refresh_open_questions()
    assert result["questions"] >= 1 and result["failed"] == 0
    state = _state(question)
    expected = [s.key for s in services.question_matches(question, followup.TOP)]
    assert state.current == expected
    assert state.basis == result["basis"] and state.refreshed_at is not None
    assert not SuggestionState.objects.filter(pk=closed.pk).exists()  # closed: not followed
    # Nothing changed: the next pass matches nothing again.
    assert followup.refresh_open_questions()["questions"] == 0
    # A new practice is a logged change: every open question is due again.
    practice = _practice()
    again = followup.refresh_open_questions()
    assert again["questions"] >= 1 and again["basis"] != result["basis"]
    assert f"practice:{practice.slug}" in _state(question).current


@pytest.mark.django_db
def test_new_since_the_last_visit_on_mine_and_marked_on_the_question_page(
    client, weert_contributor, django_capture_on_commit_callbacks
):
    question = _question(weert_contributor)
    client.force_login(weert_contributor)
    # First visit (right after saving): everything is seen, nothing is "new".
    first = client.get(question.get_absolute_url()).content.decode()
    assert _new_tags(first) == 0
    state = _state(question)
    assert state.seen_at is not None and state.new_count == 0
    with django_capture_on_commit_callbacks(execute=True):
        followup.refresh_open_questions()
    assert _state(question).new_count == 0  # the pass found what was shown
    assert "Gierzwaluwen bij nieuwbouw" not in _section(client.get(MINE).content.decode())

    practice = _practice()  # Enschede shares a practice that answers the question
    with django_capture_on_commit_callbacks(execute=True):
        followup.refresh_open_questions()
    key = f"practice:{practice.slug}"
    state = _state(question)
    assert key in state.current and key not in state.seen and state.new_count >= 1

    page = client.get(MINE).content.decode()
    section = _section(page)
    assert "Uw vragen met nieuwe suggesties" in section
    assert question.get_absolute_url() + "#suggestions-heading" in section
    assert re.search(rf"{state.new_count} nieuwe suggesties? sinds het vorige bezoek", section)
    assert MineMenu(weert_contributor).count >= 1  # counted in the menu's number
    # Told once, in Dutch, to the asking organisation.
    told = Notification.objects.get(user=weert_contributor, kind=Kind.NEW_SUGGESTIONS)
    assert told.subject == question.title and told.url == question.get_absolute_url()

    seen_before = set(state.seen)
    shown = client.get(question.get_absolute_url()).content.decode()
    url = re.escape(practice.get_absolute_url())
    marked = re.search(rf'href="{url}"[^<]*</a>.*?</h3>', shown, re.S)
    assert marked and 'class="tag tag-new">nieuw<' in marked.group(0)
    assert "nieuw sinds het vorige bezoek van uw organisatie" in shown
    keys = [s.key for s in services.question_matches(question)]
    assert _new_tags(shown) == len([k for k in keys if k not in seen_before]) >= 1
    state = _state(question)
    assert key in state.seen and state.new_count == 0
    assert "Gierzwaluwen bij nieuwbouw" not in _section(client.get(MINE).content.decode())
    assert _new_tags(client.get(question.get_absolute_url()).content.decode()) == 0


@pytest.mark.django_db
def test_only_the_asking_organisation_sees_or_marks_new_suggestions(
    client, weert_contributor, make_user
):
    question = _question(weert_contributor)
    followup.mark_seen(question, ["practice:oud"])  # Weert visited before
    followup.store_current(question, ["practice:oud", "practice:nieuw"], "test:1")
    before = _state(question)
    assert before.new_count == 1

    outsider = make_user(Role.CONTRIBUTOR, "GM0153", email="iemand@enschede.test")
    client.force_login(outsider)
    assert client.get(question.get_absolute_url()).status_code == 200  # public, as before
    assert "Gierzwaluwen bij nieuwbouw" not in _section(client.get(MINE).content.decode())
    assert MineMenu(outsider).count == 0
    client.logout()
    assert client.get(question.get_absolute_url()).status_code == 200
    after = _state(question)  # neither visit counted as the asker's
    assert (after.seen, after.seen_at, after.new_count) == (
        before.seen,
        before.seen_at,
        before.new_count,
    )
    # A reader of the asking organisation does see it (it waits for the organisation).
    reader = make_user(Role.READER, "GM0988", email="lezer@weert.test")
    client.force_login(reader)
    assert "Gierzwaluwen bij nieuwbouw" in _section(client.get(MINE).content.decode())


@pytest.mark.django_db
def test_a_pass_notifies_once_and_not_before_the_first_visit(weert_contributor):
    question = _question(weert_contributor)
    # Never visited: nothing counts as new, nobody is told.
    assert followup.store_current(question, ["practice:a"], "test:1") == []
    assert _state(question).new_count == 0
    followup.mark_seen(question, ["practice:a"])
    fresh = followup.store_current(question, ["practice:b", "practice:a"], "test:2")
    assert fresh == ["practice:b"]
    # The same finding again (another worker, the next pass): not told twice.
    assert followup.store_current(question, ["practice:b", "practice:a"], "test:3") == []
    assert _state(question).new_count == 1


@pytest.mark.django_db
def test_mine_needs_no_query_per_question(client, weert_contributor):
    def with_new(count):
        for number in range(count):
            question = _question(weert_contributor, title=f"Vraag {number}")
            followup.mark_seen(question, ["practice:oud"])
            followup.store_current(question, ["practice:oud", f"practice:n{number}"], "t")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            body = client.get(MINE).content.decode()
        return len(captured), body

    client.force_login(weert_contributor)
    with_new(1)
    client.get(MINE)  # the previous visit exists from here on
    few, body = queries()
    assert "Vraag 0" in _section(body)
    with_new(6)
    many, body = queries()
    assert all(f"Vraag {n}" in _section(body) for n in range(6))
    assert many == few


# --------------------------------------------------------------------------- planning


@pytest.mark.django_db
def test_a_rebuild_and_the_outbox_sweep_plan_one_pass_each_for_later(weert_contributor):
    def planned():
        return DBTaskResult.objects.filter(
            task_path=refresh_question_suggestions.module_path, status=TaskResultStatus.READY
        )

    rebuild_match_index.enqueue()
    assert run_queued_tasks(["index"]) == 1  # the rebuild only: the pass waits a minute
    assert planned().count() == 1
    soon = planned().get().run_after
    assert timezone.now() < soon <= timezone.now() + scheduling.AFTER_REBUILD
    assert scheduling.schedule_refresh(scheduling.INTERVAL) is False  # one waiting is enough
    planned().delete()
    assert scheduling.schedule_refresh(scheduling.INTERVAL) is True
    assert planned().get().run_after > timezone.now() + datetime.timedelta(minutes=10)


@pytest.mark.django_db
def test_the_worker_runs_the_pass(weert_contributor):
    question = _question(weert_contributor)
    refresh_question_suggestions.enqueue()
    assert run_queued_tasks(["index"]) >= 1
    assert _state(question).current == [s.key for s in services.question_matches(question)]


# --------------------------------------------------------------------------- races


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold each state row a little longer after reading it: without the row lock, the
    pass and the page view would both read the old row and one write would be lost."""
    real = followup._locked

    def slow(question_id):
        state = real(question_id)
        time.sleep(0.05)
        return state

    monkeypatch.setattr(followup, "_locked", slow)


def test_a_pass_and_a_page_view_at_once_lose_nothing(committed_db, make_user, slow_lock):
    asker = make_user(Role.CONTRIBUTOR, "GM0988", email="vrager@weert.test")
    for round_number in range(6):
        question = _question(asker, title=f"Ronde {round_number}")
        followup.mark_seen(question, ["practice:oud"])
        followup.store_current(question, ["practice:oud"], "start")
        found = ["practice:oud", f"practice:nieuw-{round_number}", "practice:ander"]
        shown = ["practice:oud", "practice:getoond"]

        def work(kind, pk=question.pk, found=found, shown=shown, basis=f"pass-{round_number}"):
            question = Question.objects.get(pk=pk)
            if kind == "pass":
                return followup.store_current(question, found, basis)
            return followup.mark_seen(question, shown)

        outcomes = run_in_threads(work, [("pass",), ("view",)])
        assert errors(outcomes) == [], round_number
        state = _state(question)
        assert state.current == found  # the pass's write survived the view's
        assert set(shown) <= set(state.seen)  # and the view's survived the pass's
        assert state.basis == f"pass-{round_number}"
        # new_count agrees with what both wrote, whichever came last.
        assert state.new_count == len([k for k in state.current if k not in state.seen])


def test_first_visits_at_once_create_one_state(committed_db, make_user, slow_lock):
    asker = make_user(Role.CONTRIBUTOR, "GM0988", email="vrager@weert.test")
    question = _question(asker)
    views = [[f"practice:{n}"] for n in range(4)]
    outcomes = run_in_threads(
        lambda keys: followup.mark_seen(Question.objects.get(pk=question.pk), keys),
        [(keys,) for keys in views],
    )
    assert errors(outcomes) == []
    assert sorted(_state(question).seen) == sorted(k for keys in views for k in keys)


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
def test_in_a_browser_from_mine_to_the_new_suggestion(browser_page, live_server, make_user):
    from axe_playwright_python.sync_playwright import Axe

    page = browser_page
    weert = make_user(Role.CONTRIBUTOR, "GM0988", email="beleid@weert.test")
    question = _question(weert)
    followup.mark_seen(question, [s.key for s in services.question_matches(question)])
    practice = _practice()
    followup.refresh_open_questions()

    def axe_clean():
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert [v["id"] for v in result.response["violations"]] == [], page.url

    log_in(page, live_server, weert)
    section = page.get_by_role("region", name="Uw vragen met nieuwe suggesties")
    assert question.title in section.inner_text()
    axe_clean()
    shot(page, "new-suggestions-mine-1366")
    section.get_by_role(
        "link", name=re.compile(rf"^Bekijk de suggesties\s*: {question.title}")
    ).click()
    page.wait_for_url(f"**{question.get_absolute_url()}*")
    heading = page.get_by_role("heading", name=re.compile(re.escape(practice.title)), level=3)
    assert "nieuw" in heading.inner_text()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        axe_clean()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"new-suggestions-question-{width}")
    page.reload()  # seen now: nothing is marked any more
    assert page.locator(".suggestion .tag-new").count() == 0
