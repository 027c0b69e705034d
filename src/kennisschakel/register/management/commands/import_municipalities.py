import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from kennisschakel.register.importers import ImportRejected, import_municipalities, size_error


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
            try:
                too_big = size_error(options["file"].stat().st_size)
                if too_big:
                    raise CommandError(str(too_big))
                text = options["file"].read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(str(error)) from error
            source = options["source"] or options["file"].name
            try:
                report = import_municipalities(
                    text, options["date"], source=source, dry_run=options["dry_run"]
                )
            except ImportRejected as rejected:
                raise CommandError(
                    translation.gettext("Import rejected; nothing was changed.")
                    + "\n"
                    + "\n".join(str(e) for e in rejected.errors)
                ) from rejected
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
