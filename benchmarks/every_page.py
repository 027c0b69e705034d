"""Every GET route of the site and the API on the demo data, timed cold and warm (issue 11:
"no page request takes more than 2 s on the demo data").

    .venv/bin/python benchmarks/every_page.py                       # SQLite, var/bench/every-page/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5 .venv/bin/python benchmarks/every_page.py
        [--keep] [--json out.json] [--top 10] [--limit-seconds 2]

A throwaway database: SQLite under ``var/bench/every-page/``, or on PostgreSQL the database
``<name of DATABASE_URL>_bench`` (created, and dropped at the end unless ``--keep``; the
database of DATABASE_URL itself is only used to connect). A child process runs ``migrate``,
``seed`` (the reference and demo data) and ``collectstatic`` (debug is off: the manifest
storage of production), so that the measuring process holds what a web worker holds; then the
objects of the permission matrix are added (``tests/core/permission_world.py``: own and
other drafts, practices, partnerships, waves with a letter code, files, introductions …).

Requests go in-process through Django's test client (full middleware, debug OFF, production
settings apart from HTTPS: requests are marked secure). The routes are the GET entries of
``tests/core/permission_matrix.py`` (which the matrix test keeps complete for every route of the URL
configuration); each is asked by a role the matrix allows (facilitator first, then coordinator,
contributor, reader, the code holder; public pages anonymously AND as a facilitator), once per
object variant. A second pass asks the routes again with the demo's own big objects in place
of the matrix's small ones (the demo wave with all 342 invitations, the busiest partnership,
a demo practice and network), and then: requests with typed input (a search with words, the
help question on the page and through the API, place search, the monitor's autosave and the
API's answers PATCH), ``/health``, and the Django admin (its index and every change list, as a
superuser).

Each request is made twice: the first ("cold": the first time this process sees the route)
and the second ("warm") are both reported, with the warm request's queries. Prints the rows
sorted by warm time, the slowest ``--top``, the maximum, and flags every request over
``--limit-seconds`` (default 2 s). The time a request spent in the garbage collector is shown
when it is over 50 ms, and a warm request over a quarter of the limit is asked 3 more times
(median shown): on a shared machine a single slow request may be a pause, not the page.
"""

import argparse
import json
import os
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # tests.core.permission_matrix and permission_world

PREFERRED_ROLES = ("facilitator", "coordinator", "contributor", "reader", "code_holder")
SEARCH = "armoede schulden"
QUESTION = "Wij willen schuldhulpverlening voor jongeren verbeteren; wie heeft daar ervaring mee?"


# ---------------------------------------------------------------------------- the database


