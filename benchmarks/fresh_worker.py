"""A fresh worker's first search and first match, and the memory each further worker costs;
today's tree (the baseline at /work/baseline) and now's side by side in one run.

    .venv/bin/python benchmarks/fresh_worker.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench \\
        --baseline-database-url postgres://postgres@127.0.0.1:5432/bench_base \\
        [--trees today,now] [--json out.json]

Per tree, through the production server (httpbench.Server, debug off):

1. *First search* and *first match*: a server with ONE worker is started and, once it
   answers the minimal view and the home page (Django, middleware and base template
   loaded), the first request of the search page (``/praktijken/?q=…``) is timed; a
   second, new server times the first match page (``/hulp-zoeken/?text=…``) the same
   way, so neither profits from the other. The second request of each is the warm time.
   Target: ≤ 1 s at 100,000 practices.
2. *Memory per additional worker*: servers with 1 and with 2 workers, each warmed with
   the home page first and then search and match on every worker; memory is read from
   ``/proc/<pid>/smaps_rollup`` of the server's processes (master and workers): RSS,
   PSS (shared pages divided among the processes sharing them) and USS (private).
   *Index memory of the first worker* is the growth of its RSS from the home page to
   search + match (everything the index and matcher made it touch, shared or not);
   *memory per additional worker* is PSS(all processes, 2 workers) − PSS(1 worker), and
   its *index part* the same difference of what search + match added to the PSS (the
   rest is Python and Django, which every worker has). Target: ≤ 20 % of the first
   worker's index memory.
"""

import argparse
import concurrent.futures
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpbench import Server, Tree, _children, login, timed_get, write_json  # noqa: E402

SEARCH = "/praktijken/?" + urllib.parse.urlencode({"q": "armoede schulden"})
MATCH = "/hulp-zoeken/?" + urllib.parse.urlencode(
    {"text": "Wij willen schuldhulpverlening voor jongeren verbeteren; wie heeft ervaring?"}
)


def smaps(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            values[name.strip()] = int(parts[0]) / 1024
    return {
        "rss": round(values.get("Rss", 0), 1),
        "pss": round(values.get("Pss", 0), 1),
        "uss": round(values.get("Private_Clean", 0) + values.get("Private_Dirty", 0), 1),
    }


def descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found.append(child)
        found.extend(descendants(child))
    return found


def workers_of(server: Server) -> list[int]:
    """The processes that answer requests: the leaves of the server's process tree."""
    return [pid for pid in descendants(server.process.pid) if not _children(pid)]


def hit_every_worker(port: int, path: str, workers: int, cookies) -> None:
    for _ in range(2):
        with concurrent.futures.ThreadPoolExecutor(workers * 2) as pool:
            list(pool.map(lambda _: timed_get(port, path, cookies), range(workers * 2)))


def first_request(tree: Tree, url: str, path: str) -> dict:
    with Server(tree, url, workers=1) as server:
        cookies = login(server.port)
        timed_get(server.port, "/", cookies)
        first, status = timed_get(server.port, path, cookies)
        second, _ = timed_get(server.port, path, cookies)
    return {"first_ms": round(first, 1), "second_ms": round(second, 1), "status": status}


def memory(tree: Tree, url: str, workers: int) -> dict:
    with Server(tree, url, workers=workers) as server:
        cookies = login(server.port)
        hit_every_worker(server.port, "/", workers, cookies)
        before = {pid: smaps(pid) for pid in workers_of(server)}
        pss_before = sum(
            smaps(pid)["pss"] for pid in [server.process.pid, *descendants(server.process.pid)]
        )
        for path in (SEARCH, MATCH):
            hit_every_worker(server.port, path, workers, cookies)
        time.sleep(1)
        processes = [server.process.pid, *descendants(server.process.pid)]
        after = {pid: smaps(pid) for pid in processes}
        leaves = workers_of(server)
    growth = {
        pid: round(after[pid]["rss"] - before[pid]["rss"], 1) for pid in leaves if pid in before
    }
    return {
        "workers": workers,
        "processes": {str(pid): after[pid] for pid in processes},
        "worker_pids": leaves,
        "rss_growth_per_worker": {str(pid): value for pid, value in growth.items()},
        "pss_total": round(sum(after[pid]["pss"] for pid in processes), 1),
        "pss_total_before_index": round(pss_before, 1),
        "uss_total": round(sum(after[pid]["uss"] for pid in processes), 1),
    }


def measure(tree: Tree, url: str) -> dict:
    result = {"tree": str(tree.src)}
    result["first_search"] = first_request(tree, url, SEARCH)
    print(f"[{tree.label}] first search: {result['first_search']}", flush=True)
    result["first_match"] = first_request(tree, url, MATCH)
    print(f"[{tree.label}] first match: {result['first_match']}", flush=True)
    one = memory(tree, url, 1)
    two = memory(tree, url, 2)
    index_memory = max(one["rss_growth_per_worker"].values() or [0])
    extra = two["pss_total"] - one["pss_total"]
    # The index's part alone: what search + match added to the PSS of all processes.
    index_extra = (two["pss_total"] - two["pss_total_before_index"]) - (
        one["pss_total"] - one["pss_total_before_index"]
    )
    result["memory"] = {
        "one_worker": one,
        "two_workers": two,
        "index_memory_first_worker_mib": index_memory,
        "pss_per_additional_worker_mib": round(extra, 1),
        "ratio": round(extra / index_memory, 3) if index_memory else None,
        "index_pss_per_additional_worker_mib": round(index_extra, 1),
        "index_ratio": round(index_extra / index_memory, 3) if index_memory else None,
    }
    print(
        f"[{tree.label}] index memory of the first worker {index_memory} MiB; "
        f"PSS per additional worker {extra:.1f} MiB",
        flush=True,
    )
    return result


def report(results: dict) -> None:
    print("\n| what | " + " | ".join(results) + " |")
    print("|---|" + "---|" * len(results))
    rows = [
        ("first search in a fresh worker (ms)", lambda r: r["first_search"]["first_ms"]),
        ("second search (ms)", lambda r: r["first_search"]["second_ms"]),
        ("first match in a fresh worker (ms)", lambda r: r["first_match"]["first_ms"]),
        ("second match (ms)", lambda r: r["first_match"]["second_ms"]),
        (
            "index memory of the first worker (RSS growth, MiB)",
            lambda r: r["memory"]["index_memory_first_worker_mib"],
        ),
        ("PSS, 1 worker, all processes (MiB)", lambda r: r["memory"]["one_worker"]["pss_total"]),
        ("PSS, 2 workers, all processes (MiB)", lambda r: r["memory"]["two_workers"]["pss_total"]),
        ("PSS per additional worker (MiB)", lambda r: r["memory"]["pss_per_additional_worker_mib"]),
        ("per additional worker ÷ index memory", lambda r: r["memory"]["ratio"]),
        (
            "index part of it: PSS growth by search + match, 2 workers − 1 (MiB)",
            lambda r: r["memory"]["index_pss_per_additional_worker_mib"],
        ),
        ("index part ÷ index memory (target ≤ 0.2)", lambda r: r["memory"]["index_ratio"]),
    ]
    for label, value in rows:
        print(f"| {label} | " + " | ".join(str(value(r)) for r in results.values()) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--baseline-database-url")
    parser.add_argument("--trees", default="today,now")
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    for label in args.trees.split(","):
        url = args.database_url
        if label == "today" and args.baseline_database_url:
            url = args.baseline_database_url
        results[label] = measure(Tree.named(label), url)
    report(results)
    write_json(args.json, {"args": vars(args), "results": results})


if __name__ == "__main__":
    main()
