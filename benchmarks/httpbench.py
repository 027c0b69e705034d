"""Shared pieces of the HTTP benchmarks: start a tree's production server, log in, time GETs.

A *tree* is a checkout of the project: this one (``now``) or the previous version,
checked out read-only at /work/baseline (``today``). Both run with this virtualenv;
``PYTHONPATH=<tree>/src`` decides which ``kennisschakel`` package is imported, and
the benchmark URL ``/__bench__/minimal/`` (benchmarks/benchsite) answers the path of
the package the server really imported, which ``Server.start`` checks.

The server runs with debug off, as in production: ``kennisschakel serve --workers N``
when the tree's serve command has ``--workers``, else gunicorn directly with the same
worker count (the baseline). ``GUNICORN_CMD_ARGS=--timeout 600`` keeps gunicorn from
killing a worker whose first request builds an index for minutes (the baseline does
that inside the request). Static files are collected per tree and database into
``var/bench/<database>/<label>/``; the persisted indexes of a tree live in its
``KENNISSCHAKEL_VAR_DIR``, which is ``var/bench/<database>`` (where ``demo-scale`` put them).
"""

import concurrent.futures
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
BASELINE = Path("/work/baseline")
# "now" is this checkout unless BENCH_NOW_TREE names another one (e.g. a worktree of the
# commit being measured, while this checkout goes on changing).
NOW = Path(os.environ.get("BENCH_NOW_TREE", str(ROOT)))
DEMO_LOGIN = ("beleid@weert.example", "demo-kennisschakel")  # published demo credential


@dataclass
class Tree:
    label: str  # "today" (baseline) or "now"
    src: Path  # the tree's src/ directory

    @classmethod
    def named(cls, label: str) -> "Tree":
        return cls(label, (BASELINE if label == "today" else NOW) / "src")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.strip("/") or "default"


def var_dir(database_url: str) -> Path:
    return ROOT / "var" / "bench" / database_name(database_url)


def tree_env(tree: Tree, database_url: str, extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{tree.src}:{ROOT / 'benchmarks'}",
            "DJANGO_SETTINGS_MODULE": "benchsite.settings",
            "DATABASE_URL": database_url,
            "KENNISSCHAKEL_DEBUG": "0",
            "KENNISSCHAKEL_SECRET_KEY": "benchmark-only-" + "k" * 50,
            "KENNISSCHAKEL_SSL_REDIRECT": "0",
            "KENNISSCHAKEL_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "KENNISSCHAKEL_VAR_DIR": str(var_dir(database_url)),
            "KENNISSCHAKEL_LOG_LEVEL": "WARNING",
            "GUNICORN_CMD_ARGS": "--timeout 600",
        }
    )
    env.pop("KENNISSCHAKEL_TESTING", None)
    env.update(extra or {})
    return env


