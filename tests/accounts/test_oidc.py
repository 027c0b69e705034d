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
