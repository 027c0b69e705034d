"""Benchmark of the matcher's saved candidate index: a fresh worker's first match, and the
memory a second worker adds, at national scale (SYNTHETIC candidates).

The candidates are those of ``benchmarks/matching.py`` (100,000 practices, the 342 real
municipalities, 25,000 places abroad, networks, institutions, people; seeded, so every
run builds the same world). Nothing touches a database; files go to ``--dir``.

Measured, side by side in one run:

* **after** (this tree): the matcher is built once and saved (``Matcher.save``). A fresh
  Python process then imports the engine, opens the saved index (``Matcher.open``:
  memory-mapped) and answers its first question; then the whole question mix, so that the
  pages a working process touches are in. A second process does the same while the
  first is still alive.
* **before** (``--baseline /work/baseline/src``, the previous version, read-only): each
  fresh process must build its own matcher. Its candidates are read from a pickle here,
  which stands in (optimistically) for the database queries of ``build_candidates``.

Memory per process from ``/proc/<pid>/smaps_rollup``: RSS, PSS (shared pages divided
among the processes that map them) and USS (private pages). "Index memory" of the first
worker is its RSS growth from opening/building and answering; what a second worker adds
is its USS growth over the same steps (pages shared with the first are not added).

    .venv/bin/python benchmarks/match_index.py [--practices 100000] [--places 25000]
        [--dir var/bench/match_index] [--baseline /work/baseline/src]

``--django`` measures instead, through Django on the database of ``DATABASE_URL`` /
``KENNISSCHAKEL_VAR_DIR`` (seeded: ``kennisschakel seed``), a fresh process's first
``services.find_matches`` — after (``rebuild_match_index`` first, then open) and before
(the baseline builds from the database):

    KENNISSCHAKEL_VAR_DIR=/tmp/x .venv/bin/python benchmarks/match_index.py --django
"""

import argparse
import importlib.util
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = "bench-inputs.pickle"


def smaps_rollup(pid: int | str = "self") -> dict[str, int]:
    """Memory of a process in MB (Rss, Pss, Uss = private, Shared)."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _sep, rest = line.partition(":")
        values[name.strip()] = int(rest.split()[0])  # kB
    private = values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)
    shared = values.get("Shared_Clean", 0) + values.get("Shared_Dirty", 0)
    return {
        "rss": round(values["Rss"] / 1024, 1),
        "pss": round(values["Pss"] / 1024, 1),
        "uss": round(private / 1024, 1),
        "shared": round(shared / 1024, 1),
    }


# -- the child: one fresh worker ---------------------------------------------------------


def child(mode: str, directory: str) -> None:
    """Run as a fresh process: open (after) or build (before), answer, report, then wait
    for a line on stdin so that a second process can be measured next to this one."""
    started = time.perf_counter()
    from kennisschakel.engines.matching import Matcher

    imported = time.perf_counter()
    with open(Path(directory) / INPUTS, "rb") as handle:
        inputs = pickle.load(handle)
    mix = inputs["mix"]
    memory_before = smaps_rollup()
    read = time.perf_counter()
    candidates = None
    if mode == "open":
        matcher = Matcher.open(Path(directory) / "matcher")
    else:
        with open(Path(directory) / "candidates.pickle", "rb") as handle:
            candidates = pickle.load(handle)
        read = time.perf_counter()
        matcher = Matcher(candidates)
    ready = time.perf_counter()
    query, asker = mix[0]
    first = matcher.match(query, asker)
    answered = time.perf_counter()
    latencies = []
    for query, asker in mix[1:]:
        start = time.perf_counter()
        matcher.match(query, asker)
        latencies.append((time.perf_counter() - start) * 1000)
    report = {
        "import_s": round(imported - started, 3),
        "read_candidates_s": round(read - imported, 3) if mode == "build" else 0.0,
        "open_or_build_s": round(ready - read, 3),
        "first_match_s": round(answered - ready, 3),
        "fresh_to_first_answer_s": round(answered - started, 3),
        "first_results": len(first),
        "later_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "memory_before": memory_before,
        "memory_after": smaps_rollup(),
        "candidates": len(matcher),
    }
    print(json.dumps(report), flush=True)
    sys.stdin.readline()  # stay alive (and mapped) until the parent has measured
    del candidates


def start_child(mode: str, directory: Path, pythonpath: str) -> tuple[subprocess.Popen, dict]:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, "--dir", str(directory)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        process.wait()
        raise SystemExit(f"child {mode} failed (exit {process.returncode})")
    return process, json.loads(line)


def two_workers(label: str, mode: str, directory: Path, pythonpath: str) -> dict:
    first_process, first = start_child(mode, directory, pythonpath)
    second_process, second = start_child(mode, directory, pythonpath)
    first["memory_with_second"] = smaps_rollup(first_process.pid)
    for process in (first_process, second_process):
        process.stdin.write("\n")
        process.stdin.flush()
        process.wait()
    index_memory = first["memory_after"]["rss"] - first["memory_before"]["rss"]
    added = second["memory_after"]["uss"] - second["memory_before"]["uss"]
    print(f"\n{label}")
    for name, report in (("first worker", first), ("second worker", second)):
        print(
            f"  {name:<14} import {report['import_s']:.2f} s"
            + (
                f", read candidates {report['read_candidates_s']:.2f} s"
                if report["read_candidates_s"]
                else ""
            )
            + f", {'open' if mode == 'open' else 'build'} {report['open_or_build_s']:.2f} s,"
            f" first match {report['first_match_s'] * 1000:.0f} ms"
            f" → fresh process to first answer {report['fresh_to_first_answer_s']:.2f} s;"
            f" later matches p50 {report['later_p50_ms']} ms"
        )
        after = report["memory_after"]
        print(
            f"  {'':<14} memory after {MIX_NOTE}: RSS {after['rss']} MB,"
            f" PSS {after['pss']} MB, USS {after['uss']} MB, shared {after['shared']} MB"
        )
    both = first["memory_with_second"]
    print(
        f"  first worker while the second runs: RSS {both['rss']} MB, PSS {both['pss']} MB,"
        f" USS {both['uss']} MB"
    )
    print(
        f"  index memory of the first worker (RSS growth) {index_memory:.1f} MB; added by"
        f" the second (USS growth) {added:.1f} MB = {100 * added / max(index_memory, 1):.1f} %"
    )
    return {"first": first, "second": second, "index_mb": index_memory, "added_mb": added}


MIX_NOTE = "the question mix"


DJANGO_CHILD = """
import time
started = time.perf_counter()
import django
django.setup()
# A web worker has resolved the request's URL before the view asks for matches.
from django.urls import get_resolver
get_resolver().url_patterns
from kennisschakel.matching import services
from kennisschakel.register.models import Municipality
weert = Municipality.objects.get(cbs_code="GM0988")
ready = time.perf_counter()
found = services.find_matches("Wie heeft ervaring met armoedebestrijding en schulden?", weert)
first = time.perf_counter()
services.find_matches("Samenwerking met een Chinese stad over economie", weert)
second = time.perf_counter()
print(f"django.setup + URLs {ready - started:.2f} s, first find_matches {first - ready:.3f} s,"
      f" second {1000 * (second - first):.0f} ms ({len(found)} suggestions)")
