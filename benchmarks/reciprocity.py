"""Reciprocity engine benchmark on SYNTHETIC data (seeded RNG; not real exchanges).

    .venv/bin/python benchmarks/reciprocity.py                    # 1,000,000 activities
    .venv/bin/python benchmarks/reciprocity.py --activities 100000 --no-sqlite

Data: N synthetic activities among the 342 real municipality codes (read from
``register/data/municipalities.csv``) and 300 synthetic foreign places
(``place:1``..). 90 % have two parties, 7 % three, 3 % four (always distinct). The first
party gets a random direction (gave 40 %, received 35 %, mutual 25 %) and the others
the complementary one; each party's hours are 1-80; start dates are uniform in
2000-01-01 .. 2026-12-31.

Measured (median and p95 over repeated runs):

1. the whole country's balances for a period through the columnar numpy path
   (``all_balances_columnar``) -- target <= 2 s;
2. one municipality's balance with the pure-Python ``party_balance`` over *that
   municipality's own activities only*, which is what a page gets from a database
   query that selects its activities (the query itself is not part of this timing) --
   target <= 50 ms; also its yearly trend and per-partner balances;
3. a pair balance (the municipality and its most frequent partner) over the same list;
4. for reference, ``all_balances`` on objects (conversion to columns included) for a
   100,000-activity subset;
5. SQLite (unless ``--no-sqlite``): activities and flows in tables of
   ``var/bench/reciprocity.sqlite3`` (recreated each run) and the whole country's balance
   for the period with one GROUP BY query plus the index formula in Python -- what the
   Django adapter will do -- target <= 2 s. Two schemas are timed: (a) recommended: the
   activity's start date copied onto each flow row and a covering index
   ``(party_id, direction, start_date, hours)``, grouping by party and direction;
   (b) normalised: the period filter joins the activity table. Both results are checked
   against the columnar one.
"""

import argparse
import csv
import datetime
import sqlite3
import statistics
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kennisschakel.engines.reciprocity import (  # noqa: E402
    Activity,
    Flow,
    all_balances,
    all_balances_columnar,
    pair_balance,
    partner_balances,
    party_balance,
    reciprocity_index,
    yearly_trend,
)

MUNICIPALITIES_CSV = ROOT / "src" / "kennisschakel" / "register" / "data" / "municipalities.csv"
BENCH_DIR = ROOT / "var" / "bench"
DIRECTIONS = ("gave", "received", "mutual")  # index == direction code
FIRST = datetime.date(2000, 1, 1).toordinal()
LAST = datetime.date(2026, 12, 31).toordinal()
PERIOD = (datetime.date(2015, 1, 1), datetime.date(2024, 12, 31))


def timed(label, function, repeat=20):
    durations = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        durations.append((time.perf_counter() - start) * 1000)
    durations.sort()
    p95 = durations[max(0, int(len(durations) * 0.95) - 1)]
    print(
        f"{label:62} median {statistics.median(durations):8.1f} ms   p95 {p95:8.1f} ms"
        f"   (n={repeat})"
    )
    return result


def municipality_codes():
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        return [row["cbs_code"] for row in csv.DictReader(handle)]


def generate(n_activities, seed=20240501):
    """SYNTHETIC flow columns (one row per flow), seeded."""
    rng = np.random.default_rng(seed)
    codes = municipality_codes()
    parties = codes + [f"place:{i}" for i in range(1, 301)]
    n_muni = len(codes)

    sizes = rng.choice([2, 3, 4], size=n_activities, p=[0.90, 0.07, 0.03])
    # municipalities weighted mildly (some are far more active than others)
    muni_weight = rng.pareto(3.0, n_muni) + 1.0
    muni_weight /= muni_weight.sum()
    slots = np.zeros((n_activities, 4), dtype=np.int64)
    slots[:, 0] = rng.choice(n_muni, size=n_activities, p=muni_weight)
    for column in range(1, 4):
        foreign = rng.random(n_activities) < 0.2
        slots[:, column] = np.where(
            foreign,
            n_muni + rng.integers(0, len(parties) - n_muni, n_activities),
            rng.choice(n_muni, size=n_activities, p=muni_weight),
        )
        # redraw until distinct from the earlier slots of the same activity
        while True:
            clash = (slots[:, column : column + 1] == slots[:, :column]).any(axis=1)
            clash &= sizes > column
            if not clash.any():
                break
            slots[clash, column] = rng.choice(n_muni, size=int(clash.sum()), p=muni_weight)

    first_direction = rng.choice(3, size=n_activities, p=[0.40, 0.35, 0.25])
    complement = np.array([1, 0, 2])[first_direction]
    directions = np.repeat(complement[:, None], 4, axis=1)
    directions[:, 0] = first_direction

    used = np.arange(4)[None, :] < sizes[:, None]
    activity_idx = np.nonzero(used)[0]
    party_idx = slots[used]
    direction_code = directions[used].astype(np.int8)
    hours = rng.integers(1, 81, size=len(party_idx)).astype(np.float64)
    start_ordinal = rng.integers(FIRST, LAST + 1, size=n_activities)[activity_idx]
    return {
        "parties": parties,
        "party_idx": party_idx,
        "direction_code": direction_code,
        "hours": hours,
        "start_ordinal": start_ordinal,
        "activity_idx": activity_idx,
        "n_activities": n_activities,
    }


