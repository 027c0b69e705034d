from django.core.management.base import BaseCommand

from kennisschakel.knowledge.index_build import rebuild


class Command(BaseCommand):
    help = (
        "Build the practice search index from the database and save it for every worker "
        "process to open (run after seeding, restoring a backup or bulk imports)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--changes-only",
            action="store_true",
            help="Merge only the changes since the newest saved index (faster).",
        )

    def handle(self, *args, **options):
        figures = rebuild(full=not options["changes_only"])
        self.stdout.write(
            f"Search index {figures['generation']}: {figures['documents']} practices, "
            f"{figures['changes']} (re)indexed in {figures['seconds']:.1f} s."
        )
