"""Benchmark of the matching engine (kennisschakel.engines.matching) on SYNTHETIC candidates.

Everything ranked here is generated, not real, with seeded RNGs so every run builds
the same world; nothing is written anywhere and ``make run`` never loads it:

* 100,000 practices: the texts and facets of ``benchmarks/search.py`` (random Dutch
  policy sentences; titles 6-10 words, summaries 30-50, bodies 150-300), each owned by
  one of the 342 municipalities, with random maturity, evaluation, adoptions and start;
* the 342 real CBS codes, provinces and inhabitants (``register/data/municipalities.csv``,
  size class by the gib2009 bands) and their real border countries; their texts are
  their synthetic practices' titles plus their synthetic partnerships;
* 25,000 synthetic places abroad in ISO countries (skewed: a few countries hold most),
  each linked to 1-3 municipalities, which thereby get countries and world regions;
* 60 networks, 40 knowledge institutions and 2,000 people, all synthetic.

Measured: the build (``Matcher(candidates)``: analysis plus index), 200 additions and 100
removals, and the latency of ``Matcher.match`` over a mix of questions (1-4 words; a
third international with countries named, a quarter "buiten de vaste kring", some with
policy domains or types), each asked by a random municipality: p50 / p95 / max in ms,
with the garbage collector as it comes and after ``gc.freeze()``.

    .venv/bin/python benchmarks/matching.py [--practices 100000] [--places 25000] [--queries 200]
"""

import argparse
import csv
import gc
import importlib.util
import random
import statistics
import sys
import time
from pathlib import Path

import pycountry
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kennisschakel.engines.matching import Asker, Candidate, Matcher, Query  # noqa: E402

REGISTER_DATA = ROOT / "src" / "kennisschakel" / "register" / "data"
REGIONS = ["west-europa", "midden-zuidoost-europa", "europese-niet-eu", "het-zuiden", "overig"]
SIZE_BANDS = [
    (10_000, "gib2009-0-10k"),
    (20_000, "gib2009-10k-20k"),
    (50_000, "gib2009-20k-50k"),
    (100_000, "gib2009-50k-100k"),
]
MATURITY = {"idee": "idea", "pilot": "pilot", "lopend": "running", "geevalueerd": "evaluated"}
INTERNATIONAL_QUESTIONS = [
    ("Wij zoeken contact met een Chinese stad", {"CN"}),
    ("Samenwerking met een Duitse gemeente over energie", {"DE"}),
    ("Stedenband met Marokko, onderwijs en jongeren", {"MA"}),
    ("Partnerstad in Turkije voor cultuur en sport", {"TR"}),
    ("Klimaatadaptatie en water met een stad in Indonesië", {"ID"}),
    ("Europese subsidies samen met Poolse en Belgische steden", {"PL", "BE"}),
    ("jumelage", {"FR"}),
    ("Ghana", {"GH"}),
]
SYLLABLES = ["ka", "ri", "mo", "la", "tse", "an", "vo", "rei", "gu", "lin", "hai", "zhu"]
SYLLABLES += ["bo", "ne", "sa", "ta", "ol", "kem", "dar", "ist"]


