"""kennisschakel evaluate_matching [--min-ndcg 0.6] [--verbose]: recall@10, nDCG@10 and
hit@5 per question type on the labelled set; exits 1 below the bar."""

from django.core.management.base import BaseCommand, CommandError

from kennisschakel.matching.evaluation import evaluate, summary


class Command(BaseCommand):
    help = "Evaluate matchmaking on the labelled questions (matching/data/evaluation.yaml)."

    def add_arguments(self, parser):
        parser.add_argument("--min-ndcg", type=float, default=0.6)
        parser.add_argument("--verbose", action="store_true", help="Per question, with misses.")

    def handle(self, *args, **options):
        results = evaluate()
        if options["verbose"]:
            for r in results:
                self.stdout.write(
                    f"{r.id} {r.type:13} nDCG {r.ndcg:.2f} recall {r.recall:.2f} hit {r.hit:.0f}"
                    + (f"  missing: {', '.join(r.missing)}" if r.missing else "")
                )
        self.stdout.write(f"{'type':14} {'n':>3} {'recall@10':>10} {'nDCG@10':>8} {'hit@5':>6}")
        table = summary(results)
        for name, row in table.items():
            self.stdout.write(
                f"{name:14} {row['n']:>3} {row['recall@10']:>10.3f} {row['nDCG@10']:>8.3f} "
                f"{row['hit@5']:>6.3f}"
            )
        overall = table["all"]["nDCG@10"]
        if overall < options["min_ndcg"]:
            raise CommandError(
                f"nDCG@10 {overall:.3f} is below the bar of {options['min_ndcg']:.2f}."
            )
