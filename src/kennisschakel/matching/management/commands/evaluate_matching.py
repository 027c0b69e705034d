"""kennisschakel evaluate_matching [--min-ndcg 0.6] [--min-hit5 0.9] [--strict-negatives]
[--verbose] [--file PATH]: recall@10, nDCG@10, hit@5 and violated negatives per question
type on the labelled set; exits 1 below a floor or, with --strict-negatives, when any
must-not item is in a top 10."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kennisschakel.matching.evaluation import DATA_FILE, EvaluationDataError, evaluate, summary


class Command(BaseCommand):
    help = "Evaluate matchmaking on the labelled questions (matching/data/evaluation.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("--min-ndcg", type=float, default=0.6, help="Floor on nDCG@10.")
        parser.add_argument("--min-hit5", type=float, default=0.0, help="Floor on hit@5.")
        parser.add_argument(
            "--strict-negatives",
            action="store_true",
            help="Fail when any must-not item is in a top 10.",
        )
        parser.add_argument("--verbose", action="store_true", help="Per question, with misses.")
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="Labelled set (YAML).")

    def handle(self, *args, **options):
        try:
            results = evaluate(options["file"])
        except (EvaluationDataError, OSError) as error:
            raise CommandError(str(error)) from error
        if options["verbose"]:
            for r in results:
                line = (
                    f"{r.id:5} {r.type:15} nDCG {r.ndcg:.2f} recall {r.recall:.2f} hit {r.hit:.0f}"
                )
                if r.missing:
                    line += f"  missing: {', '.join(r.missing)}"
                if r.violated:
                    line += f"  MUST NOT: {', '.join(r.violated)}"
                if r.refused:
                    line += f"  REFUSED: {r.refused}"
                self.stdout.write(line)
        self.stdout.write(
            f"{'type':16} {'n':>3} {'recall@10':>10} {'nDCG@10':>8} {'hit@5':>6} "
            f"{'neg.q':>6} {'violated':>9}"
        )
        table = summary(results)
        for name, row in table.items():
            self.stdout.write(
                f"{name:16} {row['n']:>3} {row['recall@10']:>10.3f} {row['nDCG@10']:>8.3f} "
                f"{row['hit@5']:>6.3f} {row['with negatives']:>6} "
                f"{row['negatives violated']:>9}"
            )
        overall = table["all"]
        failures = []
        if overall["nDCG@10"] < options["min_ndcg"]:
            failures.append(
                f"nDCG@10 {overall['nDCG@10']:.3f} is below the floor of {options['min_ndcg']:.2f}"
            )
        if overall["hit@5"] < options["min_hit5"]:
            failures.append(
                f"hit@5 {overall['hit@5']:.3f} is below the floor of {options['min_hit5']:.2f}"
            )
        if options["strict_negatives"] and overall["negatives violated"]:
            failing = ", ".join(f"{r.id} ({', '.join(r.violated)})" for r in results if r.violated)
            failures.append(
                f"{overall['negatives violated']} must-not item(s) in a top 10: {failing}"
            )
        if failures:
            raise CommandError("; ".join(failures) + ".")
