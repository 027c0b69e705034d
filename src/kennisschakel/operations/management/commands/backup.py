from django.core.management.base import BaseCommand, CommandError

from kennisschakel.operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump custom format; SQLite: online backup) and "
        "the uploaded files into one .tar with a manifest (row counts and checksums). "
        "The site may keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            metavar="FILE",
            help="where to write the archive (default: $KENNISSCHAKEL_VAR_DIR/backups/"
            "kennisschakel-<UTC time>.tar)",
        )

    def handle(self, *args, **options):
        try:
            path, manifest = create_backup(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backup written: {path}\n"
            f"  {manifest['database']['vendor']} database: {len(manifest['tables'])} tables, "
            f"{rows} rows, data checksum {manifest['data_checksum'][:16]}…\n"
            f"  {len(manifest['media'])} uploaded files"
        )
