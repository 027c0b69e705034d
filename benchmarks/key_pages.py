"""Key pages through the production server: warm p50/p95 and closed-loop throughput,
today's tree (the baseline at /work/baseline) and now's side by side in one run.

    .venv/bin/python benchmarks/key_pages.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench \\
        --baseline-database-url postgres://postgres@127.0.0.1:5432/bench_base \\
        [--trees today,now] [--workers 2] [--rounds 30] [--seconds 30] [--json out.json]

Each tree gets its own server with debug off (httpbench.Server: ``kennisschakel serve
--workers 2`` when the tree has it, gunicorn -w 2 otherwise), logged in as the demo
policy officer of Weert (a municipality user, as most visitors are). The key pages:

    home          /                                     the floor a page is compared with
    search        /praktijken/?q=armoede schulden       knowledge-bank search with a query
    practice      /praktijken/<a published practice>/   one practice
    municipality  /gemeenten/GM0988/                    Weert: profile, practices, balance
    partnerships  /partnerschappen/                     list, first page
    balances      /partnerschappen/balansen/            the country's reciprocity balances
    match         /hulp-zoeken/?text=…                  matchmaking for a question
    report        /monitor/golven/<newest closed>/rapport/  the monitor's analyst report

plus ``minimal`` (/__bench__/minimal/: no template, no query; benchmarks/benchsite).
Measured per tree: the first request of every page (cold: a fresh worker), then after a
warm-up of every page on every worker, ``--rounds`` requests per page one at a time
(pages interleaved) → p50/p95, and closed-loop throughput over the key pages (minimal
excluded) at concurrency 1 and 16 for ``--seconds`` each, and of the minimal view at 16.
Targets (issue 11): every key page's warm p50 ≤ 3× home; throughput with 2 workers ≥ 2×
today's. Client and server share the machine's cores; figures are comparable within one run.
"""

import argparse
import concurrent.futures
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg  # noqa: E402
from httpbench import (  # noqa: E402
    Server,
    Tree,
    closed_loop,
    login,
    percentile,
    timed_get,
    write_json,
)

QUESTION = "Wij willen schuldhulpverlening voor jongeren verbeteren; wie heeft daar ervaring mee?"
SEARCH = "armoede schulden"
MUNICIPALITY = "GM0988"


def key_pages(database_url: str) -> dict[str, str]:
    """Paths of the key pages; the practice and wave are looked up in the database."""
    with psycopg.connect(database_url) as connection:
        practice = connection.execute(
            "SELECT slug FROM knowledge_practice WHERE status = 'published' "
            "ORDER BY (slug LIKE 'synthetisch-%%') DESC, id "
            "OFFSET (SELECT count(*) / 2 FROM knowledge_practice WHERE status = 'published') "
            "LIMIT 1"
        ).fetchone()
        wave = connection.execute(
            "SELECT slug FROM monitor_wave WHERE status = 'closed' "
            "ORDER BY reference_date DESC, slug LIMIT 1"
        ).fetchone()
    pages = {
        "home": "/",
        "search": "/praktijken/?" + urllib.parse.urlencode({"q": SEARCH}),
        "practice": f"/praktijken/{practice[0]}/" if practice else None,
        "municipality": f"/gemeenten/{MUNICIPALITY}/",
        "partnerships": "/partnerschappen/",
        "balances": "/partnerschappen/balansen/",
        "match": "/hulp-zoeken/?" + urllib.parse.urlencode({"text": QUESTION}),
        "report": f"/monitor/golven/{wave[0]}/rapport/" if wave else None,
    }
    return {name: path for name, path in pages.items() if path}


def warm_up(port: int, pages: dict[str, str], workers: int, cookies) -> None:
    """Every page on every worker: a sync worker takes one request at a time, so
    2 × workers simultaneous requests of one page reach them all (twice over)."""
    for path in pages.values():
        for _ in range(2):
            with concurrent.futures.ThreadPoolExecutor(workers * 2) as pool:
                list(pool.map(timed_get, [port] * workers * 2, [path] * workers * 2,
                              [cookies] * workers * 2))  # fmt: skip


