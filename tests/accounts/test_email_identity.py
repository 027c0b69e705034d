"""One identity per email address, whatever its case: login, lock-out, uniqueness, reset (B8)."""

import re

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kennisschakel.accounts.models import User
from tests.accounts.conftest import PROBLEM, TOKENS
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
ADDRESS = "internationaal@enschede.example"
VARIANTS = [
    "Internationaal@enschede.example",
    "INTERNATIONAAL@ENSCHEDE.EXAMPLE",
    "internationaal@Enschede.Example",
    " internationaal@enschede.example",
    "iNTERNATIONAAL@enschede.example",
]


@pytest.fixture
def international(make_user):
    return make_user(cbs_code="GM0153", email=ADDRESS)


def test_failures_in_every_case_count_towards_one_lockout(client, settings, international):
    assert len(VARIANTS) >= settings.AXES_FAILURE_LIMIT
    for variant in VARIANTS[: settings.AXES_FAILURE_LIMIT]:
        client.post(LOGIN, {"username": variant, "password": "fout"})

    # Neither the stored spelling nor a fresh variant gets in with the right password.
    for email in [ADDRESS, "InterNationaal@enschede.example"]:
        response = client.post(LOGIN, {"username": email, "password": TEST_PASSWORD})
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
    # Axes keeps one key for the address, the normalised one.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {ADDRESS}


def test_token_endpoint_counts_every_case_towards_the_same_lockout(api, settings, international):
    for variant in VARIANTS[: settings.AXES_FAILURE_LIMIT]:
        api.post(TOKENS, {"email": variant.strip(), "password": "fout"}, format="json")

    response = api.post(TOKENS, {"email": ADDRESS, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == PROBLEM
    assert "token" not in response.json()


def test_login_form_and_token_endpoint_share_the_count(client, api, settings, international):
    for variant in VARIANTS[: settings.AXES_FAILURE_LIMIT - 1]:
        client.post(LOGIN, {"username": variant, "password": "fout"})
    api.post(TOKENS, {"email": ADDRESS.upper(), "password": "fout"}, format="json")

    response = client.post(LOGIN, {"username": ADDRESS, "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_the_database_refuses_a_second_account_in_another_case(international, make_user):
    other = make_user(cbs_code="GM0988", email="someone@weert.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email=ADDRESS.upper())
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="INTERNATIONAAL@enschede.example")])


def test_form_validation_reports_a_case_variant_as_taken(international):
    candidate = User(email="Internationaal@Enschede.example", password="!")
    with pytest.raises(ValidationError) as raised:
        candidate.full_clean()
    assert "email" in raised.value.message_dict
    assert candidate.email == ADDRESS  # cleaning normalises the address


def test_admin_add_form_refuses_a_case_variant_with_a_message(client, facilitator, international):
    facilitator.is_staff = facilitator.is_superuser = True
    facilitator.save()
    client.force_login(facilitator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "INTERNATIONAAL@enschede.example",
            "password1": "een-lang-wachtwoord-42",
            "password2": "een-lang-wachtwoord-42",
            "role": "reader",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200  # the form again, not a 500
    assert User.objects.filter(email__iexact=ADDRESS).count() == 1
    assert "Er bestaat al een account met dit e-mailadres" in response.content.decode()


def test_password_reset_in_another_case_reaches_the_account_and_lifts_the_lockout(
    client, settings, smtp_server, international, django_capture_on_commit_callbacks
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": ADDRESS, "password": "fout"})
    assert client.post(LOGIN, {"username": ADDRESS, "password": TEST_PASSWORD}).status_code == 429

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post(reverse("accounts:password_reset"), {"email": ADDRESS.upper()})
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0]["to"] == [ADDRESS]  # the stored address, not the typed one
    body = smtp_server.messages[0]["message"].get_content()
    form_url = client.get(re.search(r"http://testserver(/\S+)", body).group(1)).url
    new_password = "een-nieuw-wachtwoord-9"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    # The locked_out page promises that resetting the password lets the owner back in.
    response = client.post(
        LOGIN, {"username": "Internationaal@enschede.example", "password": new_password}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(international.pk)
