"""Register benchmarks: seeding, municipality list and API, place search.

Volumes: all 342 municipalities, all ~33,700 places abroad of ≥ 15,000
inhabitants, 249 countries. Each request is timed over repeated runs with
Django's test client (no network), reporting the median and the 95th percentile.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("KENNISSCHAKEL_DEBUG", "1")
os.environ.setdefault("KENNISSCHAKEL_VAR_DIR", str(ROOT / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kennisschakel.settings")
sys.path.insert(0, str(ROOT / "src"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from kennisschakel.register.loaders import load_reference_data  # noqa: E402
from kennisschakel.register.services import resolve_place, search_places  # noqa: E402


def timed(label, function, repeat=30):
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[int(len(durations) * 0.95) - 1]
    print(f"{label:58} median {statistics.median(durations):7.1f} ms   p95 {p95:7.1f} ms")


def count_queries(function):
    with override_settings(DEBUG=True):
        reset_queries()
        function()
        return len(connection.queries)


def main():
    print(f"database: {connection.vendor}  ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)  # so the first load really is first

    start = time.perf_counter()
    load_reference_data(report=lambda line: None)
    print(f"{'seed: first load (all reference data)':58} {time.perf_counter() - start:7.2f} s")
    start = time.perf_counter()
    load_reference_data(report=lambda line: None)
    print(f"{'seed: second load (nothing changes)':58} {time.perf_counter() - start:7.2f} s")

    client = Client(HTTP_HOST="localhost")

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    pages = [
        ("HTML list, first page of 342", "/gemeenten/"),
        ("HTML list, name search 'sudwest'", "/gemeenten/?q=sudwest"),
        (
            "HTML list, province + size class",
            "/gemeenten/?province=PV30&sizeClass=gib2009-20k-50k",
        ),
        ("HTML detail GM0014 (with mergers)", "/gemeenten/GM0014/"),
        ("API list, all 342 in one page", "/api/v1/municipalities?pageSize=500"),
        ("API list, grouping filter", "/api/v1/municipalities?grouping=g40"),
        ("API place search 'Neurenberg'", "/api/v1/places?q=Neurenberg"),
        ("API place prefix search 'san'", "/api/v1/places?q=san"),
        ("HTML place search 'Poznan'", "/buitenland/?q=Poznan"),
        ("OpenAPI document", "/api/v1/openapi.json"),
    ]
    for label, url in pages:
        queries = count_queries(lambda url=url: get(url))
        timed(f"{label} [{queries} queries]", lambda url=url: get(url))

    timed("engine: resolve_place('Munster')", lambda: resolve_place("Munster"))
    timed("engine: search_places('muns', country='DE')", lambda: search_places("muns", "DE"))


if __name__ == "__main__":
    main()
