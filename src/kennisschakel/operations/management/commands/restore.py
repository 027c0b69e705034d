import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kennisschakel.operations.backup import (
    VENDOR_NAMES,
    BackupError,
    check_vendor,
    read_manifest,
    restore_backup,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `kennisschakel backup`: replaces ALL data in the database "
        "and the uploaded files, then checks every table against the backup's manifest. "
        "Stop the web server and the workers first."
    )
    stealth_options = ("stdin",)  # tests answer the confirmation through call_command

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="FILE", help="the .tar made by `backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask for confirmation (scripts, drills)"
        )

    def handle(self, *args, **options):
        archive = options["archive"]
        try:
            manifest = read_manifest(archive)
            check_vendor(manifest, connections["default"].vendor)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not options["yes"]:
            self.confirm(manifest, options.get("stdin") or sys.stdin)
        try:
            report = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {report.tables_checked} tables "
            f"and {report.media_files} uploaded files match the manifest."
        )
        if report.extra_tables:
            self.stderr.write(
                "Tables not in the backup were left as they are: " + ", ".join(report.extra_tables)
            )
        self.stdout.write(
            "Next: kennisschakel migrate --no-input; kennisschakel rebuild_index; "
            "kennisschakel rebuild_match_index; then start the web server and workers."
        )

    def confirm(self, manifest: dict, stdin) -> None:
        database = connections["default"].settings_dict
        vendor = VENDOR_NAMES.get(manifest["database"]["vendor"], manifest["database"]["vendor"])
        self.stdout.write(
            f"This replaces ALL data in the {vendor} database {database['NAME']!s} and every "
            f"file in {settings.MEDIA_ROOT} with the backup of {manifest['created_at']} "
            f"(version {manifest['version']}).\nType 'yes' to continue: ",
            ending="",
        )
        self.stdout.flush()
        answer = stdin.readline().strip().lower()
        if answer != "yes":
            raise CommandError("Restore cancelled: nothing was changed.")
