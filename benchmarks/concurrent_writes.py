"""Concurrent autosave benchmark of the monitor (issue 10, A1 and A6).

    .venv/bin/python benchmarks/concurrent_writes.py
    .venv/bin/python benchmarks/concurrent_writes.py --workers 20 --seconds 10
    .venv/bin/python benchmarks/concurrent_writes.py \\
        --postgres postgres://postgres@127.0.0.1:5432/postgres

What it does:

1. a database of its own: the SQLite file ``var/benchmarks/concurrent_writes.sqlite3``
   (recreated each run; the project's settings give it WAL, a busy timeout and
   ``transaction_mode="IMMEDIATE"``), or with ``--postgres URL`` (the maintenance
   database) a PostgreSQL database ``bench_concurrent`` created for the run and dropped
   at the end. Built with ``migrate`` and only what a wave needs (register loaders and
   ``monitor.instruments.load_instruments``); one open wave of the ``gib`` instrument;
2. scenario "one municipality": W threads save answers to the SAME invitation for D
   seconds, each thread its own questions (colleagues filling different pages), one
   question per call through ``monitor.services.save_answers``, as the autosave does;
3. scenario "many municipalities": W threads, each for a different municipality's
   invitation, cycling through all questions;
4. scenario "one municipality, HTTP": as 2., through the full stack: a
   ``django.test.Client`` per thread opens a session with its own access code of one
   invitation and posts JSON to the page's autosave endpoint (``--no-http`` skips it).

For each: saves/s, latency p50/p95/max, errors by type, and afterwards the check that
every question's stored answer equals the last value a thread saved for it (kept/sent).
The values are SYNTHETIC; nothing outside the benchmark's own database changes.
"""

import argparse
import collections
import datetime
import json
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "benchmarks"
DB_PATH = BENCH_DIR / "concurrent_writes.sqlite3"
PG_NAME = "bench_concurrent"


def stored_status(status: str) -> dict:
    """``{"status": …}`` for a tree that stores a wave's status (before issue 14); since
    then the status follows the dates, which the callers set to match."""
    from kennisschakel.monitor.models import Wave

    return {"status": status} if any(f.name == "status" for f in Wave._meta.fields) else {}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=20, help="threads (default 20)")
    parser.add_argument("--seconds", type=float, default=10, help="per scenario (default 10)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="PostgreSQL maintenance URL (e.g. postgres://postgres@127.0.0.1:5432/postgres);"
        f" the benchmark creates and drops its own database {PG_NAME}",
    )
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP scenario")
    args = parser.parse_args()
    if args.workers < 1 or args.seconds <= 0:
        parser.error("--workers and --seconds must be positive")
    return args


ARGS = parse_args()


def check_name(name: str) -> None:
    # Never a database of someone else's: not the test databases, not h*, not lead.
    if name.startswith(("test", "h")) or name == "lead":
        raise SystemExit(f"refusing to use database {name!r}")


def recreate_postgres(maintenance_url: str) -> str:
    """Drop and create ``PG_NAME`` through the maintenance database; its URL."""
    import psycopg
    from psycopg import sql

    check_name(PG_NAME)
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_NAME))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_NAME)))
    parts = urlsplit(maintenance_url)
    return urlunsplit(parts._replace(path=f"/{PG_NAME}"))


def drop_postgres(maintenance_url: str) -> None:
    import psycopg
    from psycopg import sql

    check_name(PG_NAME)
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_NAME))
        )


sys.path.insert(0, str(ROOT / "src"))
BENCH_DIR.mkdir(parents=True, exist_ok=True)
if ARGS.postgres:
    os.environ["DATABASE_URL"] = recreate_postgres(ARGS.postgres)
    DB_LABEL = f"PostgreSQL database {PG_NAME}"
else:
    # A file of its own, whatever DATABASE_URL the shell has: never the dev or test database.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
    DB_LABEL = f"SQLite {DB_PATH.relative_to(ROOT)}"
