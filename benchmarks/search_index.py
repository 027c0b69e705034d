"""Benchmark of the saved (memory-mapped) practice index on 100 000 SYNTHETIC practices.

The practices are generated, not real: sentences drawn from the words of the demo
practices (src/kennisschakel/knowledge/data/practices.yaml), weighted by how often those
texts use them, plus 3 % made-up project names from syllables ("Velomarijn-aanpak") so
the vocabulary grows like a real corpus's. Seeded: every run indexes the same corpus.
Term counts are made per distinct word with the real Dutch analyser and summed per
field (multi-word synonyms aside, what ``SearchIndex.analyse`` gives; the made-up names
are taken as one term each, unanalysed), which keeps the corpus build to minutes.

Measured, side by side in one run:

* build + save of the index (what `kennisschakel rebuild_index` / the "index" task do);
* a fresh worker process: start → first search answered, split into Python + imports,
  loading the analyser, opening the saved index, the first search;
* memory from /proc/<pid>/smaps_rollup of a first and a second worker that both
  opened the index and ran the same 300 searches: RSS, PSS, and private memory above
  what the process held before opening the index;
* for comparison, today's way: a fresh process that builds its own index from the
  stored term counts (JSON, as in the database) before its first search.

    .venv/bin/python benchmarks/search_index.py [--docs 100000] [--keep DIR] [--no-rebuild]
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PRACTICES = ROOT / "src/kennisschakel/knowledge/data/practices.yaml"
QUERIES = [
    "armoedebestrijding",
    "schuldhulp jongeren",
    "afvalinzameling",
    "warmtetransitie wijk",
    "eenzaamheid ouderen",
    "Wmo",
    "werk en inkomen",
    "statushouders huisvesting",
    "stedenband",
    "energietransitie zonnepanelen woningen",
    "evaluatie pilot",
    "geëvalueerd",
    "digitalisering dienstverlening",
    "klimaatadaptatie",
    "",
]
FACETS = {
    "domain": [f"domein-{i}" for i in range(30)],
    "province": [f"PV{20 + i}" for i in range(12)],
    "maturity": ["idee", "pilot", "lopend", "geevalueerd"],
    "size_class": ["klein", "middel", "groot", "g4"],
    "kind": ["praktijk", "les"],
}
SYLLABLES = [
    "ve",
    "lo",
    "ma",
    "rijn",
    "ka",
    "sto",
    "bel",
    "dam",
    "wer",
    "ko",
    "ni",
    "ta",
    "ru",
    "mo",
    "zee",
    "gel",
    "hof",
    "ber",
    "lin",
    "da",
]


# -- the synthetic corpus ---------------------------------------------------------


def demo_vocabulary() -> tuple[list[str], list[int]]:
    import yaml

    counts: Counter = Counter()
    for record in yaml.safe_load(PRACTICES.read_text(encoding="utf-8")):
        for name in ("title", "summary", "body", "negative_lessons"):
            counts.update(re.findall(r"[^\W\d_]+", (record.get(name) or "").lower()))
    words = sorted(counts)
    return words, [counts[word] for word in words]


def synthetic_name(rng: random.Random) -> str:
    return "".join(rng.choices(SYLLABLES, k=rng.randint(3, 5))) + rng.choice(
        ["", "-aanpak", "plan", "huis", "netwerk"]
    )


def synthetic_fields(rng, words, weights, sizes) -> dict[str, list[str]]:
    fields = {}
    for name, (low, high) in sizes.items():
        count = rng.randint(low, high)
        chosen = rng.choices(words, weights=weights, k=count)
        for position in range(count):
            if rng.random() < 0.03:
                chosen[position] = "~" + synthetic_name(rng)
        fields[name] = chosen
    return fields


def corpus(count: int, seed: int = 20261202):
    """(id, per-field term counts, facets, sort key) for ``count`` synthetic practices."""
    from kennisschakel.engines.text.search import LENGTH_KEY, SearchIndex

    analyser = SearchIndex()
    words, weights = demo_vocabulary()
    rng = random.Random(seed)
    sizes = {"title": (6, 10), "summary": (30, 50), "body": (150, 300)}
    word_terms: dict[str, Counter] = {}

    def terms_of(word: str) -> Counter:
        found = word_terms.get(word)
        if found is None and word[0] == "~":  # a made-up name: one term, not analysed
            return Counter({word[1:]: 1})
        if found is None:
            counts = analyser.analyse({"f": word}).get("f", {})
            found = word_terms[word] = Counter({t: n for t, n in counts.items() if t != LENGTH_KEY})
        return found

    for doc_id in range(1, count + 1):
        fields = synthetic_fields(rng, words, weights, sizes)
        negative = rng.random() < 0.2
        if negative:
            fields["negative_lessons"] = rng.choices(words, weights=weights, k=rng.randint(20, 60))
        term_counts = {}
        for name, field_words in fields.items():
            counts: Counter = Counter()
            for word in field_words:
                counts.update(terms_of(word))
            term_counts[name] = {**counts, LENGTH_KEY: len(field_words)}
        facets = {
            "domain": rng.sample(FACETS["domain"], rng.randint(1, 3)),
            "province": [rng.choice(FACETS["province"])],
            "maturity": [rng.choice(FACETS["maturity"])],
            "negative": ["yes" if negative else "no"],
            "size_class": [rng.choice(FACETS["size_class"])],
            "adopted": ["yes" if rng.random() < 0.1 else "no"],
            "kind": [rng.choice(FACETS["kind"])],
        }
        yield doc_id, term_counts, facets, rng.random() * 1e9


def query_mix(count: int = 300, seed: int = 7) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    mix = []
    for number in range(count):
        filters = {}
        if rng.random() < 0.3:
            filters["province"] = {rng.choice(FACETS["province"])}
        if rng.random() < 0.2:
            filters["domain"] = set(rng.sample(FACETS["domain"], 2))
        mix.append((QUERIES[number % len(QUERIES)], filters))
    return mix


# -- a worker process -----------------------------------------------------------------


def worker(mode: str, path: str) -> None:
    """Runs in a child process: open (or build) the index, answer, report, wait."""
    started = time.perf_counter()
    from kennisschakel.engines.text.index_store import IndexStore
    from kennisschakel.engines.text.search import SearchIndex

    imported = time.perf_counter()
    analyser = SearchIndex().analyzer
    analyser.analyse_with_length("armoedebestrijding")  # loads the lexicon
    lexicon = time.perf_counter()
    report = {"imports": imported - started, "analyser": lexicon - imported}
    baseline = smaps(os.getpid())
    if mode == "open":
        store = IndexStore(path)
        index = store.open(store.current(), analyzer=analyser)
    else:  # today's way: every process builds from the stored term counts
        index = SearchIndex(analyzer=analyser, auto_compact=False)
        with open(path, encoding="utf-8") as file:
            for line in file:
                doc_id, term_counts, facets, sort_key = json.loads(line)
                index.add_analysed(doc_id, term_counts, facets, sort_key)
        index.compact()
    opened = time.perf_counter()
    first = index.search("schuldhulp jongeren", limit=20, facet_names=list(FACETS) + ["negative"])
    answered = time.perf_counter()
    report.update(
        {
            "open": opened - lexicon,
            "first_search": answered - opened,
            "hits": first.total,
            "baseline": baseline,
        }
    )
    print(json.dumps(report), flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "queries":
            timings = []
            for query, filters in query_mix():
                start = time.perf_counter()
                index.search(query, filters, limit=20, facet_names=list(FACETS) + ["negative"])
                timings.append(time.perf_counter() - start)
            timings.sort()
            p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
            print(json.dumps({"p50": p50, "p95": p95}), flush=True)
        elif command == "exit":
            return


def smaps(pid: int) -> dict[str, float]:
    """RSS, PSS and private memory of a process in MiB (Linux smaps_rollup)."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, amount = line.split(":", 1)
        values[name.strip()] = int(amount.split()[0]) / 1024
    return {
        "rss": values["Rss"],
        "pss": values["Pss"],
        "private": values["Private_Clean"] + values["Private_Dirty"],
        "shared": values["Shared_Clean"] + values["Shared_Dirty"],
    }