def prepare_database(keep: bool) -> tuple[str, callable]:
    """Point DATABASE_URL at a database of our own; return a description and a cleanup."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        folder = ROOT / "var" / "bench" / "every-page"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "every_page.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        os.environ["KENNISSCHAKEL_VAR_DIR"] = str(folder / "sqlite")
        return str(path), lambda: None

    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    if name in ("test_bench", "lead_bench") or not name.endswith("_bench"):
        raise SystemExit(f"refusing to use {name!r}")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + name))
    os.environ["KENNISSCHAKEL_VAR_DIR"] = str(ROOT / "var" / "bench" / "every-page" / name)

    def drop():
        if keep:
            return
        from django.db import connections

        connections.close_all()
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return name, drop


def setup_django() -> None:
    # Production settings with debug off; only what an in-process client needs differs.
    os.environ["KENNISSCHAKEL_DEBUG"] = "0"
    os.environ.pop("KENNISSCHAKEL_TESTING", None)
    os.environ.setdefault("KENNISSCHAKEL_SECRET_KEY", "every-page-benchmark-" + "k" * 40)
    os.environ["KENNISSCHAKEL_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("KENNISSCHAKEL_LOG_LEVEL", "ERROR")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kennisschakel.settings"
    import django

    django.setup()


def load_data() -> None:
    """migrate + seed + collectstatic in a child process (as ``make eval`` does): the
    measuring process then holds only what a web worker holds, not the seed's objects."""
    import subprocess

    started = time.perf_counter()
    command = [sys.executable, "-m", "django"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for args in (
        ["migrate", "--no-input", "-v0"],
        ["seed"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run([*command, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"migrate + seed + collectstatic: {time.perf_counter() - started:.1f} s")


class GcPauses:
    """Time spent in the garbage collector (a full collection can pause a request)."""

    def __init__(self):
        import gc

        self.total = 0.0
        self._started = None
        gc.callbacks.append(self)

    def __call__(self, phase, info):
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.total += time.perf_counter() - self._started
            self._started = None


GC = None


# ---------------------------------------------------------------------------- the requests


class Clients:
    """One test client per role (logged in, or with the letter codes entered), one handler."""

    def __init__(self, world):
        self.world = world
        self.clients = {}
        self.handler = None

    def _new(self):
        from django.test import Client

        client = Client()
        if self.handler is None:
            self.handler = client.handler
        client.handler = self.handler
        return client

    def get(self, role: str, api: bool):
        from django.urls import reverse

        key = (role, api)
        if key in self.clients:
            return self.clients[key]
        client, world = self._new(), self.world
        if role in world.users:
            if api:
                client.defaults["HTTP_AUTHORIZATION"] = f"Token {world.tokens[role]}"
            else:
                client.force_login(world.users[role])
        elif role == "code_holder":
            for name in ("wave_open", "wave_closed"):
                start = reverse("monitor:answer-start", args=[world[name].slug])
                client.post(start, {"code": world.codes[name]}, secure=True)
            if api:
                client.defaults["HTTP_X_ACCESS_CODE"] = world.codes["wave_open"]
        self.clients[key] = client
        return client


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(client, method: str, url: str, data=None, fmt: str = "form"):
    """One request, its body read to the end (downloads stream); (seconds, status, queries)."""
    from django.db import connection

    counter = QueryCounter()
    gc_before = GC.total if GC else 0.0
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        if method == "GET":
            response = client.get(url, secure=True)
        elif fmt == "json":
            body = json.dumps(data or {})
            response = client.generic(
                method, url, body, content_type="application/json", secure=True
            )
        else:
            response = client.post(url, data or {}, secure=True)
        if response.streaming:
            for _chunk in response.streaming_content:
                pass
        else:
            response.content  # noqa: B018
        response.close()
    elapsed = time.perf_counter() - started
    timed.gc = (GC.total if GC else 0.0) - gc_before
    return elapsed, response.status_code, counter.count


def measure(clients, label, role, method, url, data=None, fmt="form") -> dict:
    client = clients.get(role, fmt == "json")
    cold, cold_status, _ = timed(client, method, url, data, fmt)
    warm, status, queries = timed(client, method, url, data, fmt)
    warm_gc = timed.gc
    return {
        "route": label,
        "role": role,
        "method": method,
        "url": url,
        "cold": cold,
        "warm": warm,
        "status": status if status == cold_status else f"{cold_status}/{status}",
        "queries": queries,
        "fmt": fmt,
        "warm_gc": warm_gc,
    }


def matrix_requests(world, pass_name: str):
    """(label, role, url, fmt, prepare) for every GET entry of the matrix."""
    from tests.core.permission_matrix import MATRIX, Public

    later = []
    for (name, method), entry in MATRIX.items():
        if method != "GET":
            continue
        if isinstance(entry, Public):
            for role in ("anonymous", "facilitator"):
                url = entry.url(world, "-")
                yield (f"{name} [{pass_name}]", role, url, entry.fmt, None)
            continue
        for variant in entry.variants:
            role = next((r for r in PREFERRED_ROLES if entry.outcome(r, variant) == "A"), None)
            if role is None:
                continue  # nobody may see this variant (e.g. another side's introduction)
            label = f"{name} ({variant}) [{pass_name}]"
            if entry.prepare:  # changes state (e.g. submits the answers): asked last
                later.append((label, role, entry, variant))
            else:
                yield (label, role, entry.url(world, variant), entry.fmt, None)
    for label, role, entry, variant in later:
        url = lambda w=world, e=entry, v=variant: e.url(w, v)  # noqa: E731
        yield (label, role, url, entry.fmt, entry.prepare)


def run_matrix(clients, world, pass_name, rows, seen_urls, missing):
    for label, role, url, fmt, prepare in matrix_requests(world, pass_name):
        try:
            if prepare:
                prepare(world)
                url = url()
        except Exception as error:  # an object the demo does not have  # noqa: BLE001
            missing.append(f"{label}: {error!r}")
            continue
        if (role, url) in seen_urls or (pass_name == "demo" and role == "code_holder"):
            continue  # the demo pass only repeats what changed; the code is the matrix's
        seen_urls.add((role, url))
        rows.append(measure(clients, label, role, "GET", url, fmt=fmt))


# ---------------------------------------------------------------------------- the demo objects


def demo_world(world):
    """The matrix's world with the demo's big objects in place of its small ones."""
    import copy

    from django.db.models import Count

    from kennisschakel.knowledge.models import Practice
    from kennisschakel.matching.models import Question
    from kennisschakel.monitor.models import Wave
    from kennisschakel.partnerships.models import Partnership
    from kennisschakel.register.models import Organisation
    from tests.core.permission_world import _a_chart_id

    demo = copy.copy(world)
    demo.objects = dict(world.objects)
    o = demo.objects
    matrix_slugs = [world[k].slug for k in world.objects if k.startswith("wave_")]
    waves = Wave.objects.exclude(slug__in=matrix_slugs).annotate(n=Count("invitations"))
    closed = waves.filter(Wave.status_q(Wave.Status.CLOSED)).order_by("-n", "-reference_date")
    closed = closed.first()
    opened = waves.filter(Wave.status_q(Wave.Status.OPEN)).order_by("-n").first()
    if closed:
        o["wave_closed"] = o["wave_closed_other"] = closed
        o["chart_id"] = _a_chart_id(closed)
    if opened:
        o["wave_open"] = opened  # facilitators' pages; the code holder keeps the matrix's
    practice = (
        Practice.objects.filter(status="published")
        .exclude(title__startswith="Matrix")
        .annotate(n=Count("adoptions"))
        .order_by("-n", "pk")
        .first()
    )
    if practice:
        o["published_own"] = o["published_other"] = practice
    partnership = (
        Partnership.objects.exclude(name__startswith="Matrix")
        .annotate(n=Count("activities"))
        .order_by("-n", "pk")
        .first()
    )
    if partnership:
        o["partnership_own"] = o["partnership_other"] = partnership
    network = (
        Organisation.objects.filter(type=Organisation.Type.NETWORK)
        .exclude(slug__startswith="matrix-")
        .annotate(n=Count("members"))
        .order_by("-n", "pk")
        .first()
    )
    if network:
        o["network"] = network
    question = Question.objects.exclude(title__startswith="Matrix").order_by("pk").first()
    if question:
        o["question_own"] = o["question_other"] = question
    return demo, {
        "wave (closed)": closed and f"{closed.slug} ({closed.n} invitations)",
        "wave (open)": opened and f"{opened.slug} ({opened.n} invitations)",
        "practice": practice and practice.slug,
        "partnership": partnership and f"{partnership.slug} ({partnership.n} activities)",
        "network": network and network.slug,
        "question": question and question.pk,
    }


def interactive_requests(world):
    """Requests with input a person types: (label, role, method, url, data, fmt)."""
    from django.urls import reverse

    wave = world["wave_open"].slug
    q = urllib.parse.urlencode
    return [
        ("search with words", "reader", "GET",
         reverse("knowledge:practice-list") + "?" + q({"q": SEARCH}), None, "form"),
        ("search with words, API", "reader", "GET",
         reverse("api:practice-list") + "?" + q({"q": SEARCH}), None, "json"),
        ("help question (match)", "reader", "GET",
         reverse("matching:ask") + "?" + q({"text": QUESTION}), None, "form"),
        ("help question, international", "reader", "GET",
         reverse("matching:ask") + "?" + q({"text": QUESTION, "international": "1"}), None,
         "form"),
        ("place search 'Neurenberg'", "anonymous", "GET",
         reverse("register:place-search") + "?" + q({"q": "Neurenberg"}), None, "form"),
        ("municipality list, name search", "anonymous", "GET",
         reverse("register:municipality-list") + "?" + q({"q": "sudwest"}), None, "form"),
        ("help question, API (POST matches)", "reader", "POST", reverse("api:matches"),
         {"text": QUESTION}, "json"),
        ("health", "anonymous", "GET", "/health", None, "json"),
        ("monitor autosave (POST)", "code_holder", "POST",
         reverse("monitor:answer-autosave", args=[wave]), {"invuller_functie": "Bench"}, "form"),
        ("monitor answers, API (PATCH)", "code_holder", "PATCH",
         reverse("api:wave-answers", args=[wave]),
         {"answers": {"invuller_functie": "Bench"}}, "json"),
    ]  # fmt: skip


def admin_requests(world):
    """The Django admin (/beheer/, not in the matrix): its index and every model's
    change list, as a superuser."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    from kennisschakel.accounts.models import User

    world.users["superuser"] = User.objects.create_superuser(
        email="every-page-admin@test.example", password="a-long-bench-password"
    )
    yield ("admin:index", "superuser", "GET", reverse("admin:index"), None, "form")
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        try:
            yield (name, "superuser", "GET", reverse(name), None, "form")
        except NoReverseMatch:
            continue


# ---------------------------------------------------------------------------- report


def recheck(clients, rows, threshold: float) -> None:
    """A warm request over ``threshold`` is asked 3 more times: the median says whether it was
    the page or a pause of the machine (2 cores shared with other work)."""
    import statistics

    for row in rows:
        if row["warm"] > threshold and row["method"] == "GET":
            client = clients.get(row["role"], row["fmt"] == "json")
            again = [timed(client, row["method"], row["url"])[0] for _ in range(3)]
            row["median_of_3_more"] = statistics.median(again)


def report(rows, limit, top, missing, database):
    rows.sort(key=lambda r: r["warm"], reverse=True)
    print(f"\n{len(rows)} requests on {database}; sorted by the warm (second) request\n")
    print(f"{'warm ms':>8} {'cold ms':>8} {'q':>4} {'status':>7}  {'role':<12} route  url")
    for row in rows:
        flag = "  <-- over the limit" if max(row["warm"], row["cold"]) > limit else ""
        if row["warm_gc"] > 0.05:
            flag += f"  (garbage collector: {row['warm_gc'] * 1000:.0f} ms of it)"
        if "median_of_3_more" in row:
            flag += f"  (3 more: median {row['median_of_3_more'] * 1000:.0f} ms)"
        print(
            f"{row['warm'] * 1000:8.1f} {row['cold'] * 1000:8.1f} {row['queries']:4d} "
            f"{row['status']!s:>7}  {row['role']:<12} {row['route']}  {row['url']}{flag}"
        )
    worst_warm = rows[0]
    worst_cold = max(rows, key=lambda r: r["cold"])
    print(f"\nslowest {top} (warm):")
    for row in rows[:top]:
        again = row.get("median_of_3_more")
        again = f" (3 more: median {again * 1000:.0f} ms)" if again else ""
        if row["warm_gc"] > 0.05:
            again += f" (garbage collector {row['warm_gc'] * 1000:.0f} ms)"
        print(f"  {row['warm'] * 1000:8.1f} ms  {row['route']} as {row['role']}{again}")
    print(
        f"\nmaximum warm: {worst_warm['warm'] * 1000:.0f} ms ({worst_warm['route']}); "
        f"maximum cold: {worst_cold['cold'] * 1000:.0f} ms ({worst_cold['route']})"
    )
    over = [r for r in rows if r["warm"] > limit]
    print(f"warm requests over {limit} s: {len(over) or 'none'}")
    errors = [r for r in rows if str(r["status"]).startswith("5") or "/5" in str(r["status"])]
    if errors:
        print("SERVER ERRORS: " + ", ".join(f"{r['route']} {r['status']}" for r in errors))
    if missing:
        print("not covered:\n  " + "\n  ".join(missing))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--json", help="write the rows as JSON to this file")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--limit-seconds", type=float, default=2.0)
    args = parser.parse_args()

    database, cleanup = prepare_database(args.keep)
    try:
        setup_django()
        from django.conf import settings
        from django.db import connection

        assert not settings.DEBUG
        global GC
        GC = GcPauses()
        print(f"database: {connection.vendor} {database}; DEBUG={settings.DEBUG}")
        load_data()
        from tests.core.permission_world import OWN_CODE, build_world, remove_files

        world = build_world()
        clients = Clients(world)
        rows, seen, missing = [], set(), []
        run_matrix(clients, world, "matrix", rows, seen, missing)
        demo, chosen = demo_world(world)
        print("demo objects: " + "; ".join(f"{k} {v}" for k, v in chosen.items()))
        run_matrix(clients, demo, "demo", rows, seen, missing)
        # answer-done's preparation submitted the code holder's answers: open them again.
        for name in ("wave_open", "wave_closed"):
            world[name].invitations.filter(cbs_code=OWN_CODE).update(submitted_at=None)
        for label, role, method, url, data, fmt in interactive_requests(world):
            rows.append(measure(clients, label, role, method, url, data, fmt))
        for label, role, method, url, data, fmt in admin_requests(world):
            rows.append(measure(clients, label, role, method, url, data, fmt))
        recheck(clients, rows, args.limit_seconds / 4)
        report(rows, args.limit_seconds, args.top, missing, f"{connection.vendor} {database}")
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))
        remove_files(world)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
