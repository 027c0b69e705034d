"""Benchmark of the Dutch search engine (kennisschakel.engines.text) on SYNTHETIC practices.

The documents are generated, not real: random sentences from a few hundred
Dutch municipal-policy words (compounds included), with a seeded RNG so every
run indexes the same corpus. Sizes: titles 6-10 words, summaries 30-50, bodies
150-300, and five facets. Measured, separately:

* analysis (text → per-field term counts),
* index build from those counts (add_analysed + one compaction), which is what
  a web process does when it loads stored counts,
* bulk build from documents (add_many: analysis + build),
* query latency over a few hundred queries (1-4 words, compounds, synonyms,
  some with facet filters): p50 / p95 / max in ms,
* resident memory (RSS) after the builds.

    .venv/bin/python benchmarks/search.py [--docs 100000] [--queries 400]
"""

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

# --tree: measure another checkout's engine with this script (e.g. the tree before
# a change), so both run the same corpus, queries and timing.
ROOT = Path(__file__).resolve().parents[1]
if "--tree" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--tree") + 1]).resolve()
sys.path.insert(0, str(ROOT / "src"))

try:
    from kennisschakel.engines.text.search import Document, SearchIndex
except ModuleNotFoundError:  # a tree from before issue 15 (--tree), without engines/
    from kennisschakel.text.search import Document, SearchIndex


def word_list(text: str) -> list[str]:
    return text.split()


TOPICS = word_list(
    """
armoede armoedebestrijding schulden schuldhulpverlening schuldhulp minima bijstand
bijstandsuitkering inkomen werk werkgelegenheid participatie arbeidsmarkt re-integratie
jeugd jeugdzorg jeugdhulp jongeren jongerenwerk onderwijs kinderopvang ouders gezinnen
zorg ouderenzorg mantelzorg mantelzorgers eenzaamheid welzijn gezondheid verslavingszorg
verslaving preventie wijkteam buurtteam wijk wijkontwikkeling buurt buurthuis bewoners
inwoners burgerparticipatie inwonersparticipatie vrijwilligers vrijwilligerswerk
afval afvalinzameling afvalscheiding grondstoffen circulaire economie hergebruik
klimaat klimaatadaptatie hittestress wateroverlast groen vergroening biodiversiteit
energie energietransitie warmtetransitie aardgasvrij zonnepanelen isolatie woningen
woningbouw huisvesting statushouders vergunninghouders nieuwkomers integratie inburgering
taal laaggeletterdheid digitalisering dienstverlening privacy gegevens informatiebeveiliging
veiligheid ondermijning handhaving toezicht verkeer verkeersveiligheid mobiliteit fiets
openbaar vervoer parkeren omgevingswet omgevingsplan bestemmingsplan ruimtelijke ordening
ondernemers ondernemersloket bedrijventerrein economie toerisme cultuur erfgoed sport
sportaccommodatie bibliotheek stedenband jumelage partnerstad internationaal beleid
europese subsidies samenwerking regio gemeenteraad college wethouder burgemeester
"""
)
FILLER = word_list(
    """
de het een van en in op voor met aan door bij naar over uit als dat die dit wij zij
gemeente gemeenten aanpak project pilot programma beleid plan uitvoering resultaat
resultaten evaluatie ervaring ervaringen lessen partners netwerk samen organisaties
maatregelen doel doelen doelgroep kosten budget jaar jaren maanden team medewerkers
gesprekken bijeenkomsten werkwijze methode monitoring effect effecten succes knelpunten
uitdaging kansen toekomst verbetering ontwikkeling ondersteuning begeleiding inzet
hebben is zijn wordt worden heeft kunnen moet gaan gericht gestart samenwerken
betrokken nieuwe goede eerste sterke lokale regionale landelijke kleine grote
"""
)
ACCENTED = ["geëvalueerd", "coördinatie", "ideeën", "financiële", "België", "café"]
FACETS = {
    "domain": [f"domein-{i}" for i in range(30)],
    "province": [f"PV{20 + i}" for i in range(12)],
    "maturity": ["idee", "pilot", "lopend", "geevalueerd"],
    "negative": ["yes", "no"],
    "size_class": ["klein", "middel", "groot", "g4"],
}
QUERIES = [
    "armoede",
    "armoedebestrijding",
    "bestrijding van armoede",
    "afvalinzameling",
    "inzameling afval",
    "schuldhulpverlening",
    "schuldhulp jongeren",
    "verslavingszorg",
    "warmtetransitie wijk",
    "klimaatadaptatie",
    "burgerparticipatie",
    "wijkontwikkeling",
    "jeugdzorg",
    "jeugdhulp ouders",
    "stedenband",
    "jumelage",
    "Wmo",
    "maatschappelijke ondersteuning",
    "werk en inkomen",
    "W&I",
    "AVG",
    "privacy gegevens",
    "statushouders huisvesting",
    "MKB ondernemers",
    "eenzaamheid ouderen",
    "mantelzorg",
    "energietransitie zonnepanelen woningen",
    "gemeente",
    "evaluatie pilot",
    "geëvalueerd",
    "verkeersveiligheid fiets",
    "omgevingswet omgevingsplan",
    "digitalisering dienstverlening",
    "sport cultuur",
    "laaggeletterdheid taal",
    "europese subsidies internationaal beleid",
    "lessen knelpunten",
    "GIB",
    "vrijwilligerswerk",
    "circulaire economie grondstoffen hergebruik",
]


