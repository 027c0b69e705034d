"""Monitor benchmark on SYNTHETIC responses (seeded; never loaded by ``make run``).

    .venv/bin/python benchmarks/monitor.py
    .venv/bin/python benchmarks/monitor.py --repeat 50 --seed 7

What it does:

1. a separate SQLite file ``var/benchmarks/monitor.sqlite3`` (recreated each run), built
   with ``migrate`` and only the reference data a wave needs: provinces, policy domains,
   size classes, the 342 municipalities and the merger register (register loaders), and
   the monitor instruments (``monitor.instruments.load_instruments``);
2. ten waves of the full ``gib`` instrument (56 questions, 137 CSV columns), scheme
   gib2009, reference dates 1 January 2016 .. 2025 (the population of each date through
   the merger register; 2025 has today's 342 municipalities). *Every* municipality of
   each wave answers: SYNTHETIC random answers that follow the routing (77 % have a
   policy; optional questions answered 80 % of the time; texts start with "SYNTHETIC").
   The answers go in as a response CSV through ``monitor.imports.import_responses``
   (timed for the 342-row wave);
3. timings, median and p95 over ``--repeat`` runs, of ``reporting.wave_report`` (the full
   report of one wave: one query for the respondents, the engine's tables with
   suppression) and ``reporting.report_json`` for the 342-municipality wave -- target:
   the full report of a wave <= 1 s -- and of ``survey.compare_waves`` over the ten
   waves, from the database (``reporting.respondents_of`` per wave) and on respondents
   already in memory; also the raw exports (CSV, XLSX).

Starts with ``KENNISSCHAKEL_DEBUG=1`` (the development settings, as the other ORM
benchmark) and sets ``DEBUG = False`` before timing, so that no query log is kept.
"""

import argparse
import datetime
import json
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "benchmarks"
DB_PATH = BENCH_DIR / "monitor.sqlite3"

sys.path.insert(0, str(ROOT / "src"))
# A file of its own, whatever DATABASE_URL the shell has: never the dev or test database.
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
os.environ["DJANGO_SETTINGS_MODULE"] = "kennisschakel.settings"
os.environ["KENNISSCHAKEL_DEBUG"] = "1"
os.environ["KENNISSCHAKEL_LOG_LEVEL"] = "WARNING"
os.environ.setdefault("KENNISSCHAKEL_VAR_DIR", str(BENCH_DIR))

import django  # noqa: E402

BENCH_DIR.mkdir(parents=True, exist_ok=True)
for suffix in ("", "-wal", "-shm"):
    Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from kennisschakel.engines import survey  # noqa: E402
from kennisschakel.engines.survey.instrument import MULTIPLE_TYPES  # noqa: E402
from kennisschakel.monitor import reporting, services  # noqa: E402
from kennisschakel.monitor.imports import (  # noqa: E402
    answers_to_row,
    columns_of,
    export_csv,
    export_xlsx,
    import_responses,
)
from kennisschakel.monitor.instruments import load_instruments  # noqa: E402
from kennisschakel.monitor.models import Instrument, Wave  # noqa: E402
from kennisschakel.register import loaders  # noqa: E402
from kennisschakel.register.models import SizeScheme  # noqa: E402

YEARS = range(2016, 2026)
DECIMAL = re.compile(r"-?\d+\.\d+")
WORDS = ("stedenband", "jumelage", "euregio", "millennium", "draagvlak", "subsidie", "netwerk")


def stored_status(status: str) -> dict:
    """``{"status": …}`` for a tree that stores a wave's status (before issue 14); since
    then the status follows the dates, which the callers set to match."""
    from kennisschakel.monitor.models import Wave

    return {"status": status} if any(f.name == "status" for f in Wave._meta.fields) else {}


def timed(label, function, repeat):
    durations = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    print(
        f"{label:58} median {statistics.median(durations):8.1f} ms   p95 {p95:8.1f} ms"
        f"   (n={repeat})"
    )
    return result, statistics.median(durations), p95


# --------------------------------------------------------------------------- synthetic data


def synthetic_answer(question: survey.Question, rng: random.Random):
    """A random valid answer (SYNTHETIC)."""
    if question.code == "heeft_beleid":
        return "ja" if rng.random() < 0.77 else "nee"
    if question.type in MULTIPLE_TYPES:
        exclusive = [o.code for o in question.options if o.exclusive]
        if exclusive and rng.random() < 0.1:
            return [rng.choice(exclusive)]
        free = [o.code for o in question.options if not o.exclusive]
        most = question.max_choices or min(3, len(free))
        chosen = set(rng.sample(free, rng.randint(1, most)))
        return [code for code in question.option_codes if code in chosen]
    if question.options:
        return rng.choice(question.option_codes)
    if question.type == "scale":
        return rng.randint(question.scale_min, question.scale_max)
    if question.type == "number":
        low = question.min if question.min is not None else 0
        high = min(question.max if question.max is not None else 1000, low + 500)
        value = round(rng.uniform(low, high), question.decimals)
        return int(value) if question.decimals == 0 else value
    length = question.max_length or 200
    text = "SYNTHETIC " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
    return text[:length]


def synthetic_response(instrument: survey.Instrument, rng: random.Random) -> dict:
    """Answers following the routing: required questions always, others 80 %."""
    values: dict = {}
    for block in instrument.blocks:
        if not block.condition_met(values):
            continue
        for question in block.questions:
            if question.condition_met(values) and (question.required or rng.random() < 0.8):
                values[question.code] = synthetic_answer(question, rng)
    return values


