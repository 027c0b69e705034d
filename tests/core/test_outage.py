"""The database unreachable (a restart, a network cut): 503 with Retry-After, never a 500.

On PostgreSQL the test database is cut off the way a restart does it (tests/database_outage.py):
open connections killed, new ones refused. On either database a connection pointed at a
database that does not exist shows the "cannot connect" path at the driver level. Errors
that leave the connection working stay ordinary errors.
"""

import json

import pytest
from django.conf import settings
from django.db import OperationalError, ProgrammingError, connection, transaction
from django.test import RequestFactory

from kennisschakel.core.outage import is_database_unavailable, server_error
from kennisschakel.monitor.views.answering import session_key
from tests.database_outage import database_outage  # noqa: F401 (fixture)
from tests.monitor.test_monitor_browser import open_wave_with_code

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="cutting off one database of a running server needs PostgreSQL",
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite file error")


def assert_outage_page(response, language="nl"):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    if language == "nl":
        assert "Even niet beschikbaar" in html
        assert "terugknop" in html  # a form sent: go back, the typed values are still there
    else:
        assert "Briefly unavailable" in html
        assert "back button" in html


def assert_outage_problem(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503
    assert body["title"] == "Service Unavailable"


@on_postgresql
def test_pages_and_api_answer_503_while_the_database_is_cut_off(database_outage, client):  # noqa: F811
    wave, code = open_wave_with_code()
    assert client.post(f"/monitor/{wave.slug}/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200  # this thread now holds an open connection

    database_outage.cut()
    # The first request finds its connection killed (57P01) and drops it; the next
    # ones are refused a new one.
    assert_outage_page(client.get("/"))
    assert connection.connection is None
    assert_outage_page(client.get("/gemeenten/"))
    assert_outage_problem(client.get("/api/v1/municipalities"))
    # The questionnaire: the page sent without JavaScript, and the autosave script.
    block = client.post(f"/monitor/{wave.slug}/vragen/invuller/", {"functie_invuller": "x"})
    assert_outage_page(block)
    autosave = client.post(
        f"/monitor/{wave.slug}/opslaan/",
        data=json.dumps({"functie_invuller": "griffie"}),
        content_type="application/json",
        headers={"accept": "application/json"},
    )
    assert_outage_problem(autosave)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert_outage_page(client.get("/"), language="en")
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    database_outage.restore(close_connection=False)
    # Back up: the next request opens a new connection, and the session survived.
    assert client.get("/").status_code == 200
    page = client.get(f"/monitor/{wave.slug}/vragen/invuller/")
    assert page.status_code == 200
    assert client.session[session_key(wave)] == wave.invitations.get(cbs_code="GM0153").pk


@on_postgresql
def test_the_500_handler_answers_503_for_a_lost_database(database_outage):  # noqa: F811
    """An error outside a view (another middleware) reaches handler500: still a 503."""
    request = RequestFactory().get("/")
    database_outage.cut()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OperationalError:
        response = server_error(request)
    else:
        pytest.fail("the query should have failed while the database was cut off")
    assert_outage_page(response)


def test_a_database_that_cannot_be_opened_gives_503(committed_db, client, tmp_path):
    """The connection itself fails (a missing SQLite directory, a PostgreSQL database
    that does not exist): Django's real connect, not a mock."""
    missing = (
        str(tmp_path / "missing" / "db.sqlite3")
        if connection.vendor == "sqlite"
        else "kennisschakel_no_such_database"
    )
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = missing
    try:
        assert_outage_page(client.get("/gemeenten/"))
        assert_outage_problem(client.get("/api/v1/provinces"))
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
    assert client.get("/gemeenten/").status_code == 200


@on_sqlite
def test_an_ordinary_sqlite_error_is_not_an_outage(db):
    # SQLite reports a missing table as an OperationalError; the connection is fine.
    with pytest.raises(OperationalError) as caught, connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    assert not is_database_unavailable(caught.value)


@on_postgresql
def test_a_cancelled_statement_is_not_an_outage(db):
    # A statement timeout (like a lock timeout) is an OperationalError on a live connection.
    with (
        pytest.raises(OperationalError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    assert caught.value.__cause__.sqlstate == "57014"
    assert not is_database_unavailable(caught.value)
    with (
        pytest.raises(ProgrammingError) as missing,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT * FROM no_such_table")
    assert not is_database_unavailable(missing.value)