def build_activities(data, positions):
    """Activity objects for activity positions, built without per-activity scans."""
    positions = np.unique(positions)
    rows = np.nonzero(np.isin(data["activity_idx"], positions))[0]
    parties, acts = data["parties"], data["activity_idx"][rows].tolist()
    pidx = data["party_idx"][rows].tolist()
    dcode = data["direction_code"][rows].tolist()
    hours = data["hours"][rows].tolist()
    ordinals = data["start_ordinal"][rows].tolist()
    result, current, flows, ordinal = [], None, [], None
    for key, p, d, h, o in zip(acts, pidx, dcode, hours, ordinals, strict=True):
        if key != current:
            if current is not None:
                result.append(
                    Activity(current, datetime.date.fromordinal(ordinal), None, tuple(flows))
                )
            current, flows, ordinal = key, [], o
        flows.append(Flow(parties[p], DIRECTIONS[d], h))
    if current is not None:
        result.append(Activity(current, datetime.date.fromordinal(ordinal), None, tuple(flows)))
    return result


SHARES_SQL = {
    "given": "CASE f.direction WHEN 'gave' THEN 1.0 WHEN 'mutual' THEN 0.5 ELSE 0.0 END",
    "received": "CASE f.direction WHEN 'received' THEN 1.0 WHEN 'mutual' THEN 0.5 ELSE 0.0 END",
}
# Normalised schema: the period filter needs the activity table.
JOIN_QUERY = f"""
    SELECT f.party_id, SUM({SHARES_SQL["given"]}), SUM({SHARES_SQL["received"]}),
           SUM(f.hours * {SHARES_SQL["given"]}), SUM(f.hours * {SHARES_SQL["received"]}),
           COUNT(*)
    FROM flow AS f JOIN activity AS a ON a.id = f.activity_id
    WHERE a.start_date BETWEEN ? AND ?
    GROUP BY f.party_id
"""
# Recommended: the activity's start date copied onto each flow row, a covering index
# (party_id, direction, start_date, hours), and the shares applied per direction group
# in Python (3 rows per party) -- one index scan, no join, no temporary B-tree.
COVERING_QUERY = """
    SELECT party_id, direction, COUNT(*), SUM(hours)
    FROM flow
    WHERE start_date BETWEEN ? AND ?
    GROUP BY party_id, direction
"""
GIVEN_SHARE = {"gave": 1.0, "received": 0.0, "mutual": 0.5}


def balances_from_direction_groups(rows):
    """(party, direction, count, hours) rows -> {party: (ga, ra, gh, rh, n, ai, hi)}."""
    sums = {}
    for party_id, direction, count, hours in rows:
        acc = sums.setdefault(party_id, [0.0, 0.0, 0.0, 0.0, 0])
        given = GIVEN_SHARE[direction]
        acc[0] += count * given
        acc[1] += count * (1.0 - given)
        acc[2] += hours * given
        acc[3] += hours * (1.0 - given)
        acc[4] += count
    return {
        party: (*acc, reciprocity_index(acc[0], acc[1]), reciprocity_index(acc[2], acc[3]))
        for party, acc in sums.items()
    }


def check_against_columnar(result, columnar):
    assert len(result) == int((columnar.activity_count > 0).sum())
    for party_id, (ga, ra, gh, rh, count, activity_index, hours_index) in result.items():
        assert count == columnar.activity_count[party_id]
        assert abs(ga - columnar.given_activities[party_id]) < 1e-6
        assert abs(ra - columnar.received_activities[party_id]) < 1e-6
        assert abs(gh - columnar.given_hours[party_id]) < 1e-6 * max(1.0, gh)
        assert abs(rh - columnar.received_hours[party_id]) < 1e-6 * max(1.0, rh)
        assert abs(activity_index - columnar.activity_index[party_id]) < 1e-9
        assert abs(hours_index - columnar.hours_index[party_id]) < 1e-9