def response_csv(wave: Wave, rng: random.Random) -> str:
    import csv
    import io

    instrument = wave.instrument.engine()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns_of(instrument))
    for code, name in wave.invitations.order_by("cbs_code").values_list("cbs_code", "name"):
        row = answers_to_row(instrument, synthetic_response(instrument, rng))
        # Decimal commas, as a Dutch spreadsheet writes them.
        cells = [
            cell.replace(".", ",") if DECIMAL.fullmatch(cell) else cell for cell in row.values()
        ]
        writer.writerow([code, name, *cells])
    return out.getvalue()


# --------------------------------------------------------------------------- main


def setup_database():
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
    seconds = time.perf_counter() - started
    print(f"{'setup: migrate + reference data + instruments':58} {seconds:8.1f} s")


def make_waves(rng: random.Random) -> list[Wave]:
    instrument = Instrument.objects.get(slug="gib")
    scheme = SizeScheme.objects.get(slug="gib2009")
    waves = []
    for year in YEARS:
        reference = datetime.date(year, 1, 1)
        wave = services.create_wave(
            {
                "slug": f"gib-{year}-synthetic",
                "instrument": instrument,
                "title": f"SYNTHETIC monitor {year}",
                "period": str(year),
                "reference_date": reference,
                "size_scheme": scheme,
                "opens_on": reference,
                "closes_on": reference + datetime.timedelta(days=90),
                **stored_status("closed"),
            }
        )
        text = response_csv(wave, rng)
        started = time.perf_counter()
        result = import_responses(wave, text)
        seconds = time.perf_counter() - started
        print(
            f"{f'wave {year}: import {result.imported} rows x 137 columns (CSV)':58}"
            f" {seconds * 1000:8.1f} ms   ({len(text) / 1024:.0f} KiB)"
        )
        waves.append(wave)
    return waves


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=20260501)
    args = parser.parse_args()
    total_started = time.perf_counter()
    settings.DEBUG = False  # no query log in memory while timing
    print(f"SYNTHETIC responses (seed {args.seed}); database {DB_PATH.relative_to(ROOT)}")
    setup_database()
    rng = random.Random(args.seed)
    waves = make_waves(rng)
    wave = waves[-1]
    instrument = wave.instrument.engine()
    respondents = reporting.respondents_of(wave)
    print(
        f"wave {wave.slug}: {len(respondents)} respondents, {len(instrument.questions)} "
        f"questions, {len(instrument.csv_columns)} CSV columns"
    )

    started = time.perf_counter()
    tables = reporting.wave_report(wave)
    cold = (time.perf_counter() - started) * 1000
    print(f"{'wave_report, first call (instrument parsed, cold)':58} {cold:8.1f} ms")
    print(f"  {len(tables)} tables, {sum(len(t.rows) for t in tables)} rows")
    _, report_median, report_p95 = timed(
        "wave_report (full report of one wave)", lambda: reporting.wave_report(wave), args.repeat
    )
    report, _, _ = timed(
        "report_json (the same, rounded, JSON-ready)",
        lambda: reporting.report_json(wave),
        args.repeat,
    )
    text, _, _ = timed(
        "report_json + json.dumps",
        lambda: json.dumps(reporting.report_json(wave), ensure_ascii=False),
        args.repeat,
    )
    print(f"  JSON: {len(report['tables'])} tables, {len(text) / 1024:.0f} KiB")
    groups = reporting.groups_of(wave)
    population = reporting.population_of(wave)
    timed(
        "engine only: survey.analyse on respondents in memory",
        lambda: survey.analyse(instrument, respondents, groups, population, wave.min_cell),
        args.repeat,
    )
    timed(
        "respondents_of (the one query + JSON decoding)",
        lambda: reporting.respondents_of(wave),
        args.repeat,
    )

    labels = [w.period for w in waves]
    print(
        f"trend: {len(waves)} waves, {sum(w.invitations.count() for w in waves)} respondents in all"
    )
    timed(
        "compare_waves over 10 waves, from the database",
        lambda: survey.compare_waves(
            instrument, [(w.period, reporting.respondents_of(w)) for w in waves], wave.min_cell
        ),
        max(5, args.repeat // 3),
    )
    in_memory = [
        (label, reporting.respondents_of(w)) for label, w in zip(labels, waves, strict=True)
    ]
    trend, _, _ = timed(
        "compare_waves over 10 waves, respondents in memory",
        lambda: survey.compare_waves(instrument, in_memory, wave.min_cell),
        max(5, args.repeat // 3),
    )
    print(f"  {len(trend)} trend tables")
    timed("export_csv (342 rows)", lambda: export_csv(wave), max(5, args.repeat // 3))
    timed("export_xlsx (342 rows)", lambda: export_xlsx(wave), max(5, args.repeat // 3))

    verdict = "met" if report_p95 <= 1000 else "MISSED"
    print(
        f"target: full report of a wave <= 1 s -- {verdict}"
        f" (median {report_median:.0f} ms, p95 {report_p95:.0f} ms)"
    )
    print(f"total runtime {time.perf_counter() - total_started:.1f} s")


if __name__ == "__main__":
    main()