"""


def django_first_match(baseline: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kennisschakel.settings"}
    env.setdefault("KENNISSCHAKEL_DEBUG", "1")
    rebuild = [sys.executable, "-m", "kennisschakel", "rebuild_match_index"]
    subprocess.run(rebuild, env={**env, "PYTHONPATH": str(ROOT / "src")}, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    for label, path in (("after ", str(ROOT / "src")), ("before", baseline)):
        for attempt in (1, 2):
            result = subprocess.run(
                [sys.executable, "-c", DJANGO_CHILD],
                env={**env, "PYTHONPATH": path},
                capture_output=True,
                text=True,
                check=True,
            )
            print(f"{label} fresh process {attempt}: {result.stdout.strip()}")


def directory_size(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def load_matching_benchmark():
    spec = importlib.util.spec_from_file_location("matching_bench", ROOT / "benchmarks/matching.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=25_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench" / "match_index"))
    parser.add_argument("--baseline", default="/work/baseline/src")
    parser.add_argument("--child", choices=["open", "build"])
    parser.add_argument("--django", action="store_true", help="First match through Django.")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir)
        return
    if args.django:
        django_first_match(args.baseline)
        return

    directory = Path(args.dir)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    print(
        f"SYNTHETIC world (not real data): {args.practices} practices, 342 municipalities, "
        f"{args.places} places abroad, 60 networks, 40 institutions, 2000 people"
    )
    bench = load_matching_benchmark()
    search = bench.search_benchmark()
    started = time.perf_counter()
    candidates, municipalities, region_of = bench.synthetic_world(
        search, args.practices, args.places
    )
    mix = bench.question_mix(search, args.queries, municipalities, region_of)
    print(f"generate candidates {time.perf_counter() - started:8.1f} s ({len(candidates)})")
    with open(directory / INPUTS, "wb") as handle:
        pickle.dump({"mix": mix}, handle)
    with open(directory / "candidates.pickle", "wb") as handle:
        pickle.dump(candidates, handle, protocol=pickle.HIGHEST_PROTOCOL)

    from kennisschakel.engines.matching import Matcher

    started = time.perf_counter()
    matcher = Matcher(candidates)
    built = time.perf_counter()
    matcher.save(directory / "matcher", meta={"benchmark": True})
    saved = time.perf_counter()
    print(f"build Matcher once   {built - started:8.1f} s")
    print(
        f"save                 {saved - built:8.1f} s"
        f" ({directory_size(directory / 'matcher'):.0f} MB on disk)"
    )
    del matcher, candidates

    after = two_workers("AFTER: open the saved index", "open", directory, str(ROOT / "src"))
    before = None
    if args.baseline and Path(args.baseline).is_dir():
        before = two_workers(
            f"BEFORE ({args.baseline}): build in each process", "build", directory, args.baseline
        )
    print("\nsummary (fresh process → first answer; memory a second worker adds)")
    for label, result in (("after", after), ("before", before)):
        if result:
            print(
                f"  {label:<7} {result['first']['fresh_to_first_answer_s']:.2f} s;"
                f" second worker +{result['added_mb']:.0f} MB of the first's"
                f" {result['index_mb']:.0f} MB"
                f" ({100 * result['added_mb'] / max(result['index_mb'], 1):.1f} %)"
            )


if __name__ == "__main__":
    main()
