"""API tokens expire, die with a password change or reset, and can be revoked (B9)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.accounts.conftest import PROBLEM, TOKENS
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db
PRIVATE_WRITE = "/api/v1/organisations/gm0153"


def token_aged(user, days: float) -> Token:
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=days))
    return token


def authorised(api, token):
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def test_a_token_older_than_its_lifetime_is_refused_with_a_clear_problem(
    api, settings, enschede_contributor
):
    settings.KENNISSCHAKEL_TOKEN_TTL_DAYS = 30
    token = token_aged(enschede_contributor, 31)
    response = authorised(api, token).patch(
        PRIVATE_WRITE, {"website": "https://www.enschede.nl"}, format="json"
    )
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == "Token"
    assert "verlopen" in response.json()["detail"]
    # Reading with an expired token is refused too: the client must learn its token died.
    assert authorised(api, token).get("/api/v1/municipalities").status_code == 401


@pytest.mark.parametrize(("ttl", "age", "works"), [(2, 1, True), (2, 3, False), (60, 45, True)])
def test_the_lifetime_is_configurable(api, settings, enschede_contributor, ttl, age, works):
    settings.KENNISSCHAKEL_TOKEN_TTL_DAYS = ttl
    token = token_aged(enschede_contributor, age)
    response = authorised(api, token).patch(
        PRIVATE_WRITE, {"website": "https://www.enschede.nl"}, format="json"
    )
    assert (response.status_code == 200) is works


def test_asking_again_replaces_an_expired_token_and_says_when_it_expires(
    api, settings, enschede_contributor
):
    settings.KENNISSCHAKEL_TOKEN_TTL_DAYS = 30
    expired = token_aged(enschede_contributor, 40)
    # An expired token in the header does not stand in the way of asking for a new one.
    response = authorised(api, expired).post(
        TOKENS, {"email": enschede_contributor.email, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token"] != expired.key
    assert Token.objects.get(user=enschede_contributor).key == body["token"]
    expires = timezone.datetime.fromisoformat(body["expires"])
    assert timedelta(days=29) < expires - timezone.now() <= timedelta(days=30)


def test_changing_the_password_revokes_the_tokens(enschede_contributor):
    Token.objects.create(user=enschede_contributor)
    enschede_contributor.full_name = "Zonder wachtwoordwissel"
    enschede_contributor.save()
    assert Token.objects.filter(user=enschede_contributor).exists()  # other edits keep it

    enschede_contributor.set_password("een-ander-wachtwoord-7")
    enschede_contributor.save()
    assert not Token.objects.filter(user=enschede_contributor).exists()


def test_making_the_password_unusable_revokes_the_tokens(enschede_contributor):
    Token.objects.create(user=enschede_contributor)
    enschede_contributor.set_unusable_password()
    enschede_contributor.save()
    assert not Token.objects.filter(user=enschede_contributor).exists()


def test_a_password_reset_revokes_the_tokens(
    api, client, smtp_server, enschede_contributor, django_capture_on_commit_callbacks
):
    token = Token.objects.create(user=enschede_contributor)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post(reverse("accounts:password_reset"), {"email": enschede_contributor.email})
    body = smtp_server.messages[0]["message"].get_content()
    form_url = client.get(re.search(r"http://testserver(/\S+)", body).group(1)).url
    new_password = "een-nieuw-wachtwoord-9"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})

    response = authorised(api, token).patch(
        PRIVATE_WRITE, {"website": "https://x.nl"}, format="json"
    )
    assert response.status_code == 401
    assert not Token.objects.filter(user=enschede_contributor).exists()


def test_the_profile_page_revokes_the_token_with_a_post(client, enschede_contributor):
    token = Token.objects.create(user=enschede_contributor)
    client.force_login(enschede_contributor)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:revoke-token") in page

    assert client.get(reverse("accounts:revoke-token")).status_code == 405
    assert Token.objects.filter(pk=token.pk).exists()
    response = client.post(reverse("accounts:revoke-token"), follow=True)
    assert not Token.objects.filter(user=enschede_contributor).exists()
    assert "ingetrokken" in response.content.decode()


def test_delete_on_tokens_revokes_the_token_in_use(api, enschede_contributor):
    token = Token.objects.create(user=enschede_contributor)
    response = authorised(api, token).delete(TOKENS)
    assert response.status_code == 204
    assert not Token.objects.filter(pk=token.pk).exists()
    again = authorised(api, token).delete(TOKENS)
    assert again.status_code == 401 and again["Content-Type"] == PROBLEM


def test_delete_on_tokens_without_a_token_is_a_problem(api):
    response = api.delete(TOKENS)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
