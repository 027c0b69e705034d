"""Warm latency of the practice search page next to the home page, on the demo data.

Seeds the database of DATABASE_URL (default: SQLite under var/bench/) with the reference
and demo data (`kennisschakel seed`, which also saves the search index), then requests
each page through Django's test client (no network, one process): a few warm-up
requests, then rounds that alternate the pages; prints p50 / p95 per page, the ratio
to the home page, and the queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h3 .venv/bin/python benchmarks/search_page.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("KENNISSCHAKEL_DEBUG", "1")
os.environ.setdefault("KENNISSCHAKEL_LOG_LEVEL", "WARNING")
os.environ.setdefault("KENNISSCHAKEL_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("KENNISSCHAKEL_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennisschakel.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PAGES = {
    "home": "/",
    "search 'afval'": "/praktijken/?q=afval",
    "search 'armoede' + filter": "/praktijken/?q=armoede+schulden&negative=no",
    "search, no words (20 hits)": "/praktijken/",
}
ROUNDS = 60


def main() -> None:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    call_command("seed", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    for url in PAGES.values():
        for _ in range(5):
            assert client.get(url).status_code == 200, url
    timings = {name: [] for name in PAGES}
    for _ in range(ROUNDS):
        for name, url in PAGES.items():
            start = time.perf_counter()
            client.get(url)
            timings[name].append(time.perf_counter() - start)
            reset_queries()
    home = statistics.median(timings["home"])
    for name, url in PAGES.items():
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        values = sorted(timings[name])
        p50, p95 = statistics.median(values), values[int(len(values) * 0.95)]
        print(
            f"{name:<30} p50 {p50 * 1000:6.1f} ms  p95 {p95 * 1000:6.1f} ms"
            f"  ×home {p50 / home:4.1f}  queries {len(queries)}"
        )


if __name__ == "__main__":
    main()