def sqlite_variant(data, columnar):
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "reciprocity.sqlite3"
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.executescript(
        """
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE TABLE activity (id INTEGER PRIMARY KEY, start_date TEXT NOT NULL);
        CREATE TABLE flow (
            id INTEGER PRIMARY KEY,
            activity_id INTEGER NOT NULL REFERENCES activity (id),
            party_id INTEGER NOT NULL,
            direction TEXT NOT NULL CHECK (direction IN ('gave', 'received', 'mutual')),
            hours REAL NOT NULL CHECK (hours >= 0),
            start_date TEXT NOT NULL,  -- copy of activity.start_date (denormalised)
            UNIQUE (activity_id, party_id)
        );
        """
    )
    started = time.perf_counter()
    iso = {}
    for ordinal in np.unique(data["start_ordinal"]).tolist():
        iso[ordinal] = datetime.date.fromordinal(ordinal).isoformat()
    first_row = np.full(data["n_activities"], -1)
    first_row[data["activity_idx"][::-1]] = np.arange(len(data["activity_idx"]))[::-1]
    connection.executemany(
        "INSERT INTO activity (id, start_date) VALUES (?, ?)",
        enumerate(iso[o] for o in data["start_ordinal"][first_row].tolist()),
    )
    connection.executemany(
        "INSERT INTO flow (activity_id, party_id, direction, hours, start_date)"
        " VALUES (?, ?, ?, ?, ?)",
        zip(
            data["activity_idx"].tolist(),
            data["party_idx"].tolist(),
            [DIRECTIONS[d] for d in data["direction_code"].tolist()],
            data["hours"].tolist(),
            [iso[o] for o in data["start_ordinal"].tolist()],
            strict=True,
        ),
    )
    connection.executescript(
        """
        CREATE INDEX activity_start ON activity (start_date);
        CREATE INDEX flow_balance ON flow (party_id, direction, start_date, hours);
        ANALYZE;
        """
    )
    connection.commit()
    label = f"sqlite: load {len(data['party_idx']):,} flows + indexes (once, not a target)"
    print(f"{label:62} {time.perf_counter() - started:8.1f} s   ({path.relative_to(ROOT)})")

    bounds = (PERIOD[0].isoformat(), PERIOD[1].isoformat())

    def covering():
        return balances_from_direction_groups(connection.execute(COVERING_QUERY, bounds))

    def joined():
        return {
            row[0]: (*row[1:], reciprocity_index(row[1], row[2]), reciprocity_index(row[3], row[4]))
            for row in connection.execute(JOIN_QUERY, bounds)
        }

    result = timed("5. sqlite whole country, period: covering index (recommended)", covering, 10)
    check_against_columnar(result, columnar)
    result = timed("5. sqlite whole country, period: join on activity (normalised)", joined, 3)
    check_against_columnar(result, columnar)
    print(f"{'5. sqlite results equal the columnar path for every party':62} ok")
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite variant")
    args = parser.parse_args()

    total_started = time.perf_counter()
    started = time.perf_counter()
    data = generate(args.activities)
    n_flows = len(data["party_idx"])
    print(
        f"SYNTHETIC data: {args.activities:,} activities, {n_flows:,} flows, "
        f"{len(data['parties'])} parties; generated in {time.perf_counter() - started:.1f} s"
    )
    columns = (data["party_idx"], data["direction_code"], data["hours"], data["start_ordinal"])
    n_parties = len(data["parties"])

    # 1. whole country through the columnar path
    timed(
        "1. whole country, all time (columnar)",
        lambda: all_balances_columnar(*columns, n_parties),
    )
    columnar = timed(
        f"1. whole country, {PERIOD[0]}..{PERIOD[1]} (columnar)",
        lambda: all_balances_columnar(*columns, n_parties, *PERIOD),
    )

    # 2. one municipality: pick the busiest one (worst case for a page)
    counts = np.bincount(data["party_idx"], minlength=n_parties)
    busiest = int(np.argmax(counts[:342]))
    median_muni = int(np.argsort(counts[:342])[171])
    for label, who in (("busiest", busiest), ("median", median_muni)):
        code = data["parties"][who]
        own = build_activities(data, data["activity_idx"][data["party_idx"] == who])
        print(f"2. {label} municipality {code}: {len(own):,} activities (its own query result)")
        timed(f"2. party_balance {code}, period", partial(party_balance, own, code, *PERIOD))
        timed(f"2. yearly_trend {code}, all time", partial(yearly_trend, own, code))
        timed(f"2. partner_balances {code}, period", partial(partner_balances, own, code, *PERIOD))
        if label == "busiest":
            partners = partner_balances(own, code)
            partner = max(partners, key=lambda p: partners[p].activity_count)
            timed(
                f"3. pair_balance {code} <-> {partner}, period",
                partial(pair_balance, own, code, partner, *PERIOD),
            )
            expected = columnar.balance(who)
            got = party_balance(own, code, *PERIOD)
            assert got.activity_count == expected.activity_count
            assert abs(got.given_hours - expected.given_hours) < 1e-6

    # 4. object path for everybody, on a subset
    subset_n = min(100_000, args.activities)
    subset = build_activities(data, np.arange(subset_n))
    timed(
        f"4. all_balances on {subset_n:,} Activity objects (incl. to_columns)",
        lambda: all_balances(subset, *PERIOD),
        repeat=3,
    )

    # 5. SQLite
    if not args.no_sqlite:
        sqlite_variant(data, columnar)

    print(f"total runtime {time.perf_counter() - total_started:.1f} s")


if __name__ == "__main__":
    main()