def imported_package(tree: Tree, env: dict) -> str:
    out = subprocess.run(
        [str(VENV_BIN / "python"), "-c", "import kennisschakel; print(kennisschakel.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def serve_has_workers(env: dict) -> bool:
    out = subprocess.run(
        [str(VENV_BIN / "kennisschakel"), "serve", "--help"],
        env=env,
        capture_output=True,
        text=True,
    )
    return "--workers" in out.stdout


class Server:
    """A tree's production server on a free port; ``with Server(...) as server:``."""

    def __init__(self, tree: Tree, database_url: str, workers: int = 2, extra_env=None):
        self.tree = tree
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.env = tree_env(tree, database_url, extra_env)
        static = var_dir(database_url) / tree.label / "static"
        self.env["BENCH_STATIC_ROOT"] = str(static)
        self.process: subprocess.Popen | None = None
        self.command: list[str] = []
        self.log = var_dir(database_url) / f"server-{tree.label}.log"

    def collectstatic(self) -> None:
        # STATIC_ROOT is VAR_DIR/static in every tree: collect once per tree + database.
        subprocess.run(
            [str(VENV_BIN / "kennisschakel"), "collectstatic", "--noinput", "-v0"],
            env=self.env,
            check=True,
        )

    def start(self, timeout: float = 120) -> "Server":
        package = imported_package(self.tree, self.env)
        if not package.startswith(str(self.tree.src)):
            raise SystemExit(f"{self.tree.label}: imported {package}, not from {self.tree.src}")
        var_dir(self.database_url).mkdir(parents=True, exist_ok=True)
        self.collectstatic()
        address = f"127.0.0.1:{self.port}"
        if serve_has_workers(self.env):
            self.command = [
                str(VENV_BIN / "kennisschakel"), "serve", address, "--workers", str(self.workers)
            ]  # fmt: skip
        else:
            self.command = [
                str(VENV_BIN / "gunicorn"), "kennisschakel.wsgi", "-w", str(self.workers),
                "-b", address,
            ]  # fmt: skip
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.tree.label}: server exited, see {self.log}")
            try:
                status, body, _ = get(self.port, "/__bench__/minimal/")
                if status == 200:
                    if not body.decode().startswith(str(self.tree.src)):
                        raise SystemExit(f"{self.tree.label}: server runs {body.decode()}")
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.tree.label}: server did not answer within {timeout} s")

    def pids(self) -> tuple[int, list[int]]:
        """(master, workers) of the gunicorn under this server (serve may exec it)."""
        master = self.process.pid
        children = _children(master)
        gunicorn_master = master
        # `kennisschakel serve` may run gunicorn as a child instead of exec'ing it.
        while children and len(children) == 1 and len(_children(children[0])) >= 1:
            gunicorn_master = children[0]
            children = _children(gunicorn_master)
        return gunicorn_master, children

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


# --------------------------------------------------------------------------- HTTP


def get(port: int, path: str, cookies: dict | None = None, timeout: float = 900):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Host": "127.0.0.1", "Accept-Language": "nl"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    finally:
        connection.close()


def _set_cookies(headers, cookies: dict) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()


def login(port: int, email: str = DEMO_LOGIN[0], password: str = DEMO_LOGIN[1]) -> dict:
    """Session cookies of a logged-in user. Cookies are handled by hand: with debug off
    they are marked Secure, which a cookie jar would never send over plain HTTP."""
    cookies: dict = {}
    status, body, headers = get(port, "/account/inloggen/")
    _set_cookies(headers, cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": email, "password": password}
    )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        "/account/inloggen/",
        body=form,
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}/account/inloggen/",
        },
    )
    response = connection.getresponse()
    response.read()
    _set_cookies(response.getheaders(), cookies)
    connection.close()
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"login as {email} failed: HTTP {response.status}")
    return cookies


def timed_get(port: int, path: str, cookies: dict | None = None) -> tuple[float, int]:
    started = time.perf_counter()
    status, _body, _ = get(port, path, cookies)
    return (time.perf_counter() - started) * 1000, status


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


@dataclass
class LoopResult:
    concurrency: int
    seconds: float
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "errors": self.errors,
            "req_per_s": round(self.per_second, 2),
            "p50_ms": round(percentile(self.latencies, 0.5), 1),
            "p95_ms": round(percentile(self.latencies, 0.95), 1),
        }


def closed_loop(port: int, paths: list[str], concurrency: int, seconds: float, cookies=None):
    """``concurrency`` clients, each sending the next request as soon as the last came back,
    cycling through ``paths`` (each client from its own offset) for ``seconds``."""
    result = LoopResult(concurrency, seconds)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(offset: int):
        index = offset
        while time.perf_counter() < stop_at:
            try:
                ms, status = timed_get(port, paths[index % len(paths)], cookies)
                ok = status < 400
            except OSError:
                ms, ok = 0.0, False
            with lock:
                result.requests += 1
                result.errors += not ok
                result.latencies.append(ms)
            index += 1

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(client, range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def median(values):
    return statistics.median(values) if values else float("nan")


def write_json(path: str | None, data: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
        print(f"JSON written to {path}", file=sys.stderr)