def search_benchmark():
    """benchmarks/search.py as a module: its vocabulary and synthetic practices."""
    spec = importlib.util.spec_from_file_location("search_benchmark", ROOT / "benchmarks/search.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def size_class(inhabitants: int) -> str:
    for limit, slug in SIZE_BANDS:
        if inhabitants < limit:
            return slug
    return "gib2009-100k-plus"


def real_municipalities() -> list[dict]:
    borders: dict[str, frozenset[str]] = {}
    for entry in yaml.safe_load((REGISTER_DATA / "borders.yaml").read_text(encoding="utf-8")):
        borders[entry["code"]] = frozenset(entry["neighbours"])
    with (REGISTER_DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        return [
            {
                "code": row["cbs_code"],
                "name": row["common_name"] or row["name"],
                "province": row["province"],
                "size_class": size_class(int(row["inhabitants"] or 0)),
                "borders": borders.get(row["cbs_code"], frozenset()),
            }
            for row in csv.DictReader(handle)
        ]


def synthetic_world(bench, practices: int, places: int, seed: int = 20261126):
    rng = random.Random(seed)
    municipalities = real_municipalities()
    by_code = {m["code"]: m for m in municipalities}
    codes = list(by_code)
    countries = sorted(c.alpha_2 for c in pycountry.countries)
    region_of = {iso2: rng.choice(REGIONS) for iso2 in countries}
    # Skewed: the first countries in a shuffled order get most places.
    weights = [1 / (rank + 1) for rank in range(len(countries))]
    shuffled = countries[:]
    rng.shuffle(shuffled)
    for frequent in ("CN", "DE", "BE", "MA", "TR", "FR", "PL"):
        shuffled.remove(frequent)
        shuffled.insert(rng.randint(0, 20), frequent)

    candidates: list[Candidate] = []
    profile = {code: {"titles": [], "texts": [], "countries": set(), "since": None}
               for code in codes}  # fmt: skip

    for document in bench.synthetic_documents(practices):
        owner = by_code[rng.choice(codes)]
        maturity = MATURITY[document.facets["maturity"][0]]
        profile[owner["code"]]["titles"].append(document.fields["title"])
        candidates.append(
            Candidate(
                key=f"practice:synthetic-{document.id}",
                type="practice",
                name=document.fields["title"],
                text=document.fields,
                domains=frozenset(document.facets["domain"]),
                municipality=owner["code"],
                province=owner["province"],
                size_class=owner["size_class"],
                border_countries=owner["borders"],
                since=rng.choice([None, None, *range(1995, 2025)]),
                maturity=maturity,
                evaluated=maturity == "evaluated" or rng.random() < 0.1,
                adoptions=rng.choice([0] * 8 + [1, 2, 3, 5, 12]),
                seeks=frozenset(rng.sample(bench.FACETS["domain"], rng.randint(0, 2))),
            )
        )

    for number in range(1, places + 1):
        iso2 = rng.choices(shuffled, weights)[0]
        name = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))).capitalize()
        linked = frozenset(rng.sample(codes, rng.choice([1, 1, 1, 2, 3])))
        since = rng.randint(1960, 2024)
        partnership = bench.sentence(rng, rng.randint(8, 20))
        for code in linked:
            entry = profile[code]
            entry["texts"].append(f"{name}. {partnership}")
            entry["countries"].add(iso2)
            entry["since"] = min(since, entry["since"] or since)
        candidates.append(
            Candidate(
                key=f"place:{number}",
                type="place",
                name=f"{name} ({iso2})",
                text={"title": name, "body": f"{pycountry.countries.get(alpha_2=iso2).name}. "
                      f"{partnership}"},
                countries=frozenset({iso2}),
                regions=frozenset({region_of[iso2]}),
                linked_municipalities=linked,
                since=since,
                international=True,
            )
        )  # fmt: skip

    for municipality in municipalities:
        entry = profile[municipality["code"]]
        candidates.append(
            Candidate(
                key=f"municipality:{municipality['code']}",
                type="municipality",
                name=municipality["name"],
                text={
                    "title": municipality["name"],
                    "body": " ".join(entry["titles"] + entry["texts"]),
                },
                domains=frozenset(rng.sample(bench.FACETS["domain"], 4)),
                municipality=municipality["code"],
                province=municipality["province"],
                size_class=municipality["size_class"],
                border_countries=municipality["borders"],
                countries=frozenset(entry["countries"]),
                regions=frozenset(region_of[c] for c in entry["countries"]),
                since=entry["since"],
                seeks=frozenset(rng.sample(bench.FACETS["domain"], rng.randint(0, 3))),
                international=bool(entry["countries"]),
            )
        )

    for kind, count in (("network", 60), ("institution", 40)):
        for number in range(count):
            international = rng.random() < 0.3
            candidates.append(
                Candidate(
                    key=f"{kind}:synthetic-{number}",
                    type=kind,
                    name=bench.sentence(rng, 3).rstrip("."),
                    text={"title": bench.sentence(rng, 4), "body": bench.paragraph(rng, 60)},
                    domains=frozenset(rng.sample(bench.FACETS["domain"], 3)),
                    linked_municipalities=(
                        frozenset(rng.sample(codes, rng.randint(5, 60)))
                        if kind == "network"
                        else frozenset()
                    ),
                    level="international"
                    if international
                    else rng.choice(["regional", "national"]),
                    international=international,
                )
            )
    for number in range(2000):
        owner = by_code[rng.choice(codes)]
        candidates.append(
            Candidate(
                key=f"person:{number}",
                type="person",
                name=f"Persoon {number}",
                text={"title": bench.sentence(rng, 3), "body": bench.sentence(rng, 15)},
                municipality=owner["code"],
                province=owner["province"],
                size_class=owner["size_class"],
            )
        )
    return candidates, municipalities, region_of


