"""No database connection leak with a thread-per-request server (issue 10, A7).

A persistent connection (CONN_MAX_AGE > 0) belongs to the thread that opened it. A
server that starts a new thread per request leaves one open connection behind per
finished thread; 69 idle PostgreSQL connections and then "too many clients" were seen.
The default therefore closes each connection when its request ends, with health checks
on, and the README says to raise CONN_MAX_AGE only with a fixed number of threads.
"""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection, connections

POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
REQUESTS = 100
CLIENT_THREADS = 20
URLS = [
    "/api/v1/municipalities/GM0153",
    "/api/v1/provinces",
    "/gemeenten/GM0153/",
    "/organisaties/",
]


def production_database_settings() -> dict:
    """The connection settings the real settings module gives without any override."""
    env = {k: v for k, v in os.environ.items() if k != "KENNISSCHAKEL_CONN_MAX_AGE"}
    env.setdefault("KENNISSCHAKEL_TESTING", "1")  # no secret key needed to read settings
    code = (
        "import json; from kennisschakel import settings as s; d = s.DATABASES['default']; "
        "print(json.dumps({k: d[k] for k in ('CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_connections_close_after_each_request_by_default_with_health_checks():
    assert production_database_settings() == {"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": True}


class ThreadPerRequestServer(ThreadingMixIn, WSGIServer):
    """Like waitress or cheroot in their simplest form: one new thread per request."""

    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def other_connections_to_this_database() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def settled_connection_count(baseline: int = 0, seconds: float = 5.0) -> int:
    """Backends exit shortly after their client closes; wait until the count is back at
    ``baseline`` (connections that earlier tests' live servers left open)."""
    deadline = time.monotonic() + seconds
    count = other_connections_to_this_database()
    while count > baseline and time.monotonic() < deadline:
        time.sleep(0.2)
        count = other_connections_to_this_database()
    return count


@pytest.mark.skipif(not POSTGRES, reason="counts PostgreSQL backends (pg_stat_activity)")
def test_thread_per_request_server_leaves_no_idle_connections(committed_db, monkeypatch):
    production = production_database_settings()
    for key, value in production.items():
        monkeypatch.setitem(connections.settings["default"], key, value)
    before = other_connections_to_this_database()
    server = make_server(
        "127.0.0.1",
        0,
        get_wsgi_application(),
        server_class=ThreadPerRequestServer,
        handler_class=QuietHandler,
    )
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.server_port}"

    def fetch(index: int) -> int:
        url = base + URLS[index % len(URLS)]  # http://127.0.0.1 only
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
            return response.status

    try:
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            statuses = list(pool.map(fetch, range(REQUESTS)))
    finally:
        server.shutdown()
        server.server_close()

    assert statuses == [200] * REQUESTS
    # Every connection the 100 requests opened is gone again (with CONN_MAX_AGE=60: 80 stay).
    assert settled_connection_count(baseline=before) == before
