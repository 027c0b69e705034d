from django.core.management.base import BaseCommand

from kennisschakel.core import seeding


class Command(BaseCommand):
    help = "Load reference data (register, taxonomies, places abroad) and demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo users.")

    def handle(self, *args, **options):
        # A short report by default (`make run` prints it on every start); -v 2 lists
        # every table, as the tests and a maintainer checking a re-seed want it.
        # The steps come from the apps (their AppConfig.ready(); core/seeding.py).
        run = seeding.Seeding(self.stdout, detail=options["verbosity"] >= 2)
        for step in seeding.steps("reference"):
            step.function(run)
        if run.detail:
            self.stdout.write("Reference data:")
            for line in run.tables:
                self.stdout.write(line)
        else:
            self.stdout.write(
                f"Reference data: {len(run.tables)} tables, {seeding.changes(run.tables)}."
            )
        if not options["no_demo"]:
            for step in seeding.steps("demo"):
                step.function(run)
            if run.detail:
                for line in run.details:
                    self.stdout.write(line)
            else:
                self.stdout.write(
                    "Demo data (to try Kennisschakel out; --no-demo leaves it out): "
                    + ", ".join(run.summary)
                    + "."
                )
            for line in run.notes:
                self.stdout.write(line)
        for step in seeding.steps("indexes"):
            step.function(run)
