"""kennisschakel match "<text>" --municipality GMxxxx [--international] [--outside-circle]
[--limit N] --json: who can help, and why."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kennisschakel.matching import services


class Command(BaseCommand):
    help = "Ranked, explained suggestions for a question (matchmaking)."

    def add_arguments(self, parser):
        parser.add_argument("text", help="The question, in your own words.")
        parser.add_argument("--municipality", help="CBS code of the asking municipality.")
        parser.add_argument("--international", action="store_true")
        parser.add_argument("--outside-circle", action="store_true")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--json", action="store_true", help="Print JSON objects.")
        parser.add_argument("--language", default="nl", choices=["nl", "en"])

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            try:
                municipality = (
                    services.municipality_by_code(options["municipality"])
                    if options["municipality"]
                    else None
                )
                found = services.find_matches(
                    options["text"],
                    municipality,
                    international=options["international"],
                    outside_circle=options["outside_circle"],
                    limit=options["limit"],
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if options["json"]:
            self.stdout.write(
                json.dumps([s.as_dict() for s in found], ensure_ascii=False, indent=1)
            )
            return
        for position, suggestion in enumerate(found, start=1):
            self.stdout.write(f"{position:2}. {suggestion.name} [{suggestion.type}] "
                              f"{suggestion.score:.3f}")  # fmt: skip
            for line in suggestion.notes:
                self.stdout.write(f"      ! {line}")
            for line in suggestion.explanation:
                self.stdout.write(f"      - {line}")