os.environ["DJANGO_SETTINGS_MODULE"] = "kennisschakel.settings"
os.environ["KENNISSCHAKEL_DEBUG"] = "1"
os.environ["KENNISSCHAKEL_LOG_LEVEL"] = "WARNING"
os.environ["KENNISSCHAKEL_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ.setdefault("KENNISSCHAKEL_VAR_DIR", str(BENCH_DIR))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from kennisschakel.engines import survey  # noqa: E402
from kennisschakel.engines.survey.instrument import MULTIPLE_TYPES  # noqa: E402
from kennisschakel.monitor import services  # noqa: E402
from kennisschakel.monitor.instruments import load_instruments  # noqa: E402
from kennisschakel.monitor.models import AccessCode, Instrument, Invitation, Wave  # noqa: E402
from kennisschakel.register import loaders  # noqa: E402
from kennisschakel.register.models import SizeScheme  # noqa: E402

ONE_MUNICIPALITY = "GM0153"  # Enschede


class HTTPError(Exception):
    """The autosave endpoint answered something other than 200."""


def value_for(question: survey.Question, thread: int, n: int):
    """A valid SYNTHETIC value that differs from one save to the next where it can."""
    if question.type in MULTIPLE_TYPES:
        free = [o.code for o in question.options if not o.exclusive] or question.option_codes
        return [free[n % len(free)]]
    if question.options:
        return question.option_codes[n % len(question.option_codes)]
    if question.type == "scale":
        return question.scale_min + n % (question.scale_max - question.scale_min + 1)
    if question.type == "number":
        low = int(question.min) if question.min is not None else 0
        high = int(question.max) if question.max is not None else low + 10_000
        return low + n % max(1, high - low + 1)
    text = f"SYNTHETIC w{thread} n{n}"
    return text[: question.max_length] if question.max_length else text


# --------------------------------------------------------------------------- setup


def setup_database() -> Wave:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        for loader in (
            loaders.load_provinces,
            loaders.load_policy_domains,
            loaders.load_size_classes,
            loaders.load_municipalities,
            loaders.load_mergers,
        ):
            loader()
        load_instruments()
    today = datetime.date.today()
    wave = services.create_wave(
        {
            "slug": "gib-concurrent-synthetic",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": "SYNTHETIC monitor (concurrent writes)",
            "period": str(today.year),
            "reference_date": datetime.date(today.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": today - datetime.timedelta(days=1),
            "closes_on": today + datetime.timedelta(days=30),
            **stored_status("open"),
        }
    )
    wave.instrument.engine()  # parse the instrument once, before any timing
    print(
        f"setup: migrate + reference data + instruments + one wave "
        f"({wave.invitations.count()} invitations): {time.perf_counter() - started:.1f} s"
    )
    return wave


def reset(invitation_ids) -> None:
    Invitation.objects.filter(pk__in=invitation_ids).update(
        answers={}, invalid_input={}, started_at=None, saved_at=None, submitted_at=None
    )


# --------------------------------------------------------------------------- running


@dataclass
class Worker:
    """One thread's plan and what it measured."""

    invitation_id: int
    questions: list
    code: str = ""
    latencies: list = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    last: dict = field(default_factory=dict)  # question code -> last value saved


@dataclass
class Result:
    name: str
    seconds: float
    saves: int
    latencies: list
    errors: collections.Counter
    kept: int
    sent: int
    per_thread: list  # saves per thread, to show whether the lock is shared fairly


def direct_saver(worker: Worker):
    invitation = Invitation.objects.select_related("wave__instrument").get(pk=worker.invitation_id)

    def save(code, value):
        result = services.save_answers(invitation, {code: value})
        if result.errors:
            raise ValueError(f"{code}: {result.errors[code]}")

    return save


def http_saver(worker: Worker):
    wave = Invitation.objects.select_related("wave").get(pk=worker.invitation_id).wave
    client = Client()
    response = client.post(reverse("monitor:answer-start", args=[wave.slug]), {"code": worker.code})
    if response.status_code != 302:
        raise HTTPError(f"start {response.status_code}")
    url = reverse("monitor:answer-autosave", args=[wave.slug])

    def save(code, value):
        response = client.post(url, json.dumps({code: value}), content_type="application/json")
        if response.status_code != 200:
            raise HTTPError(f"{response.status_code} {response.content[:200]!r}")

    return save


def run(name: str, workers: list[Worker], make_saver, seconds: float) -> Result:
    reset({worker.invitation_id for worker in workers})
    connection.close()  # the threads open their own
    barrier = threading.Barrier(len(workers) + 1)

    def work(index: int, worker: Worker) -> None:
        try:
            save = make_saver(worker)
            barrier.wait(timeout=120)
            deadline = time.perf_counter() + seconds
            n = 0
            while time.perf_counter() < deadline:
                question = worker.questions[n % len(worker.questions)]
                value = value_for(question, index, n // len(worker.questions) + index)
                started = time.perf_counter()
                try:
                    save(question.code, value)
                except Exception as error:  # noqa: BLE001 (counted by type)
                    worker.errors[type(error).__name__] += 1
                else:
                    worker.last[question.code] = survey.normalise(question, value)
                finally:
                    worker.latencies.append(time.perf_counter() - started)
                n += 1
        except Exception as error:  # noqa: BLE001 (setup failure of this thread)
            worker.errors[f"setup {type(error).__name__}"] += 1
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=pair) for pair in enumerate(workers)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    errors = collections.Counter()
    latencies = []
    kept = sent = 0
    stored = dict(
        Invitation.objects.filter(pk__in={w.invitation_id for w in workers}).values_list(
            "pk", "answers"
        )
    )
    for worker in workers:
        errors.update(worker.errors)
        latencies.extend(worker.latencies)
        answers = stored[worker.invitation_id]
        for code, value in worker.last.items():
            sent += 1
            kept += answers.get(code) == value
    per_thread = sorted(len(worker.latencies) for worker in workers)
    return Result(name, elapsed, len(latencies), latencies, errors, kept, sent, per_thread)


def percentile(values: list, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def report(results: list[Result]) -> None:
    print()
    print(
        f"{'scenario':34} {'saves':>6} {'saves/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'max ms':>7} {'errors':>7} {'kept/sent':>10} {'per thread':>11}"
    )
    for r in results:
        if r.latencies:
            p50 = statistics.median(r.latencies) * 1000
            p95 = percentile(r.latencies, 0.95) * 1000
            top = max(r.latencies) * 1000
        else:
            p50 = p95 = top = float("nan")
        print(
            f"{r.name:34} {r.saves:6d} {r.saves / r.seconds:8.1f} {p50:7.1f} {p95:7.1f} "
            f"{top:7.1f} {sum(r.errors.values()):7d} {f'{r.kept}/{r.sent}':>10} "
            f"{f'{r.per_thread[0]}-{r.per_thread[-1]}':>11}"
        )
    for r in results:
        if r.errors:
            kinds = ", ".join(f"{name} {count}" for name, count in r.errors.most_common())
            print(f"  errors in {r.name}: {kinds}")


def main():
    total_started = time.perf_counter()
    settings.DEBUG = False  # no query log in memory while timing
    workers, seconds = ARGS.workers, ARGS.seconds
    print(f"SYNTHETIC answers; {DB_LABEL}; {workers} threads x {seconds:g} s per scenario")
    try:
        wave = setup_database()
        questions = list(wave.instrument.engine().questions)
        invitations = list(wave.invitations.order_by("cbs_code"))
        one = wave.invitations.get(cbs_code=ONE_MUNICIPALITY)
        if workers > len(questions):
            raise SystemExit(f"at most {len(questions)} workers: one question each at least")
        if workers > len(invitations):
            raise SystemExit(f"at most {len(invitations)} workers: one municipality each")

        results = []
        plan = [Worker(one.pk, questions[index::workers]) for index in range(workers)]
        results.append(run("1 one municipality, many colleagues", plan, direct_saver, seconds))
        plan = [Worker(invitation.pk, questions) for invitation in invitations[:workers]]
        results.append(run("2 many municipalities at once", plan, direct_saver, seconds))
        if not ARGS.no_http:
            kinds = [AccessCode.Kind.LETTER, AccessCode.Kind.REMINDER]
            plan = []
            for index in range(workers):
                kind = kinds[index] if index < len(kinds) else AccessCode.Kind.DELEGATION
                email = "" if index == 0 else f"collega{index}@synthetic.test"
                code = services.issue_code(one, kind, email)
                plan.append(Worker(one.pk, questions[index::workers], code=code))
            results.append(run("3 one municipality, HTTP autosave", plan, http_saver, seconds))
        report(results)
    finally:
        connections.close_all()
        if ARGS.postgres:
            drop_postgres(ARGS.postgres)
    print(f"total runtime {time.perf_counter() - total_started:.1f} s")


if __name__ == "__main__":
    main()
