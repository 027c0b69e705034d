"""Introductions under pressure: one answer wins, mail follows the winner; one rule per door.

Issue 10 A2 (accept and decline at the same time) and C14 (a reader created
introductions through the API while the site refused).
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from kennisschakel.accounts.models import Role
from kennisschakel.matching import services
from kennisschakel.matching.models import Introduction, Question
from tests.accounts.factories import api_client
from tests.concurrency import errors, run_in_threads

ROUNDS = 10
MESSAGE = "Wij willen graag leren van uw aanpak."


def api_as(user) -> APIClient:
    return api_client(user)  # the user's token in the Authorization header


def subjects(collector) -> list[str]:
    return [m["message"]["Subject"] for m in collector.messages]


# --------------------------------------------------------------------------- A2: races


@pytest.fixture
def two_sides(committed_db, make_user):
    """Weert asks; two colleagues at Enschede may answer."""
    asker = make_user(Role.CONTRIBUTOR, "GM0988", email="vrager@weert.test")
    first = make_user(Role.CONTRIBUTOR, "GM0153", email="een@enschede.test")
    second = make_user(Role.COORDINATOR, "GM0153", email="twee@enschede.test")
    return asker, first, second


def _answer(pk: int, user, accept: bool):
    return services.answer_introduction(Introduction.objects.get(pk=pk), user, accept)


def _withdraw(pk: int, user):
    return services.withdraw_introduction(Introduction.objects.get(pk=pk), user)


def test_accept_and_decline_at_once_one_wins_and_mail_matches(two_sides, smtp_server):
    asker, first, second = two_sides
    outcomes_seen = {"accepted": 0, "declined": 0}
    for round_number in range(ROUNDS):
        introduction = services.request_introduction(asker, "municipality:GM0153", MESSAGE)
        smtp_server.messages.clear()  # only the answers' mail counts below
        outcomes = run_in_threads(
            _answer, [(introduction.pk, first, True), (introduction.pk, second, False)]
        )
        won = [o for o in outcomes if o.ok]
        lost = errors(outcomes)
        assert len(won) == 1, (round_number, lost)
        assert len(lost) == 1 and isinstance(lost[0], services.AlreadyAnswered), lost
        assert "Dit verzoek is al beantwoord" in lost[0].messages[0]
        introduction.refresh_from_db()
        outcomes_seen[introduction.status] += 1
        sent = subjects(smtp_server)
        if introduction.status == Introduction.Status.ACCEPTED:
            # Contact details to both sides, and not a word of a refusal.
            assert len(sent) == 2 and all("aanvaard" in s for s in sent), sent
            assert introduction.responded_by == first
        else:
            assert introduction.status == Introduction.Status.DECLINED
            assert len(sent) == 1 and "aanvaard" not in sent[0], sent
            assert all(first.email not in m["message"].get_content() for m in smtp_server.messages)
    assert sum(outcomes_seen.values()) == ROUNDS


def test_accept_and_withdraw_at_once_one_wins(two_sides, smtp_server):
    asker, first, _second = two_sides
    for round_number in range(ROUNDS):
        introduction = services.request_introduction(asker, "municipality:GM0153", MESSAGE)
        smtp_server.messages.clear()
        outcomes = run_in_threads(
            lambda kind, pk: _answer(pk, first, True) if kind == "accept" else _withdraw(pk, asker),
            [("accept", introduction.pk), ("withdraw", introduction.pk)],
        )
        assert sum(o.ok for o in outcomes) == 1, (round_number, errors(outcomes))
        assert all(isinstance(e, services.AlreadyAnswered) for e in errors(outcomes))
        introduction.refresh_from_db()
        if introduction.status == Introduction.Status.WITHDRAWN:
            assert smtp_server.messages == []  # a withdrawn request passes no contacts
        else:
            assert introduction.status == Introduction.Status.ACCEPTED
            assert len(smtp_server.messages) == 2


def test_parallel_requests_to_one_organisation_make_one(two_sides):
    asker, _first, _second = two_sides
    outcomes = run_in_threads(
        services.request_introduction,
        [(asker, "municipality:GM0153", f"{MESSAGE} ({i})") for i in range(10)],
    )
    assert sum(o.ok for o in outcomes) == 1, errors(outcomes)
    assert all("al om een introductie" in e.messages[0] for e in errors(outcomes))
    assert Introduction.objects.filter(asker=asker.organisation).count() == 1


@pytest.mark.django_db
def test_second_answer_is_a_clear_conflict_on_page_and_api(
    client, weert_contributor, enschede_contributor, make_user, mailoutbox
):
    colleague = make_user(Role.CONTRIBUTOR, "GM0153", email="collega@enschede.test")
    introduction = services.request_introduction(weert_contributor, "municipality:GM0153", MESSAGE)
    services.answer_introduction(introduction, enschede_contributor, accept=False)
    mailoutbox.clear()

    answered = api_as(colleague).post(
        f"/api/v1/introductions/{introduction.pk}/answer", {"accept": True}, format="json"
    )
    assert answered.status_code == 409
    assert answered["Content-Type"] == "application/problem+json"
    assert "Dit verzoek is al beantwoord" in answered.json()["detail"]
    assert "afgewezen" in answered.json()["detail"]

    client.force_login(colleague)
    page = client.post(introduction.get_absolute_url(), {"accept": "yes"}, follow=True)
    assert page.status_code == 200
    assert "Dit verzoek is al beantwoord" in page.content.decode()
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.DECLINED
    assert mailoutbox == []  # the losers sent nothing


# --------------------------------------------------------------------------- C14: one rule


@pytest.mark.django_db
def test_reader_cannot_ask_for_an_introduction_on_any_path(client, make_user):
    reader = make_user(Role.READER, "GM0988")
    before = Introduction.objects.count()
    response = api_as(reader).post(
        "/api/v1/introductions",
        {"candidate": "municipality:GM0153", "message": MESSAGE},
        format="json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    client.force_login(reader)
    page = client.post(
        reverse("matching:introduction-create"),
        {"key": "municipality:GM0153", "message": MESSAGE},
    )
    assert page.status_code == 403
    with pytest.raises(PermissionDenied):
        services.request_introduction(reader, "municipality:GM0153", MESSAGE)
    assert Introduction.objects.count() == before


@pytest.mark.django_db
def test_contributor_asks_but_not_about_another_municipalitys_question(
    weert_contributor, enschede_contributor
):
    question = Question.objects.create(
        organisation=enschede_contributor.organisation,
        title="Warmtenet",
        text="Wie heeft ervaring met een warmtenet in een oude wijk?",
        created_by=enschede_contributor,
    )
    client = api_as(weert_contributor)
    refused = client.post(
        "/api/v1/introductions",
        {"candidate": "municipality:GM0363", "message": MESSAGE, "question": question.pk},
        format="json",
    )
    assert refused.status_code == 403
    created = client.post(
        "/api/v1/introductions",
        {"candidate": "municipality:GM0153", "message": MESSAGE},
        format="json",
    )
    assert created.status_code == 201, created.content
