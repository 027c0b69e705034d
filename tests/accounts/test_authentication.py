"""Logging in, brute-force lock-out, password reset by (real SMTP) email, API tokens."""

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def test_login_with_email_any_case(client, enschede_contributor):
    response = client.post(
        LOGIN, {"username": enschede_contributor.email.upper(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:mine")  # Mijn Kennisschakel
    body = client.get(reverse("accounts:profile")).content.decode()
    assert enschede_contributor.email in body
    assert "Enschede" in body


def test_wrong_password_gives_dutch_message_and_keeps_email(client, enschede_contributor):
    response = client.post(LOGIN, {"username": enschede_contributor.email, "password": "fout"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Het e-mailadres of wachtwoord is onjuist" in body
    assert f'value="{enschede_contributor.email}"' in body


def test_lockout_after_repeated_failures(client, settings, enschede_contributor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": enschede_contributor.email, "password": "fout"})
    # Even the right password is refused while locked out.
    response = client.post(
        LOGIN, {"username": enschede_contributor.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_email_over_smtp(
    client, smtp_server, enschede_contributor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post(
            reverse("accounts:password_reset"), {"email": enschede_contributor.email}
        )
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    sent = smtp_server.messages[0]
    assert sent["to"] == [enschede_contributor.email]
    body = sent["message"].get_content()
    assert "Kies een nieuw wachtwoord" in body
    link = re.search(r"http://testserver(/\S+)", body).group(1)
    form_url = client.get(link).url  # Django redirects to a link without the token
    response = client.post(
        form_url,
        {"new_password1": "een-nieuw-wachtwoord-9", "new_password2": "een-nieuw-wachtwoord-9"},
    )
    assert response.status_code == 302
    enschede_contributor.refresh_from_db()
    assert enschede_contributor.check_password("een-nieuw-wachtwoord-9")


def test_password_reset_for_unknown_address_sends_nothing(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "niemand@nergens.example"}
        )
    assert response.status_code == 302  # same answer: no account enumeration
    assert smtp_server.messages == []


def test_profile_token_can_be_created_and_replaced(client, enschede_contributor):
    client.force_login(enschede_contributor)
    client.post(reverse("accounts:renew-token"))
    first = Token.objects.get(user=enschede_contributor).key
    client.post(reverse("accounts:renew-token"))
    second = Token.objects.get(user=enschede_contributor).key
    assert first != second
    assert second in client.get(reverse("accounts:profile")).content.decode()


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and LOGIN in response["Location"]


def test_demo_users_exist_with_roles():
    from kennisschakel.accounts.models import User

    coordinator = User.objects.get(email="coordinator@enschede.example")
    assert coordinator.role == "coordinator"
    assert coordinator.organisation.municipality.cbs_code == "GM0153"
    assert coordinator.check_password("demo-kennisschakel")
