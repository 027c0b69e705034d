"""Make the test database unreachable the way a PostgreSQL restart does, for it alone.

The cluster is shared, so it is never restarted. Instead, from a separate connection to
the ``postgres`` database: ``ALTER DATABASE … ALLOW_CONNECTIONS false`` (new connections
are refused) and ``pg_terminate_backend`` on every session of the test database (open
connections are cut, mid-query if need be). To the application that is exactly a
restarted server. ``restore()`` lets connections in again and drops the calling
context's dead connection, so the test's own ORM calls reconnect.

Use the ``database_outage`` fixture: whatever happens in the test, its teardown lets
connections in again and closes the cut connection of the fixtures' context *before*
pytest-django flushes the tables and tests/conftest.py restores the seeded snapshot.
(Inside Playwright's sync API the test body runs with an event loop, and Django keeps a
separate connection there; the fixtures' connection is closed only by the fixture.)
List it before ``browser_page`` and ``live_server`` in the test's arguments: pytest tears
down in reverse order of setup, so it then runs after the browser and the live server
have stopped and before ``transactional_db`` flushes.
"""

import psycopg
import pytest
from psycopg import sql


class DatabaseOutage:
    def __init__(self):
        from django.db import connection

        settings = connection.settings_dict
        self.name = settings["NAME"]
        self._admin = psycopg.connect(
            dbname="postgres",
            host=settings.get("HOST") or None,
            port=settings.get("PORT") or None,
            user=settings.get("USER") or None,
            password=settings.get("PASSWORD") or None,
            autocommit=True,
        )
        self.down = False

    def cut(self) -> None:
        self.down = True
        self._allow(False)
        self._admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [self.name],
        )

    def restore(self, close_connection: bool = True) -> None:
        from django.db import connection

        if self.down:
            self._allow(True)
            self.down = False
        if close_connection:
            connection.close()  # this context's connection was cut: the next query reconnects

    def _allow(self, allowed: bool) -> None:
        self._admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(
                sql.Identifier(self.name), sql.Literal(allowed)
            )
        )

    def close(self) -> None:
        try:
            self.restore()
        finally:
            self._admin.close()


@pytest.fixture
def database_outage(transactional_db):
    """A DatabaseOutage for this test; connections are always allowed again afterwards."""
    outage = DatabaseOutage()
    try:
        yield outage
    finally:
        outage.close()