def measure_tree(tree: Tree, database_url: str, args) -> dict:
    pages = key_pages(database_url)
    started = time.perf_counter()
    with Server(tree, database_url, workers=args.workers) as server:
        startup = time.perf_counter() - started
        port = server.port
        cookies = login(port)
        print(f"[{tree.label}] {' '.join(server.command[:2])}… on :{port}, "
              f"ready in {startup:.1f} s, logged in", flush=True)  # fmt: skip
        cold = {}
        for name, path in pages.items():
            ms, status = timed_get(port, path, cookies)
            cold[name] = {"ms": round(ms, 1), "status": status}
            print(f"[{tree.label}] first {name:<13} {ms:9.1f} ms  HTTP {status}", flush=True)
        warm_up(port, pages, args.workers, cookies)
        latencies = {name: [] for name in [*pages, "minimal"]}
        statuses = {name: set() for name in latencies}
        every = {**pages, "minimal": "/__bench__/minimal/"}
        for _ in range(args.rounds):
            for name, path in every.items():
                ms, status = timed_get(port, path, cookies)
                latencies[name].append(ms)
                statuses[name].add(status)
        warm = {
            name: {
                "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "statuses": sorted(statuses[name]),
            }
            for name, values in latencies.items()
        }
        paths = list(pages.values())
        throughput = {}
        for concurrency in (1, 16):
            result = closed_loop(port, paths, concurrency, args.seconds, cookies)
            throughput[f"key_c{concurrency}"] = result.summary()
            print(f"[{tree.label}] key pages c={concurrency}: {result.summary()}", flush=True)
        result = closed_loop(port, ["/__bench__/minimal/"], 16, args.seconds / 2, cookies)
        throughput["minimal_c16"] = result.summary()
        print(f"[{tree.label}] minimal c=16: {result.summary()}", flush=True)
    return {
        "tree": str(tree.src),
        "server": " ".join(server.command),
        "startup_s": round(startup, 1),
        "pages": pages,
        "cold": cold,
        "warm": warm,
        "throughput": throughput,
    }


def report(results: dict) -> None:
    labels = list(results)
    names = list(next(iter(results.values()))["warm"])
    print("\nWarm latency, one request at a time (p50 / p95 ms; ×home = p50 ÷ home's p50)")
    header = "| page | " + " | ".join(
        f"{label} p50 / p95 | {label} ×home | {label} first" for label in labels
    )
    print(header + " |")
    print("|" + "---|" * (1 + 3 * len(labels)))
    for name in names:
        cells = []
        for label in labels:
            warm = results[label]["warm"]
            row = warm[name]
            ratio = row["p50_ms"] / warm["home"]["p50_ms"]
            first = results[label]["cold"].get(name, {}).get("ms", "—")
            cells += [f"{row['p50_ms']} / {row['p95_ms']}", f"{ratio:.1f}×", f"{first}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print("\nClosed-loop throughput over the key pages (req/s; ratio = key pages ÷ minimal view)")
    print(
        "| tree | c=1 req/s | c=1 p95 ms | c=16 req/s | c=16 p95 ms | errors "
        "| minimal c=16 req/s | ratio c=16 |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label in labels:
        t = results[label]["throughput"]
        one, many, minimal = t["key_c1"], t["key_c16"], t["minimal_c16"]
        print(
            f"| {label} | {one['req_per_s']} | {one['p95_ms']} | {many['req_per_s']} | "
            f"{many['p95_ms']} | {one['errors'] + many['errors']} | {minimal['req_per_s']} | "
            f"{many['req_per_s'] / minimal['req_per_s']:.3f} |"
        )
    if {"today", "now"} <= set(labels):
        for concurrency in (1, 16):
            key = f"key_c{concurrency}"
            gain = (
                results["now"]["throughput"][key]["req_per_s"]
                / results["today"]["throughput"][key]["req_per_s"]
            )
            print(f"throughput now ÷ today at c={concurrency}: {gain:.2f}× (target ≥ 2×)")
    for label in labels:
        warm = results[label]["warm"]
        worst = max((n for n in warm if n != "minimal"), key=lambda n: warm[n]["p50_ms"])
        ratio = warm[worst]["p50_ms"] / warm["home"]["p50_ms"]
        print(f"{label}: slowest key page {worst}, {ratio:.1f}× home (target ≤ 3×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True, help="database for the current tree")
    parser.add_argument(
        "--baseline-database-url", help="database for the baseline (default: --database-url)"
    )
    parser.add_argument("--trees", default="today,now")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    for label in args.trees.split(","):
        url = args.database_url
        if label == "today" and args.baseline_database_url:
            url = args.baseline_database_url
        results[label] = measure_tree(Tree.named(label), url, args)
    report(results)
    write_json(args.json, {"args": vars(args), "results": results})


if __name__ == "__main__":
    main()
