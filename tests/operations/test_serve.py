"""`kennisschakel serve` with debug off: the real production server, and its refusals (issue 11).

The server runs as a separate process exactly as deploy/systemd/kennisschakel-web.service
starts it, on an SQLite file installed with the documented steps (migrate, seed,
collectstatic) and a free port, and is asked over HTTP like the reverse proxy would.
"""

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from tests.operations.test_production import kennisschakel, production_env

SITE_HOST = "kennisschakel.example.nl"  # production_env's ALLOWED_HOSTS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    """One GET, redirects not followed (http.client: urllib would follow them)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A var/ directory after the deployment guide's install steps."""
    var_dir = tmp_path_factory.mktemp("var")
    env = production_env(var_dir)
    env.update(
        KENNISSCHAKEL_TRUSTED_PROXIES="127.0.0.1,::1",
        KENNISSCHAKEL_SITE_URL=f"https://{SITE_HOST}",
        KENNISSCHAKEL_PLACES_MIN_POPULATION="100000",  # a quicker seed
    )
    for step in (
        ["migrate", "--no-input", "-v0"],
        ["seed"],  # also builds the search and match indexes
        ["collectstatic", "--no-input", "-v0"],
    ):
        done = kennisschakel(*step, env=env)
        assert done.returncode == 0, (step, done.stdout[-2000:], done.stderr[-2000:])
    return var_dir, env


def wait_until_listening(process, port: int, log) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"serve did not listen within 90 s: {log.read_text()}")


def booted_workers(log) -> int:
    return log.read_text().count("Booting worker with pid")


def test_production_server_serves_health_pages_and_static_files_then_stops(installed, tmp_path):
    var_dir, env = installed
    checked = kennisschakel("serve", "--check", "--workers", "2", env=env)
    assert checked.returncode == 0, checked.stderr
    assert "safe to serve (2 workers" in checked.stdout

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "serve.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "kennisschakel", "serve", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--production"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(server, port, log)

        # A load balancer: plain HTTP, its own Host header, no redirect.
        status, headers, body = get(f"{base}/health", Host="10.0.0.7:8000")
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok", health
        assert health["checks"]["database"]["ok"] is True
        assert headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in headers

        # A visitor through the TLS proxy.
        through_proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
        status, headers, body = get(f"{base}/", Host=SITE_HOST, **through_proxy)
        assert status == 200
        assert "Strict-Transport-Security" in headers
        css = re.search(r"/static/kennisschakel/site\.[0-9a-f]{12}\.css", body.decode())
        assert css, "the page links the hashed name from the manifest"
        status, headers, _css = get(f"{base}{css.group(0)}", Host=SITE_HOST, **through_proxy)
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers["Cache-Control"]

        # Plain HTTP to a page: redirected to HTTPS.
        status, headers, _body = get(f"{base}/gemeenten/", Host=SITE_HOST)
        assert status == 301
        assert headers["Location"] == f"https://{SITE_HOST}/gemeenten/"

        assert booted_workers(log) == 2
        # Graceful reload: new workers forked from the preloaded master, no request lost.
        server.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while booted_workers(log) < 4 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert booted_workers(log) == 4
        assert get(f"{base}/health")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise

    assert server.returncode == 0, log.read_text()
    text = log.read_text()
    assert "Shutting down: Master" in text
    assert "Traceback" not in text
    assert "is not in the manifest" not in text  # WhiteNoise's start-up scan is quiet
    # The access log names the request, its status and how long it took.
    assert re.search(r'"GET /health HTTP/1\.1" 200 \d+ \d+ms', text)
    assert 'fwd=203.0.113.9 "GET / HTTP/1.1" 200' in text


def refused(env, *args) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "kennisschakel", "serve", f"127.0.0.1:{free_port()}", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 78, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    return result


def test_serve_refuses_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["KENNISSCHAKEL_SECRET_KEY"]

    result = refused(env)

    assert "KENNISSCHAKEL_SECRET_KEY must be set" in result.stderr


def test_serve_refuses_an_unsafe_or_unfinished_installation_and_says_why(tmp_path):
    env = production_env(tmp_path)
    env["KENNISSCHAKEL_ALLOWED_HOSTS"] = "*"
    env["KENNISSCHAKEL_TESTING"] = "1"

    result = refused(env)

    assert "refusing to start" in result.stderr
    assert "ALLOWED_HOSTS accepts any host" in result.stderr
    assert "KENNISSCHAKEL_TESTING is set" in result.stderr
    assert "migration(s) not applied" in result.stderr
    assert "kennisschakel migrate" in result.stderr  # the hint says what to do


def test_serve_refuses_the_development_key_and_a_missing_manifest(tmp_path):
    env = production_env(tmp_path)
    env["KENNISSCHAKEL_ALLOWED_HOSTS"] = SITE_HOST
    del env["KENNISSCHAKEL_SECRET_KEY"]
    env["KENNISSCHAKEL_TESTING"] = "1"  # the only way past the settings' own refusal

    result = refused(env)

    assert "secret key is the development key" in result.stderr
    assert "kennisschakel.W001" in result.stderr


def test_production_flag_refuses_debug_mode(tmp_path):
    env = production_env(tmp_path)
    env["KENNISSCHAKEL_DEBUG"] = "1"

    result = refused(env, "--production")

    assert "KENNISSCHAKEL_DEBUG is on" in result.stderr