def sentence(rng: random.Random, words: int) -> str:
    chosen = []
    for _ in range(words):
        roll = rng.random()
        if roll < 0.45:
            chosen.append(rng.choice(TOPICS))
        elif roll < 0.995:
            chosen.append(rng.choice(FILLER))
        else:
            chosen.append(rng.choice(ACCENTED))
    text = " ".join(chosen)
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: int) -> str:
    parts, left = [], words
    while left > 0:
        length = min(left, rng.randint(8, 18))
        parts.append(sentence(rng, length))
        left -= length
    return " ".join(parts)


def synthetic_documents(count: int, seed: int = 20240501) -> list[Document]:
    rng = random.Random(seed)
    documents = []
    for doc_id in range(1, count + 1):
        fields = {
            "title": sentence(rng, rng.randint(6, 10)).rstrip("."),
            "summary": paragraph(rng, rng.randint(30, 50)),
            "body": paragraph(rng, rng.randint(150, 300)),
        }
        negative = rng.random() < 0.2
        if negative:
            fields["negative_lessons"] = paragraph(rng, rng.randint(20, 60))
        facets = {
            "domain": rng.sample(FACETS["domain"], rng.randint(1, 3)),
            "province": [rng.choice(FACETS["province"])],
            "maturity": [rng.choice(FACETS["maturity"])],
            "negative": ["yes" if negative else "no"],
            "size_class": [rng.choice(FACETS["size_class"])],
        }
        documents.append(Document(doc_id, fields, facets, sort_key=rng.random() * 1e9))
    return documents


def query_mix(count: int, seed: int = 7) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    mix = []
    for index in range(count):
        query = QUERIES[index % len(QUERIES)]
        filters = {}
        if rng.random() < 0.3:
            filters["province"] = {rng.choice(FACETS["province"])}
        if rng.random() < 0.2:
            filters["domain"] = set(rng.sample(FACETS["domain"], 2))
        if rng.random() < 0.1:
            filters["negative"] = {"yes"}
        mix.append((query, filters))
    return mix


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, function):
    start = time.perf_counter()
    result = function()
    print(f"{label:<48} {time.perf_counter() - start:8.2f} s", flush=True)
    return result


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95) - 1]
    return f"p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, max {values[-1]:.1f} ms"


def run_queries(index, mix, totals: list | None = None) -> tuple[str, str]:
    """Wall-clock and CPU-time percentiles of the query mix. The CPU time (this
    thread's) is what to compare on a shared machine: waiting for a core is not in
    it, so two trees measured one after the other compare fairly under load."""
    wall, cpu = [], []
    for query, filters in mix:
        start, start_cpu = time.perf_counter(), time.thread_time()
        result = index.search(query, filters, limit=20, facet_names=list(FACETS))
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
        if totals is not None:
            totals.append(result.total)
    return percentiles(wall), percentiles(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument(
        "--coverage",
        action="store_true",
        help="index and rank as the knowledge-bank search does since issue 12: coverage of "
        "the query's concepts and compound-part markers in the postings (trees before it "
        "lack the options)",
    )
    parser.add_argument("--tree", help="the checkout whose src/ to measure (default: this one)")
    args = parser.parse_args()
    print(f"engine: {ROOT / 'src'}")
    print(f"SYNTHETIC corpus: {args.docs} generated practices (not real data)\n")

    documents = timed("generate documents", lambda: synthetic_documents(args.docs))
    index = SearchIndex(coverage=True, part_markers=True) if args.coverage else SearchIndex()
    timed("load lexicon and synonyms", lambda: (index.analyzer.lexicon, index.analyzer.synonyms))
    counts = timed(
        "analyse (text → term counts)", lambda: [index.analyse(d.fields) for d in documents]
    )

    def build_from_counts(stored):
        for document, terms in zip(documents, stored, strict=True):
            index.add_analysed(document.id, terms, document.facets, document.sort_key)
        index.compact()

    timed("build from stored counts (add_analysed+compact)", lambda: build_from_counts(counts))
    # The postings live in SearchIndex._store since issue 15; older trees (--tree) differ.
    store = getattr(index, "_store", None)
    postings = len(store.base_slots if store else index._base_slots)
    terms = len(store.term_ids if store else index._term_ids)
    print(f"{'':<48} {terms} terms, {postings} postings")
    print(f"{'index arrays (SearchIndex.nbytes)':<48} {index.nbytes() / 2**20:8.0f} MiB")
    counts.clear()  # the stored term counts are the caller's, not the index's
    gc.collect()
    print(f"{'RSS after build (incl. the generated texts)':<48} {rss_mib():8.0f} MiB")

    timed(
        "bulk build from documents (add_many)",
        lambda: SearchIndex(analyzer=index.analyzer).add_many(documents[:10_000]),
    )
    print(f"{'':<48} (first 10 000 documents only, analysis cache warm)")

    def incremental():
        for document in documents[:200]:
            index.add(document)  # replaces
        for document in documents[200:300]:
            index.remove(document.id)

    timed("200 replacements + 100 removals (delta)", incremental)

    mix = query_mix(args.queries)
    for query, filters in mix[:20]:  # warm-up: caches, page-in
        index.search(query, filters)
    totals = []
    wall, cpu = run_queries(index, mix, totals)
    print(
        f"\n{len(mix)} queries (with 200-doc delta, 100 tombstones): {wall}; "
        f"mean matches {statistics.mean(totals):.0f}\n{'':<10}CPU time per query: {cpu}"
    )
    timed("compact (merge delta, drop tombstones)", index.compact)
    wall, cpu = run_queries(index, mix)
    print(f"{len(mix)} queries (compacted): {wall}\n{'':<10}CPU time per query: {cpu}")
    print(f"{'RSS at end':<48} {rss_mib():8.0f} MiB")


if __name__ == "__main__":
    main()
