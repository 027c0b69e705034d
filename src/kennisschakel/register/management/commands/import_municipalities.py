import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kennisschakel.core.tabular import ImportRejected, command_error
from kennisschakel.register.importers import import_municipalities


class Command(BaseCommand):
    help = (
        "Update the municipality register from a CBS-style CSV (code, name, province, "
        "optionally inhabitants). All rows are checked first; on any error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--date", type=datetime.date.fromisoformat, help="Reference date of the inhabitants."
        )
        parser.add_argument("--source", default="", help="Where the file comes from.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, choices=["nl", "en"])

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            source = options["source"] or options["file"].name
            try:
                # The path itself, so the size limit is checked before the file is read.
                report = import_municipalities(
                    options["file"], options["date"], source=source, dry_run=options["dry_run"]
                )
            except OSError as error:
                raise CommandError(str(error)) from error
            except ImportRejected as rejected:
                raise command_error(rejected) from rejected
            self.stdout.write(
                translation.gettext("%(count)s rows valid.") % {"count": len(report.rows)}
            )
            if report.result:
                self.stdout.write(str(report.result))
            if report.missing_codes:
                self.stdout.write(
                    translation.gettext("Not in the file (left unchanged): %(codes)s")
                    % {"codes": ", ".join(report.missing_codes)}
                )
