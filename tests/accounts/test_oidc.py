"""Optional OIDC single sign-on: off by default; when configured, it redirects to the provider."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kennisschakel.accounts.models import Role, User

ROOT = Path(__file__).resolve().parents[2]
PROVIDER = "https://idp.example.org/auth"


def test_sso_is_off_by_default(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "SSO" not in client.get("/account/inloggen/").content.decode()


def test_configured_sso_redirects_to_the_provider():
    script = (
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='localhost')\n"
        "r = client.get('/oidc/authenticate/')\n"
        "print(r.status_code, r['Location'])\n"
        "print('SSO' in client.get('/account/inloggen/').content.decode())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        KENNISSCHAKEL_DEBUG="1",
        KENNISSCHAKEL_VAR_DIR=str(ROOT / "var" / "oidc-test"),
        OIDC_RP_CLIENT_ID="kennisschakel",
        OIDC_RP_CLIENT_SECRET="secret",
        OIDC_OP_AUTHORIZATION_ENDPOINT=PROVIDER,
        OIDC_OP_TOKEN_ENDPOINT="https://idp.example.org/token",
        OIDC_OP_USER_ENDPOINT="https://idp.example.org/userinfo",
        OIDC_RP_SIGN_ALGO="HS256",
    )
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "kennisschakel", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    result = subprocess.run(
        [sys.executable, "-m", "kennisschakel", "shell", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    status_line, login_has_sso = result.stdout.strip().splitlines()[-2:]
    status, location = status_line.split(" ", 1)
    assert status == "302"
    assert location.startswith(PROVIDER + "?")
    assert "client_id=kennisschakel" in location
    assert login_has_sso == "True"


@pytest.mark.django_db
def test_backend_matches_by_email_and_creates_readers(settings, enschede_contributor):
    settings.OIDC_RP_CLIENT_ID = "kennisschakel"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.org/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    from kennisschakel.accounts.oidc import KennisschakelOIDCBackend

    backend = KennisschakelOIDCBackend()
    found = backend.filter_users_by_claims({"email": enschede_contributor.email.upper()})
    assert list(found) == [enschede_contributor]
    assert not backend.filter_users_by_claims({}).exists()
    new = backend.create_user({"email": "Nieuw@Gemeente.example", "name": "Nieuwe Collega"})
    assert (new.email, new.role, new.organisation) == ("nieuw@gemeente.example", Role.READER, None)
    assert User.objects.filter(email="nieuw@gemeente.example").exists()


@pytest.fixture
def oidc_backend(settings, rf):
    settings.OIDC_RP_CLIENT_ID = "kennisschakel"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.example.org/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.example.org/userinfo"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    from kennisschakel.accounts.oidc import KennisschakelOIDCBackend

    backend = KennisschakelOIDCBackend()
    request = rf.get("/oidc/callback/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    backend.request = request
    return backend


def sign_in_with(backend, monkeypatch, claims):
    """Run the provider's answer through the backend, as the OIDC callback does."""
    from django.core.exceptions import SuspiciousOperation

    monkeypatch.setattr(backend, "get_userinfo", lambda *args: claims)
    try:
        return backend.get_or_create_user("access", "id", {})
    except SuspiciousOperation:  # mozilla-django-oidc turns this into a failed login
        return None


def shown_messages(backend):
    return [str(message) for message in backend.request._messages]


@pytest.mark.django_db
def test_a_verified_address_links_to_the_account_in_any_case(
    oidc_backend, monkeypatch, enschede_contributor
):
    claims = {"email": enschede_contributor.email.upper(), "email_verified": True}
    assert sign_in_with(oidc_backend, monkeypatch, claims) == enschede_contributor


@pytest.mark.django_db
@pytest.mark.parametrize("verified", [False, None, "true", 1])
def test_an_unverified_address_does_not_link_to_an_existing_account(
    oidc_backend, monkeypatch, enschede_contributor, verified
):
    claims = {"email": enschede_contributor.email.title(), "name": "Indringer"}
    if verified is not None:
        claims["email_verified"] = verified
    assert sign_in_with(oidc_backend, monkeypatch, claims) is None
    enschede_contributor.refresh_from_db()
    assert enschede_contributor.full_name == ""  # not updated from the claims either
    assert any("niet bevestigd" in message for message in shown_messages(oidc_backend))


@pytest.mark.django_db
def test_an_unverified_address_creates_no_account(oidc_backend, monkeypatch):
    claims = {"email": "Nieuw@Gemeente.example", "email_verified": False}
    assert sign_in_with(oidc_backend, monkeypatch, claims) is None
    assert not User.objects.filter(email__iexact="nieuw@gemeente.example").exists()


@pytest.mark.django_db
def test_a_verified_new_address_creates_one_reader(oidc_backend, monkeypatch):
    claims = {"email": "Nieuw@Gemeente.example", "email_verified": True, "name": "Nieuwe Collega"}
    user = sign_in_with(oidc_backend, monkeypatch, claims)
    assert (user.email, user.role) == ("nieuw@gemeente.example", Role.READER)
    # The same person again, in another case: the same account, not a second one.
    claims["email"] = "NIEUW@gemeente.example"
    assert sign_in_with(oidc_backend, monkeypatch, claims) == user
    assert User.objects.filter(email__iexact="nieuw@gemeente.example").count() == 1
