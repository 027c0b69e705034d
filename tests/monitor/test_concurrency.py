"""Issue 10 A1, A3, B10: the monitor's writes and its lock-out hold under real parallel
requests (real threads, committed transactions; SQLite and PostgreSQL).

Each test prints its figures (sent / kept, submitted / receipts, tried / evaluated) so
the run log shows them.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kennisschakel.monitor import services
from kennisschakel.monitor.models import AccessCode, CodeAttempt, Invitation
from tests.concurrency import errors, run_in_threads
from tests.monitor.test_answering import make_wave

ANSWERS = 24  # ≥ 20 different answers sent at once


@pytest.fixture
def wave(committed_db):
    return make_wave("gib-parallel")


def one_valid_answer(question):
    """A valid value for any question of the instrument (routing is not checked here)."""
    if question.type in ("multiple", "top2"):
        return [question.options[0].code]
    if question.type in ("single", "band"):
        return question.options[0].code
    if question.type in ("number", "scale"):
        return 1
    return f"antwoord op {question.code}"


def different_answers(wave, count=ANSWERS) -> dict:
    questions = wave.instrument.engine().questions[:count]
    assert len(questions) == count
    return {question.code: one_valid_answer(question) for question in questions}


def codes_of_one_municipality(wave, cbs_code="GM0153") -> list[str]:
    """The letter's code, a reminder's and four forwarded colleagues' codes."""
    invitation = wave.invitations.get(cbs_code=cbs_code)
    codes = [services.issue_code(invitation)]
    codes.append(services.issue_code(invitation, AccessCode.Kind.REMINDER, "a@enschede.test"))
    for number in range(4):
        codes.append(
            services.issue_code(
                invitation, AccessCode.Kind.DELEGATION, f"collega{number}@enschede.test"
            )
        )
    return codes


def test_the_instrument_has_enough_different_questions(db):
    # Also makes pytest-django set up the test database when this file runs alone:
    # it only creates databases that some test marks with django_db / ``db``.
    assert len(different_answers(make_wave("gib-genoeg"))) == ANSWERS


def test_parallel_autosaves_from_several_codes_keep_every_answer(wave):
    """A1: 24 different answers sent at once through the page's autosave, from six
    sessions opened with six codes of one municipality: all 24 are stored."""
    codes = codes_of_one_municipality(wave)
    answers = different_answers(wave)
    url = reverse("monitor:answer-autosave", args=[wave.slug])
    start = reverse("monitor:answer-start", args=[wave.slug])
    calls = []
    for index, (question, value) in enumerate(answers.items()):
        client = Client()
        assert client.post(start, {"code": codes[index % len(codes)]}).status_code == 302
        calls.append((client, {question: value}))

    def autosave(client, body):
        return client.post(url, body, content_type="application/json").status_code

    outcomes = run_in_threads(autosave, calls)
    assert errors(outcomes) == []
    assert [outcome.value for outcome in outcomes] == [200] * ANSWERS
    stored = Invitation.objects.get(wave=wave, cbs_code="GM0153").answers
    print(f"\nA1 page autosave: sent {ANSWERS}, kept {len(set(stored) & set(answers))}")
    assert stored == answers


def test_parallel_api_saves_keep_every_answer_and_invalid_input(wave):
    """A1 through the API: 24 valid answers plus 4 invalid ones, each its own PATCH, at
    once, with six codes: every valid answer stored, every invalid one kept aside."""
    codes = codes_of_one_municipality(wave)
    answers = different_answers(wave)
    invalid = {
        "uren_op_papier": "2500",
        "uren_in_praktijk": "twaalf",
        "aantal_personen": "-1",
        "uitgaven_bedrag": "1,234",
    }
    answers = {code: value for code, value in answers.items() if code not in invalid}
    bodies = [{code: value} for code, value in {**answers, **invalid}.items()]
    url = f"/api/v1/waves/{wave.slug}/answers"

    def patch(index, body):
        return (
            APIClient()
            .patch(
                url, {"answers": body}, format="json", HTTP_X_ACCESS_CODE=codes[index % len(codes)]
            )
            .status_code
        )

    outcomes = run_in_threads(patch, list(enumerate(bodies)))
    assert errors(outcomes) == []
    statuses = [outcome.value for outcome in outcomes]
    assert statuses.count(200) == len(answers) and statuses.count(400) == len(invalid)
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    print(
        f"\nA1 API: sent {len(bodies)}, kept {len(invitation.answers)} answers "
        f"+ {len(invitation.invalid_input)} invalid inputs"
    )
    assert invitation.answers == answers
    assert invitation.invalid_input == invalid


def complete(wave, cbs_code="GM0153") -> Invitation:
    invitation = wave.invitations.get(cbs_code=cbs_code)
    services.save_answers(invitation, {"heeft_beleid": "nee", "redenen_geen_beleid": ["geen_taak"]})
    return invitation


