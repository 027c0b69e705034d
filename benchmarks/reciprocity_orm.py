"""Country-wide reciprocity balance through the application's ORM, on SYNTHETIC data.

    .venv/bin/python benchmarks/reciprocity_orm.py                     # 1,000,000 activities
    .venv/bin/python benchmarks/reciprocity_orm.py --activities 100000 --repeat 5
    .venv/bin/python benchmarks/reciprocity_orm.py --reuse             # keep the loaded file

Where ``benchmarks/reciprocity.py`` times a raw ``sqlite3`` GROUP BY on its own two
tables, this script goes through the real application:

1. a separate SQLite file ``var/benchmarks/reciprocity_orm.sqlite3`` (recreated each run
   unless ``--reuse``), built with ``migrate`` and only the reference data a balance
   needs: provinces, world regions, countries and the 342 municipalities (register
   loaders). The generator's 300 foreign parties become 300 SYNTHETIC ``ForeignPlace``
   rows (no GeoNames load), so every party stays distinct within an activity;
2. the same seeded generator (``benchmarks/reciprocity.py: generate``) written as
   ``ExchangeActivity`` rows (title ``SYNTHETIC``, confirmed) and ``ActivitySide`` rows
   with ``balance_date`` filled, by raw ``executemany`` on Django's connection inside
   one transaction, with the migrated indexes in place (load time reported);
3. timings (median and p95 over ``--repeat`` runs) of
   ``partnerships.balances.country_balances`` for all time and for 2015-01-01..2024-12-31,
   and of ``organisation_summary`` (all time, as the municipality page calls it; the
   query that selects the municipality's activities included) for the median and the
   busiest municipality;
4. a check of ``country_balances`` (period and all time) against the plain engine's
   ``reciprocity.all_balances_columnar`` for every municipality, and of the busiest
   municipality's ``organisation_summary`` balance;
5. ``EXPLAIN QUERY PLAN`` of the exact SQL ``country_balances`` runs (captured with an
   execute wrapper), and whether it uses the covering index ``side_balance_covering``;
6. finally, for comparison, the plan and timing of ``country_balances`` again after an
   ``ANALYZE`` (which neither Django nor the application runs).

Runs with ``KENNISSCHAKEL_DEBUG=1`` (the dev setting; Django then also logs each query,
one entry per query).
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "benchmarks"
DB_PATH = BENCH_DIR / "reciprocity_orm.sqlite3"
SOURCE = "benchmarks/reciprocity_orm.py (synthetic)"

sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# A file of its own, whatever DATABASE_URL the shell has: never the dev or test database.
os.environ["DATABASE_URL"] = f"sqlite:///{DB_PATH}"
os.environ["DJANGO_SETTINGS_MODULE"] = "kennisschakel.settings"
os.environ["KENNISSCHAKEL_DEBUG"] = "1"
os.environ.setdefault("KENNISSCHAKEL_VAR_DIR", str(BENCH_DIR))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from reciprocity import DIRECTIONS, PERIOD, generate  # noqa: E402  (benchmarks/reciprocity.py)

from kennisschakel.engines.reciprocity import all_balances_columnar  # noqa: E402
from kennisschakel.partnerships import balances  # noqa: E402
from kennisschakel.partnerships.models import ActivitySide, ExchangeActivity  # noqa: E402
from kennisschakel.register import loaders  # noqa: E402
from kennisschakel.register.models import Country, ForeignPlace, Municipality  # noqa: E402

COVERING_INDEX = "side_balance_covering"


def timed(label, function, repeat):
    durations = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - start) * 1000)
    first = durations[0]
    durations.sort()
    median = statistics.median(durations)
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    print(
        f"{label:62} median {median:8.1f} ms   p95 {p95:8.1f} ms"
        f"   first {first:8.1f} ms   (n={repeat})"
    )
    return result


def prepare_database():
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DB_PATH}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    for loader in (
        loaders.load_provinces,
        loaders.load_world_regions,
        loaders.load_countries,
        loaders.load_municipalities,
    ):
        with transaction.atomic():
            loader()
    print(
        f"{'migrate (fresh file)':62} {migrated:8.1f} s\n"
        f"{'reference data: provinces, regions, countries, municipalities':62}"
        f" {time.perf_counter() - started:8.1f} s"
    )


def party_columns(parties):
    """Generator party names -> (organisation_id, place_id) per party index."""
    organisation_of = dict(Municipality.objects.values_list("cbs_code", "organisation_id"))
    foreign = [name for name in parties if name.startswith("place:")]
    if not ForeignPlace.objects.filter(source=SOURCE).exists():
        countries = list(Country.objects.exclude(iso2="NL").order_by("iso2"))
        ForeignPlace.objects.bulk_create(
            ForeignPlace(
                name=f"SYNTHETIC {name}",
                country=countries[position % len(countries)],
                search_names=f"|synthetic {name}|",
                source=SOURCE,
            )
            for position, name in enumerate(foreign)
        )
    place_of = {
        f"place:{name.removeprefix('SYNTHETIC place:')}": pk
        for pk, name in ForeignPlace.objects.filter(source=SOURCE).values_list("pk", "name")
    }
    organisation_ids = [organisation_of.get(name) for name in parties]
    place_ids = [place_of.get(name) for name in parties]
    missing = [
        n for n, o, p in zip(parties, organisation_ids, place_ids, strict=True) if not (o or p)
    ]
    if missing:
        raise SystemExit(f"parties without a database row: {missing[:5]} ...")
    return organisation_ids, place_ids


def insert_rows(model, varying, rows, constants):
    """INSERT rows whose first columns are ``varying``; every other concrete column
    (except the primary key when not varying) gets ``constants[name]`` or its default."""
    fixed_fields = [
        f
        for f in model._meta.concrete_fields
        if f.column not in varying and f.attname not in varying and not f.primary_key
    ]
    fixed = []
    for field in fixed_fields:
        value = constants.get(field.attname, constants.get(field.name, field.get_default()))
        value = field.get_db_prep_save(value, connection)
        if value is None and not field.null:
            raise SystemExit(f"{model.__name__}.{field.name}: no value for a NOT NULL column")
        fixed.append(value)
    fixed = tuple(fixed)
    columns = [*varying, *(f.column for f in fixed_fields)]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [row + fixed for row in rows])


def load_synthetic(data):
    organisation_ids, place_ids = party_columns(data["parties"])
    started = time.perf_counter()
    iso = {
        ordinal: datetime.date.fromordinal(ordinal).isoformat()
        for ordinal in np.unique(data["start_ordinal"]).tolist()
    }
    _, first_flow = np.unique(data["activity_idx"], return_index=True)
    activity_dates = [iso[o] for o in data["start_ordinal"][first_flow].tolist()]
    party_idx = data["party_idx"].tolist()
    now = timezone.now()
    with transaction.atomic():
        insert_rows(
            ExchangeActivity,
            ["id", "slug", "start_date"],
            (
                (position + 1, f"synthetic-{position + 1}", day)
                for position, day in enumerate(activity_dates)
            ),
            {
                "form": "bijeenkomst",
                "title": "SYNTHETIC",
                "confirmation": ExchangeActivity.Confirmation.CONFIRMED,
                "source": SOURCE,
                "created_at": now,
            },
        )
        activities_done = time.perf_counter() - started
        insert_rows(
            ActivitySide,
            ["activity_id", "organisation_id", "place_id", "direction", "hours", "balance_date"],
            zip(
                (data["activity_idx"] + 1).tolist(),
                [organisation_ids[p] for p in party_idx],
                [place_ids[p] for p in party_idx],
                [DIRECTIONS[d] for d in data["direction_code"].tolist()],
                data["hours"].tolist(),
                [iso[o] for o in data["start_ordinal"].tolist()],
                strict=True,
            ),
            {},
        )
    total = time.perf_counter() - started
    print(
        f"{'load: ' + format(data['n_activities'], ',') + ' activities (executemany)':62}"
        f" {activities_done:8.1f} s"
    )
    print(
        f"{'load: ' + format(len(party_idx), ',') + ' sides with balance_date':62}"
        f" {total - activities_done:8.1f} s"
    )
    print(f"{'load: total, one transaction, indexes in place':62} {total:8.1f} s")


def loaded_count():
    if not DB_PATH.exists():
        return 0
    try:
        return ExchangeActivity.objects.filter(source=SOURCE).count()
    except Exception:  # no tables yet
        return 0


def capture_sql(function):
    """(sql, params) of every query ``function`` runs, exactly as sent to SQLite."""
    captured = []

    def wrapper(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        function()
    return captured


def explain(label, sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        details = [row[-1] for row in cursor.fetchall()]
    print(f"{label}:")
    print(f"  SQL: {sql}")
    print(f"  params: {list(params or ())}")
    for detail in details:
        print(f"  plan: {detail}")
    return details


def check(result, columnar, organisation_of_index, label):
    """country_balances result == columnar balances for every municipality."""
    compared = 0
    for index, organisation_id in organisation_of_index.items():
        expected = int(columnar.activity_count[index])
        got = result.get(organisation_id)
        if expected == 0:
            assert got is None, (label, organisation_id)
            continue
        assert got.activity_count == expected, (label, organisation_id)
        for name in ("given_activities", "received_activities", "given_hours", "received_hours"):
            assert abs(getattr(got, name) - float(getattr(columnar, name)[index])) < 1e-6, (
                label,
                organisation_id,
                name,
            )
        compared += 1
    assert set(result) <= set(organisation_of_index.values()), label
    print(
        f"{'check ' + label + ': equal to all_balances_columnar':62} ok ({compared} municipalities)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the file if it holds the same volume"
    )
    args = parser.parse_args()
    total_started = time.perf_counter()
    print(f"database: {DB_PATH.relative_to(ROOT)}  (sqlite {connection.Database.sqlite_version})")

    started = time.perf_counter()
    data = generate(args.activities)
    n_parties = len(data["parties"])
    print(
        f"SYNTHETIC data: {args.activities:,} activities, {len(data['party_idx']):,} flows, "
        f"{n_parties} parties; generated in {time.perf_counter() - started:.1f} s"
    )
    if args.reuse and loaded_count() == args.activities:
        print(f"reusing {DB_PATH.relative_to(ROOT)} ({args.activities:,} activities)")
    else:
        connection.close()
        prepare_database()
        load_synthetic(data)
    print(f"database file: {DB_PATH.stat().st_size / 1e6:,.0f} MB")

    # 5. query plan of the exact SQL country_balances sends
    for label, period in (("all time", (None, None)), (f"{PERIOD[0]}..{PERIOD[1]}", PERIOD)):
        (sql, params), *_ = capture_sql(lambda p=period: balances.country_balances(*p))
        details = explain(f"EXPLAIN QUERY PLAN country_balances, {label}", sql, params)
        uses = any(COVERING_INDEX in d and "COVERING INDEX" in d for d in details)
        temp = any("TEMP B-TREE" in d for d in details)
        print(
            f"  -> covering index {COVERING_INDEX} used: {'yes' if uses else 'NO'}"
            f"; temporary B-tree: {'yes' if temp else 'no'}"
        )

    # 3. timings
    repeat = args.repeat
    timed("country_balances, all time", balances.country_balances, repeat)
    period_result = timed(
        f"country_balances, {PERIOD[0]}..{PERIOD[1]}",
        lambda: balances.country_balances(*PERIOD),
        repeat,
    )

    # 4. correctness against the plain engine
    columns = (data["party_idx"], data["direction_code"], data["hours"], data["start_ordinal"])
    columnar_period = all_balances_columnar(*columns, n_parties, *PERIOD)
    columnar_all = all_balances_columnar(*columns, n_parties)
    organisation_ids, _ = party_columns(data["parties"])
    organisation_of_index = {
        index: organisation_id
        for index, organisation_id in enumerate(organisation_ids)
        if organisation_id is not None
    }
    check(period_result, columnar_period, organisation_of_index, "period")
    check(balances.country_balances(), columnar_all, organisation_of_index, "all time")

    counts = np.bincount(data["party_idx"], minlength=n_parties)
    n_muni = len(organisation_of_index)
    busiest = int(np.argmax(counts[:n_muni]))
    median_muni = int(np.argsort(counts[:n_muni])[n_muni // 2])
    for label, index in (("median", median_muni), ("busiest", busiest)):
        code, organisation_id = data["parties"][index], organisation_of_index[index]
        queries = capture_sql(lambda o=organisation_id: balances.organisation_summary(o))
        summary = timed(
            f"organisation_summary, {label} {code} ({int(counts[index]):,} activities)",
            lambda o=organisation_id: balances.organisation_summary(o),
            repeat,
        )
        expected = columnar_all.balance(index)
        got = summary["balance"]
        assert got.activity_count == expected.activity_count, (code, got, expected)
        assert abs(got.given_hours - expected.given_hours) < 1e-6, (code, got, expected)
        assert abs(got.received_hours - expected.received_hours) < 1e-6, (code, got, expected)
        print(f"  queries per call: {len(queries)}; balance equals the columnar one: ok")
        if label == "busiest":
            explain(f"EXPLAIN QUERY PLAN activities_of({code})", *queries[0])

    # 6. the same after ANALYZE (the application never runs it; SQLite then has statistics)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{'ANALYZE (not done by the application)':62} {time.perf_counter() - started:8.1f} s")
    for label, period in (("all time", (None, None)), (f"{PERIOD[0]}..{PERIOD[1]}", PERIOD)):
        (sql, params), *_ = capture_sql(lambda p=period: balances.country_balances(*p))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            details = [row[-1] for row in cursor.fetchall()]
        print(f"after ANALYZE, plan of country_balances, {label}: {' / '.join(details)}")
        timed(
            f"after ANALYZE: country_balances, {label}",
            lambda p=period: balances.country_balances(*p),
            repeat,
        )

    print(f"total runtime {time.perf_counter() - total_started:.1f} s")


if __name__ == "__main__":
    main()