class Worker:
    def __init__(self, mode: str, path: Path):
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", mode, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.report = json.loads(self.process.stdout.readline())
        self.report["wall"] = time.perf_counter() - self.started

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def memory(self) -> dict:
        return smaps(self.process.pid)

    def stop(self) -> None:
        self.process.stdin.write("exit\n")
        self.process.stdin.flush()
        self.process.wait(30)


# -- the run ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="directory to keep (and reuse) the corpus in")
    parser.add_argument("--no-rebuild", action="store_true", help="skip today's per-process build")
    args = parser.parse_args()

    from kennisschakel.engines.text.index_store import IndexStore
    from kennisschakel.engines.text.search import SearchIndex

    work = args.keep or Path(tempfile.mkdtemp(prefix="search-index-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    counts_file = work / f"terms-{args.docs}.jsonl"
    store = IndexStore(work / f"index-{args.docs}")
    print(f"SYNTHETIC corpus of {args.docs} practices in {work}", flush=True)
    if not counts_file.exists():
        start = time.perf_counter()
        with open(counts_file, "w", encoding="utf-8") as file:
            for row in corpus(args.docs):
                file.write(json.dumps(row) + "\n")
        print(
            f"{'generate + analyse (per distinct word)':<46} {time.perf_counter() - start:7.1f} s"
        )
    if store.current() is None:
        start = time.perf_counter()
        index = SearchIndex(auto_compact=False)
        with open(counts_file, encoding="utf-8") as file:
            for line in file:
                index.add_analysed(*json.loads(line))
        index.compact()
        built = time.perf_counter()
        store.publish(index, meta={"synthetic": True})
        saved = time.perf_counter()
        print(f"{'build from stored term counts':<46} {built - start:7.1f} s")
        print(f"{'save a generation (write + fsync + swap)':<46} {saved - built:7.1f} s")
        del index
    files = store.path(store.current())
    size = sum(path.stat().st_size for path in files.iterdir()) / 2**20
    manifest = json.loads((files / "manifest.json").read_text())
    print(f"{'saved index on disk':<46} {size:7.0f} MiB, {manifest['terms']} terms")

    def line(label, report, memory):
        print(
            f"{label:<22} wall {report['wall']:5.2f} s = imports {report['imports']:.2f}"
            f" + analyser {report['analyser']:.2f} + open/build {report['open']:.3f}"
            f" + first search {report['first_search']:.3f} s | RSS {memory['rss']:6.1f}"
            f" PSS {memory['pss']:6.1f} private {memory['private']:6.1f} MiB"
            f" (private before the index {report['baseline']['private']:.1f})"
        )

    first = Worker("open", store.root)
    first_speed = first.ask("queries")
    second = Worker("open", store.root)
    second_speed = second.ask("queries")
    first_memory, second_memory = first.memory(), second.memory()
    line("first worker (mmap)", first.report, first_memory)
    line("second worker (mmap)", second.report, second_memory)
    index_memory = first_memory["rss"] - first.report["baseline"]["rss"]
    extra = second_memory["private"] - second.report["baseline"]["private"]
    print(
        f"{'index memory of the first worker (RSS above its baseline)':<60} {index_memory:7.1f} MiB"
    )
    print(
        f"{'private memory the second worker adds for the index':<60} {extra:7.1f} MiB"
        f" = {100 * extra / index_memory:.1f} %"
    )
    print(
        f"{'warm search p50 / p95, first and second worker':<60}"
        f" {first_speed['p50'] * 1000:.1f} / {first_speed['p95'] * 1000:.1f} ms,"
        f" {second_speed['p50'] * 1000:.1f} / {second_speed['p95'] * 1000:.1f} ms"
    )
    first.stop()
    second.stop()
    if not args.no_rebuild:
        today = Worker("build", counts_file)
        today_memory = today.memory()
        line("today: own build", today.report, today_memory)
        today.stop()
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
    else:
        main()
