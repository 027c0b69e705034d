"""Shared fixtures: reference data loaded once per run, users per role, a real SMTP server.

The reference and demo data are loaded once per test run. Ordinary tests run
inside a transaction that is rolled back. Tests that need real commits (threads,
the live server) use ``committed_db`` or ``transactional_db``; after each such
test the database is put back exactly as seeded, from a snapshot taken right
after seeding (SQLite: the backup API; PostgreSQL: a template database).
"""

import socket
import sqlite3
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from kennisschakel.accounts.demo import load_demo_data
from kennisschakel.accounts.models import Role, User
from kennisschakel.knowledge.demo import load_demo_contacts
from kennisschakel.knowledge.loaders import load_demo_practices
from kennisschakel.knowledge.search import practice_search
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.partnerships.loaders import load_demo_partnerships
from kennisschakel.register.loaders import load_reference_data
from kennisschakel.register.models import Municipality, Organisation

# The browser fixtures (browser_page …) for every *_browser.py test module.
pytest_plugins = ["tests.chromium"]

TEST_PASSWORD = "a-long-test-password"


def seed_database() -> None:
    load_reference_data(report=lambda line: None)
    load_instruments()
    load_demo_data()
    load_demo_practices()
    load_demo_contacts()
    load_demo_partnerships()


def _forget_search_index() -> None:
    import shutil

    from kennisschakel.knowledge.search import index_root

    practice_search.reset()
    shutil.rmtree(index_root(), ignore_errors=True)
    # The matcher's saved index and this process's opened one (matching/match_index.py).
    from kennisschakel.matching import match_index

    match_index.forget()
    shutil.rmtree(match_index.index_root(), ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_search_index():
    """Each test's transaction is rolled back; so must the search index be: the opened
    one and the one saved on disk (the test process's own KENNISSCHAKEL_INDEX_DIR)."""
    _forget_search_index()
    yield
    _forget_search_index()


@pytest.fixture(autouse=True)
def empty_django_cache():
    """The Django cache (LocMem, per process) is emptied around every test, as the
    database is rolled back: cached figures are keyed on counters and fingerprints that a
    rolled-back test may hand out again to the next one."""
    from django.core.cache import cache
    from django.db import connections

    cache.clear()
    for connection in connections.all(initialized_only=True):
        connection.ledger_written = False  # balance_cache's per-transaction mark
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _remove_search_index_directory():
    yield
    import shutil

    from django.conf import settings

    shutil.rmtree(settings.KENNISSCHAKEL_INDEX_DIR, ignore_errors=True)


class SeededSnapshot:
    """The seeded test database, kept aside so tests that commit can be undone.

    SQLite: a copy in memory through the backup API. PostgreSQL: a copy of every
    table in a schema of its own, copied back with foreign-key triggers off. Both
    work inside the connections that are open, so a live server's or a browser
    test's connection is never cut off.
    """

    SCHEMA = "seeded_snapshot"

    def __init__(self):
        from django.db import connection

        self.vendor = connection.vendor
        self.name = connection.settings_dict["NAME"]
        self._memory = None
        self._tables: list[str] = []
        self._sequences: list[tuple[str, int | None]] = []

    def take(self) -> None:
        from django.db import connection, connections

        if self.vendor == "sqlite":
            connections.close_all()
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)
            with sqlite3.connect(self.name) as source:
                source.backup(self._memory)
        elif self.vendor == "postgresql":
            with connection.cursor() as cursor:
                self._tables = connection.introspection.table_names(cursor)
                cursor.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
                cursor.execute(f"CREATE SCHEMA {self.SCHEMA}")
                for table in self._tables:
                    cursor.execute(f'CREATE TABLE {self.SCHEMA}."{table}" AS TABLE "{table}"')
                cursor.execute(
                    "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public'"
                )
                self._sequences = cursor.fetchall()

    def restore(self) -> None:
        from django.db import connection, connections

        if self.vendor == "sqlite":
            connections.close_all()
            target = sqlite3.connect(self.name)
            try:
                self._memory.backup(target)
            finally:
                target.close()
        elif self.vendor == "postgresql":
            tables = ", ".join(f'"{table}"' for table in self._tables)
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
                try:
                    cursor.execute(f"TRUNCATE {tables}")
                    for table in self._tables:
                        cursor.execute(
                            # Table names come from the database's own catalogue.
                            f'INSERT INTO "{table}" SELECT * FROM {self.SCHEMA}."{table}"'  # noqa: S608
                        )
                    for sequence, last_value in self._sequences:
                        if last_value is None:
                            cursor.execute("SELECT setval(%s, 1, false)", [sequence])
                        else:
                            cursor.execute("SELECT setval(%s, %s, true)", [sequence, last_value])
                finally:
                    cursor.execute("SET session_replication_role = DEFAULT")
        practice_search.reset()

    def drop(self) -> None:
        from django.db import connection

        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {self.SCHEMA} CASCADE")
                # Connections left by live-server and browser threads would keep Django
                # from dropping the test database at the end of the run.
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