def asker_for(rng, municipality, codes, region_of, bench) -> Asker:
    return Asker(
        municipality=municipality["code"],
        province=municipality["province"],
        size_class=municipality["size_class"],
        border_countries=municipality["borders"],
        partners=frozenset(f"municipality:{code}" for code in rng.sample(codes, 3)),
        networks=frozenset(f"network:synthetic-{n}" for n in rng.sample(range(60), 2)),
        offers=frozenset(rng.sample(bench.FACETS["domain"], 3)),
        nearby=frozenset(rng.sample(codes, 5)),
    )


def question_mix(bench, count, municipalities, region_of, seed: int = 7):
    rng = random.Random(seed)
    codes = [m["code"] for m in municipalities]
    mix = []
    for index in range(count):
        asker = asker_for(rng, rng.choice(municipalities), codes, region_of, bench)
        if rng.random() < 0.33:
            text, countries = rng.choice(INTERNATIONAL_QUESTIONS)
            query = Query(
                text=text,
                international=True,
                countries=frozenset(countries),
                regions=frozenset({region_of[c] for c in countries}) if rng.random() < 0.5
                else frozenset(),
                outside_circle=rng.random() < 0.25,
            )  # fmt: skip
        else:
            query = Query(
                text=bench.QUERIES[index % len(bench.QUERIES)],
                outside_circle=rng.random() < 0.25,
                domains=frozenset(rng.sample(bench.FACETS["domain"], 2))
                if rng.random() < 0.15
                else frozenset(),
                types=frozenset({"practice"}) if rng.random() < 0.1 else frozenset(),
            )
        mix.append((query, asker))
    return mix


def percentiles(latencies: list[float]) -> str:
    latencies = sorted(latencies)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    return (
        f"p50 {statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
        f"max {latencies[-1]:.1f} ms ({len(latencies)} questions)"
    )


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<52} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--places", type=int, default=25_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(
        f"SYNTHETIC world (not real data): {args.practices} practices, 342 municipalities, "
        f"{args.places} places abroad, 60 networks, 40 institutions, 2000 people\n"
    )
    bench = search_benchmark()
    candidates, municipalities, region_of = timed(
        "generate candidates",
        lambda: synthetic_world(bench, args.practices, args.places),
    )
    matcher = timed("build Matcher (analysis + index + compaction)", lambda: Matcher(candidates))
    print(f"{'':<52} {len(matcher)} candidates")

    mix = question_mix(bench, args.queries, municipalities, region_of)
    for query, asker in mix[:20]:  # warm-up: caches, page-in
        matcher.match(query, asker)

    def run(label):
        latencies, groups, results = [], {"text": [], "international": []}, []
        for query, asker in mix:
            start = time.perf_counter()
            found = matcher.match(query, asker)
            elapsed = (time.perf_counter() - start) * 1000
            latencies.append(elapsed)
            groups["international" if query.international else "text"].append(elapsed)
            results.append(len(found))
        print(f"\n{label}: {percentiles(latencies)}")
        for name, values in groups.items():
            print(f"  {name:<15} {percentiles(values)}")
        print(f"  mean results {statistics.mean(results):.1f}")

    run("match, compacted index")
    # A build leaves millions of long-lived objects (candidates, their frozensets); the
    # cyclic garbage collector's full passes over them show up as the slowest questions.
    # gc.freeze() moves them out of its sight, as a server process can after building.
    gc.collect()
    gc.freeze()
    run("match, compacted index, after gc.freeze()")

    def incremental():
        for candidate in candidates[:200]:
            matcher.add(candidate)  # replaces
        for candidate in candidates[200:300]:
            matcher.remove(candidate.key)

    timed("\n200 replacements + 100 removals (delta)", incremental)
    run("match, with pending delta and tombstones")


if __name__ == "__main__":
    main()
