"""Lock-out and throttling key on the real client, race-free, with problem+json for APIs (B10)."""

import threading

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kennisschakel.accounts.backends import EmailBackend
from tests.accounts.conftest import PROBLEM, TOKENS
from tests.concurrency import errors, run_in_threads
from tests.conftest import TEST_PASSWORD

LOGIN = reverse("accounts:login")
PROXY = "10.0.0.1"


def login(client, email, password, forwarded=None, remote="127.0.0.1"):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


@pytest.mark.django_db
def test_a_crafted_forwarded_for_does_not_dodge_the_lockout(client, settings, enschede_contributor):
    settings.TRUSTED_PROXIES = []
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, enschede_contributor.email, "fout", forwarded=f"198.51.100.{n}")
    response = login(client, enschede_contributor.email, TEST_PASSWORD, forwarded="198.51.100.99")
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_client_does_not_lock_out_the_others(
    client, settings, enschede_contributor
):
    settings.TRUSTED_PROXIES = [PROXY]
    email = enschede_contributor.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, email, "fout", forwarded="198.51.100.1", remote=PROXY)

    locked = login(client, email, TEST_PASSWORD, forwarded="198.51.100.1", remote=PROXY)
    assert locked.status_code == 429
    colleague = login(Client(), email, TEST_PASSWORD, forwarded="203.0.113.7", remote=PROXY)
    assert colleague.status_code == 302


@pytest.mark.django_db
def test_an_account_attacked_from_many_clients_locks_at_a_higher_limit(
    client, settings, enschede_contributor
):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT = 8
    email = enschede_contributor.email
    for n in range(settings.KENNISSCHAKEL_ACCOUNT_FAILURE_LIMIT - 1):
        login(client, email, "fout", forwarded=f"198.51.100.{n}", remote=PROXY)
    # Below the account limit, a fresh client still gets in.
    assert (
        login(Client(), email, TEST_PASSWORD, forwarded="203.0.113.1", remote=PROXY).status_code
        == 302
    )

    login(client, email, "fout", forwarded="198.51.100.200", remote=PROXY)
    response = login(Client(), email, TEST_PASSWORD, forwarded="203.0.113.2", remote=PROXY)
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_locked_out_api_client_gets_a_problem_with_a_clear_detail(
    api, settings, enschede_contributor
):
    wrong = {"email": enschede_contributor.email, "password": "fout"}
    right = {"email": enschede_contributor.email, "password": TEST_PASSWORD}
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [api.post(TOKENS, wrong, format="json").status_code for _ in range(limit - 1)]
    assert statuses == [401] * (limit - 1)
    # The failure that reaches the limit, one more, and even the right password: all 429.
    for payload in [wrong, wrong, right]:
        response = api.post(TOKENS, payload, format="json")
        assert response.status_code == 429
        assert response["Content-Type"] == PROBLEM
        problem = response.json()
        assert problem["status"] == 429
        assert "Te veel mislukte pogingen" in problem["detail"]
        assert "token" not in problem
        assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_token_throttle_ignores_a_crafted_forwarded_for_without_a_trusted_proxy(api, settings):
    settings.TRUSTED_PROXIES = []
    # Incomplete requests are throttled too, without touching the lock-out counters.
    statuses = [
        api.post(
            TOKENS, {"email": "a@b.example"}, format="json", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(25)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429] * 5


@pytest.mark.django_db
def test_the_token_throttle_counts_per_client_behind_a_trusted_proxy(api, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(25):
        response = api.post(
            TOKENS,
            {"email": "a@b.example"},
            format="json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
        assert response.status_code == 400
    throttled = [
        api.post(
            TOKENS,
            {"email": "a@b.example"},
            format="json",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.5",
        ).status_code
        for _ in range(21)
    ]
    assert throttled[-1] == 429


def test_parallel_bad_token_requests_evaluate_at_most_the_limit(
    committed_db, settings, make_user, monkeypatch
):
    """30 wrong passwords at the same moment: at most AXES_FAILURE_LIMIT are checked."""
    user = make_user(cbs_code="GM0153", email="parallel@enschede.example")
    evaluated = []
    lock = threading.Lock()
    authenticate = EmailBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            evaluated.append(password)
        return authenticate(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(EmailBackend, "authenticate", counting)

    def bad_request(n):
        response = APIClient().post(
            TOKENS, {"email": user.email.upper(), "password": f"fout-{n}"}, format="json"
        )
        return response.status_code, response["Content-Type"], response.json()["detail"]

    outcomes = run_in_threads(bad_request, [(n,) for n in range(30)])

    assert errors(outcomes) == []
    answers = [outcome.value for outcome in outcomes]
    assert {status for status, _type, _detail in answers} <= {401, 429}
    assert {content_type for _status, content_type, _detail in answers} == {PROBLEM}
    assert 1 <= len(evaluated) <= settings.AXES_FAILURE_LIMIT, len(evaluated)
    # The per-client throttle (20/min) let exactly 20 through to the lock-out check.
    locked_or_refused = [a for a in answers if "mislukte pogingen" in a[2] or a[0] == 401]
    assert len(locked_or_refused) == 20
    print(
        f"parallel bad token requests: 30 sent, {30 - len(locked_or_refused)} throttled, "
        f"{len(evaluated)} passwords evaluated"
    )


def test_parallel_bad_logins_evaluate_at_most_the_limit(
    committed_db, settings, make_user, monkeypatch
):
    user = make_user(cbs_code="GM0153", email="parallel-form@enschede.example")
    evaluated = []
    lock = threading.Lock()
    authenticate = EmailBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            evaluated.append(password)
        return authenticate(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(EmailBackend, "authenticate", counting)

    def bad_login(n):
        return login(Client(), user.email, f"fout-{n}").status_code

    outcomes = run_in_threads(bad_login, [(n,) for n in range(20)])

    assert errors(outcomes) == []
    assert {outcome.value for outcome in outcomes} <= {200, 429}
    assert 1 <= len(evaluated) <= settings.AXES_FAILURE_LIMIT, len(evaluated)
    print(f"parallel bad logins: 20 sent, {len(evaluated)} passwords evaluated")