_snapshot: SeededSnapshot | None = None
_db_blocker = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real reference data once; each test runs in a transaction on top of it."""
    global _snapshot, _db_blocker
    with django_db_blocker.unblock():
        seed_database()
        _snapshot = SeededSnapshot()
        _snapshot.take()
    _db_blocker = django_db_blocker
    yield
    snapshot, _snapshot = _snapshot, None
    with django_db_blocker.unblock():
        snapshot.drop()


_COMMITTING_FIXTURES = {"committed_db", "transactional_db", "live_server"}


@pytest.fixture(autouse=True)
def refuse_transaction_marker(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        pytest.fail("Use the committed_db fixture instead of django_db(transaction=True).")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test whose writes were committed, put the seeded database back.

    This runs after all of the test's fixtures are torn down, so after
    pytest-django has flushed the tables (``transactional_db``, ``live_server``).
    """
    yield
    if _snapshot is not None and _COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ())):
        with _db_blocker.unblock():
            _snapshot.restore()


@pytest.fixture
def committed_db(transactional_db):
    """Database access without a wrapping transaction: every write commits at once.

    For tests with real threads (tests/concurrency.py). It is pytest-django's
    ``transactional_db`` (so the test database is created even when a run holds
    only such tests) plus the promise of ``pytest_runtest_teardown`` below:
    the seeded database is restored after the test, so nothing it wrote reaches
    the next one. ``make_user`` and the role fixtures work with it.
    """
    yield


@pytest.fixture
def make_user(request):
    if "committed_db" not in request.fixturenames:
        request.getfixturevalue("db")

    def make(role=Role.CONTRIBUTOR, cbs_code=None, organisation=None, email=None, **extra):
        if organisation is None and cbs_code:
            organisation = Municipality.objects.get(cbs_code=cbs_code).organisation
        email = (
            email
            or f"{role}-{cbs_code or (organisation.slug if organisation else 'none')}@test.example"
        )
        return User.objects.create_user(
            email=email, password=TEST_PASSWORD, role=role, organisation=organisation, **extra
        )

    return make


@pytest.fixture
def enschede_contributor(make_user):
    return make_user(Role.CONTRIBUTOR, "GM0153")


@pytest.fixture
def weert_contributor(make_user):
    return make_user(Role.CONTRIBUTOR, "GM0988")


@pytest.fixture
def facilitator(make_user):
    organisation = Organisation.objects.get(slug="kennisschakel-beheer")
    return make_user(Role.FACILITATOR, organisation=organisation, email="facilitator@test.example")


class _Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        with self.lock:
            self.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "message": message_from_bytes(envelope.content, policy=default_policy),
                }
            )
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """The test's mail server. ``messages`` first runs the queued background tasks (the
    email outbox is sent by the worker: tests/background.py), then returns what arrived;
    ``received`` is what arrived so far without running anything. ``stop()`` and
    ``start()`` take the server down and bring it back on the same port."""

    def __init__(self):
        self._collector = _Collector()
        self.port = _free_port()
        self._controller = None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self._collector, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[dict]:
        return self._collector.messages

    @property
    def messages(self) -> list[dict]:
        from tests.background import run_queued_tasks

        run_queued_tasks()
        return self._collector.messages


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on localhost; Django sends to it over the network."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    try:
        yield server
    finally:
        server.stop()