def test_ten_parallel_submits_make_one_submission_and_one_receipt(wave, smtp_server):
    """A3 through the page: ten sessions press "submit" at once, each asking for a receipt
    to its own address: one submission, one receipt, and every press lands on the
    thank-you page (no error page)."""
    complete(wave)
    codes = codes_of_one_municipality(wave)
    start = reverse("monitor:answer-start", args=[wave.slug])
    review = reverse("monitor:answer-review", args=[wave.slug])
    calls = []
    for index in range(10):
        client = Client()
        assert client.post(start, {"code": codes[index % len(codes)]}).status_code == 302
        calls.append((client, f"secretaris{index}@enschede.test"))

    def submit(client, email):
        response = client.post(review, {"receipt_email": email})
        return response.status_code, response.get("Location", "")

    outcomes = run_in_threads(submit, calls)
    assert errors(outcomes) == []
    done = reverse("monitor:answer-done", args=[wave.slug])
    assert [outcome.value for outcome in outcomes] == [(302, done)] * 10
    invitation = Invitation.objects.get(wave=wave, cbs_code="GM0153")
    print(f"\nA3 page: 10 submits, {len(smtp_server.messages)} receipt(s)")
    assert invitation.submitted_at is not None
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["to"] == [invitation.receipt_email]


def test_ten_parallel_api_submits_are_idempotent(wave, smtp_server):
    """A3 through the API: ten POSTs to …/answers/submit at once all answer 200 with the
    same submission time; one receipt."""
    complete(wave)
    codes = codes_of_one_municipality(wave)
    url = f"/api/v1/waves/{wave.slug}/answers/submit"

    def submit(index):
        response = APIClient().post(
            url,
            {"receipt_email": f"s{index}@enschede.test"},
            format="json",
            HTTP_X_ACCESS_CODE=codes[index % len(codes)],
        )
        return response.status_code, response.json().get("submitted_at")

    outcomes = run_in_threads(submit, [(index,) for index in range(10)])
    assert errors(outcomes) == []
    statuses = {status for status, _when in (o.value for o in outcomes)}
    moments = {when for _status, when in (o.value for o in outcomes)}
    print(f"\nA3 API: 10 submits, statuses {statuses}, {len(smtp_server.messages)} receipt(s)")
    assert statuses == {200} and len(moments) == 1 and None not in moments
    assert len(smtp_server.messages) == 1


def test_forty_parallel_wrong_codes_are_evaluated_at_most_ten_times(wave):
    """B10: the lock-out counter is race-free. 40 wrong codes at once from one client:
    10 are looked up (400), 30 refused as locked (429); the old code let 28 through."""
    start = reverse("monitor:answer-start", args=[wave.slug])

    def wrong(index):
        return Client().post(start, {"code": f"WRONG-{index:05d}"}).status_code

    outcomes = run_in_threads(wrong, [(index,) for index in range(40)])
    assert errors(outcomes) == []
    statuses = [outcome.value for outcome in outcomes]
    print(
        f"\nB10: 40 wrong codes at once, {statuses.count(400)} evaluated, "
        f"{statuses.count(429)} locked"
    )
    assert statuses.count(400) == 10 and statuses.count(429) == 30
    assert CodeAttempt.objects.get(key="client:127.0.0.1").failures == 10
    assert CodeAttempt.objects.get(key=f"wave:{wave.pk}").failures == 10


def test_parallel_valid_codes_from_one_client_are_never_refused(wave):
    """B10: valid codes queue on the same counter but are never counted as failures."""
    codes = codes_of_one_municipality(wave)
    url = f"/api/v1/waves/{wave.slug}/answers"

    def read(index):
        return APIClient().get(url, HTTP_X_ACCESS_CODE=codes[index % len(codes)]).status_code

    outcomes = run_in_threads(read, [(index,) for index in range(20)])
    assert errors(outcomes) == []
    assert [outcome.value for outcome in outcomes] == [200] * 20
    assert not CodeAttempt.objects.filter(failures__gt=0).exists()


@pytest.mark.parametrize("closed", [True])
def test_results_phase_refuses_parallel_saves(committed_db, closed):
    """C18 with A1: once closed, no save gets through, however many are sent."""
    wave = make_wave(
        "gib-dicht",  # closed by its dates
        closes_on=datetime.date.today() - datetime.timedelta(days=1),
        opens_on=datetime.date.today() - datetime.timedelta(days=9),
    )
    codes = codes_of_one_municipality(wave)
    url = f"/api/v1/waves/{wave.slug}/answers"

    def patch(index):
        return (
            APIClient()
            .patch(
                url,
                {"answers": {"heeft_beleid": "ja"}},
                format="json",
                HTTP_X_ACCESS_CODE=codes[index % len(codes)],
            )
            .status_code
        )

    outcomes = run_in_threads(patch, [(index,) for index in range(6)])
    assert [outcome.value for outcome in outcomes] == [403] * 6
    assert Invitation.objects.get(wave=wave, cbs_code="GM0153").answers == {}
