"""Load test of issue 11: locust, headless, against the production server.

    .venv/bin/python benchmarks/load_test.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench \\
        [--tree now] [--users 20] [--duration 300] [--workers 2] [--json out.json]

Starts the tree's production server (httpbench.Server: debug off, 2 workers), warms
every key page on every worker (the target is about a running site, not a cold start),
then runs ``locust -f benchmarks/locustfile.py --headless`` with ``--users`` users
(1–3 s think time each) for ``--duration`` seconds (300 = the target's 5 minutes; 30 for
a smoke run), and prints requests, failures and p50/p95/max per page from locust's CSV.
Target (issue 11): 0 errors and p95 ≤ 300 ms for every page, on PostgreSQL with the
national-scale data of ``kennisschakel demo-scale``. Locust: the ``bench`` extra.
"""

import argparse
import csv
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpbench import VENV_BIN, Server, Tree, login, var_dir, write_json  # noqa: E402
from key_pages import key_pages, warm_up  # noqa: E402

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tree", default="now", choices=["now", "today"])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--duration", type=int, default=300, help="seconds (300 = 5 minutes)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json")
    args = parser.parse_args()
    tree = Tree.named(args.tree)
    prefix = var_dir(args.database_url) / f"locust-{args.tree}"
    with Server(tree, args.database_url, workers=args.workers) as server:
        warm_up(server.port, key_pages(args.database_url), args.workers, login(server.port))
        command = [
            str(VENV_BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless",
            "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
            "--run-time", f"{args.duration}s", "--host", f"http://127.0.0.1:{server.port}",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        env = {**server.env, "BENCH_DATABASE_URL": args.database_url}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        subprocess.run(command, env=env, check=False)
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        rows = list(csv.DictReader(stats))
    pages = []
    database = args.database_url.rsplit("/", 1)[-1]
    print(
        f"\nLoad test: {args.users} users, 1–3 s think time, {args.duration} s, "
        f"{args.workers} workers, tree {args.tree}, database {database}"
    )
    print("| page | requests | failures | p50 ms | p95 ms | max ms | req/s |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        page = {
            "name": row["Name"] if row["Type"] in ("GET", "") else f"{row['Type']} {row['Name']}",
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "max_ms": float(row["Max Response Time"] or 0),
            "req_per_s": float(row["Requests/s"] or 0),
        }
        pages.append(page)
        print(
            f"| {page['name']} | {page['requests']} | {page['failures']} | {page['p50_ms']:.0f} | "
            f"{page['p95_ms']:.0f} | {page['max_ms']:.0f} | {page['req_per_s']:.2f} |"
        )
    measured = [p for p in pages if p["name"] not in ("Aggregated", "login", "POST login")]
    errors = sum(p["failures"] for p in pages)
    worst = max(measured, key=lambda p: p["p95_ms"], default=None)
    if worst:
        verdict = "met" if errors == 0 and worst["p95_ms"] <= 300 else "MISSED"
        print(f"errors {errors}; highest p95 {worst['p95_ms']:.0f} ms ({worst['name']}): "
              f"target (0 errors, p95 ≤ 300 ms) {verdict}")  # fmt: skip
    write_json(args.json, {"args": vars(args), "pages": pages})


if __name__ == "__main__":
    main()
