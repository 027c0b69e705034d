"""kennisschakel evaluate_search [--min-ndcg 0.5] [--strict-negatives] [--verbose]:
nDCG@10, hit@10 and recall@10 per category on the labelled search cases, and the
negatives found in the top 10; exits 1 below the bar (or on a negative, when strict)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisschakel.knowledge.models import Practice
from kennisschakel.knowledge.search_evaluation import (
    CASES_FILE,
    evaluate,
    load_cases,
    load_raw,
    practice_searcher,
    summary,
    validate,
)


def _figure(value: float | None, width: int) -> str:
    return f"{value:>{width}.3f}" if value is not None else f"{'-':>{width}}"


class Command(BaseCommand):
    help = "Evaluate the knowledge-bank search on the labelled cases (data/search_cases.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("--min-ndcg", type=float, default=0.0, help="Overall nDCG@10 floor.")
        parser.add_argument(
            "--strict-negatives",
            action="store_true",
            help="Fail when any must_not practice is in a top 10 or a max_total is exceeded.",
        )
        parser.add_argument("--cases", type=Path, default=CASES_FILE, help="Another cases file.")
        parser.add_argument("--verbose", action="store_true", help="Per query, with misses.")

    def handle(self, *args, **options):
        path = options["cases"]
        published = set(
            Practice.objects.filter(status=Practice.Status.PUBLISHED).values_list("slug", flat=True)
        )
        raw = load_raw(path)
        problems = validate(raw, published, complete=False)
        if problems:
            raise CommandError(
                "The cases do not fit this database (seed it first: kennisschakel seed):\n  "
                + "\n  ".join(problems[:20])
            )
        results = evaluate(load_cases(path), practice_searcher())
        if options["verbose"]:
            for r in results:
                flags = []
                if r.missing:
                    flags.append(f"missing: {', '.join(r.missing)}")
                if r.violations:
                    flags.append(f"NOT WANTED: {', '.join(r.violations)}")
                if r.over:
                    flags.append(f"{r.total} matches > {r.case.max_total}")
                ndcg = f"{r.ndcg:.2f}" if r.ndcg is not None else "  - "
                self.stdout.write(
                    f"{r.case.category:13} nDCG {ndcg} matches {r.total:>3}  {r.case.query}"
                    + (f"  [{'; '.join(flags)}]" if flags else "")
                )
        table = summary(results)
        self.stdout.write(
            f"{'category':14} {'n':>3} {'nDCG@10':>8} {'hit@10':>7} {'recall@10':>10} "
            f"{'negatives':>9} {'over':>5}"
        )
        for name, row in table.items():
            self.stdout.write(
                f"{name:14} {row['n']:>3} {_figure(row['nDCG@10'], 8)} "
                f"{_figure(row['hit@10'], 7)} {_figure(row['recall@10'], 10)} "
                f"{row['negatives']:>9} {row['over']:>5}"
            )
        overall = table["all"]["nDCG@10"] or 0.0
        failures = []
        if overall < options["min_ndcg"]:
            failures.append(f"nDCG@10 {overall:.3f} is below the bar of {options['min_ndcg']:.2f}.")
        if options["strict_negatives"]:
            bad = [r for r in results if r.violations or r.over]
            if bad:
                failures.append(
                    f"{len(bad)} queries bring up what must not come up: "
                    + "; ".join(r.case.query for r in bad[:10])
                )
        if failures:
            raise CommandError(" ".join(failures))
