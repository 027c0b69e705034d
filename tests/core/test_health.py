"""GET /health (issue 11): JSON from every registered check, 200 or 503, for load balancers.

A probe calls it over plain HTTP at an internal address with any Host header, every few
seconds: no HTTPS redirect, no host check, no cookie, never cached.
"""

import re
import subprocess
import sys

import pytest
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

from kennisschakel.core import health
from tests.operations.test_production import production_env


@pytest.fixture
def only_checks(monkeypatch):
    """Replace the registry for one test (other apps' checks are tested where they live)."""

    def install(**checks):
        monkeypatch.setattr(health, "_CHECKS", dict(checks))

    return install


@pytest.fixture
def fresh_migration_cache(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def broken_connection():
    """A second connection to a database that cannot be opened (nothing listens there)."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        settings_dict["PORT"] = "1"  # a privileged port nothing listens on
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    else:
        settings_dict["NAME"] = "/nonexistent-directory/kennisschakel.sqlite3"
    return connections["default"].__class__(settings_dict, alias="broken")


@pytest.mark.django_db
def test_healthy_answers_200_json_uncached_and_without_cookies(client, only_checks):
    only_checks(database=health.database_check)
    client.cookies["sessionid"] = "an-old-session"

    response = client.get("/health")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies, "no session, CSRF or language cookie"
    assert "Vary" not in response
    body = response.json()
    assert body["status"] == "ok"
    database = body["checks"]["database"]
    assert database["ok"] is True
    assert database["vendor"] == connection.vendor
    assert database["unapplied_migrations"] == 0
    assert database["latency_ms"] >= 0


@pytest.mark.django_db
def test_a_failing_check_makes_it_503_and_names_it(client, only_checks):
    only_checks(
        database=health.database_check,
        search_index=lambda: {"ok": False, "age_seconds": 4000},
        match_index=lambda: 1 / 0,
    )

    response = client.get("/health")

    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["search_index"] == {"ok": False, "age_seconds": 4000}
    assert body["checks"]["match_index"] == {"ok": False, "error": "ZeroDivisionError"}


@pytest.mark.django_db
def test_an_unreachable_database_is_503(client, only_checks):
    broken = broken_connection()
    only_checks(database=lambda: health.database_check(broken))
    try:
        response = client.get("/health")
    finally:
        broken.close()

    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}


def test_the_sites_own_connection_failing_is_503_and_recovers(client, only_checks, committed_db):
    """The default connection itself: closed, then unable to reconnect, then back."""
    only_checks(database=health.database_check)
    assert client.get("/health").status_code == 200
    key = "PORT" if connection.vendor == "postgresql" else "NAME"
    working = connection.settings_dict[key]
    connection.close()
    connection.settings_dict[key] = (
        "1" if connection.vendor == "postgresql" else "/nonexistent-directory/db.sqlite3"
    )
    try:
        failing = client.get("/health")
    finally:
        connection.close()
        connection.settings_dict[key] = working

    assert failing.status_code == 503
    assert failing.json()["checks"]["database"]["error"] == "OperationalError"
    assert client.get("/health").status_code == 200


@pytest.mark.django_db
def test_unapplied_migrations_fail_until_applied_then_stay_cached(
    client, only_checks, fresh_migration_cache
):
    only_checks(database=health.database_check)
    recorder = MigrationRecorder(connection)
    app, name = max(key for key in recorder.applied_migrations() if key[0] == "core")
    recorder.record_unapplied(app, name)

    response = client.get("/health")

    assert response.status_code == 503
    assert response.json()["checks"]["database"]["unapplied_migrations"] == 1

    recorder.record_applied(app, name)
    assert client.get("/health").status_code == 200
    # Applied once, applied for the life of the process: the graph is not read again.
    recorder.record_unapplied(app, name)
    assert client.get("/health").json()["checks"]["database"]["unapplied_migrations"] == 0


@pytest.mark.django_db
def test_no_https_redirect_and_any_host_for_probes(client, only_checks, settings):
    only_checks(database=health.database_check)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^health$"]
    settings.ALLOWED_HOSTS = ["kennisschakel.example.nl"]

    probe = client.get("/health", HTTP_HOST="10.0.0.7:8000")
    visitor_redirected = client.get("/", HTTP_HOST="kennisschakel.example.nl")
    visitor_bad_host = client.get("/", HTTP_HOST="10.0.0.7:8000", secure=True)

    assert probe.status_code == 200
    assert visitor_redirected.status_code == 301
    assert visitor_redirected["Location"].startswith("https://")
    assert visitor_bad_host.status_code == 400


def test_production_settings_exempt_health_from_the_https_redirect(tmp_path):
    """Belt and braces: SecurityMiddleware would let /health through even if it ran first."""
    code = (
        "from kennisschakel import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, *s.SECURE_REDIRECT_EXEMPT, sep='\\n')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    redirect, *exempt = result.stdout.split()
    assert redirect == "True"
    assert any(re.search(pattern, "health") for pattern in exempt)


@pytest.mark.django_db
def test_head_and_other_methods(client, only_checks):
    only_checks(database=health.database_check)

    head = client.head("/health")
    post = client.post("/health")

    assert head.status_code == 200 and head.content == b""
    assert post.status_code == 405
    assert post["Allow"] == "GET, HEAD"
