"""kennisschakel rebuild_match_index: build the matcher's candidate index and publish it.

Every web worker opens the new generation on its next match request. `seed` runs this;
run it after loading reference data (municipalities, borders) by other means, which the
change log does not follow. `--status` only prints what /health reports.
"""

import json

from django.core.management.base import BaseCommand

from kennisschakel.matching import match_index


class Command(BaseCommand):
    help = "Build the matcher's candidate index from the database and publish it."

    def add_arguments(self, parser):
        parser.add_argument("--status", action="store_true", help="Only show the index's state.")

    def handle(self, *args, **options):
        if not options["status"]:
            built = match_index.rebuild()
            self.stdout.write(
                f"Match index {built['generation']}: {built['candidates']} candidates "
                f"in {built['seconds']} s (changes up to {built['seq']})."
            )
        self.stdout.write(json.dumps(match_index.status(), indent=1))
