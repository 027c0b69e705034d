"""One archive with everything to bring Kennisschakel back: the database and uploaded files.

The archive is a plain .tar (readable with `tar tf`):

- ``manifest.json``   format, application version, database vendor, created_at, the
                      database file's SHA-256, row count and checksum of every table
                      (snapshot.py), the checksum of the data, and each media file's SHA-256;
- ``database.dump``   PostgreSQL: ``pg_dump --format=custom`` (compressed), or
  ``database.sqlite3``  SQLite: a copy made with the online backup API;
- ``media/…``         MEDIA_ROOT (attachments, generated PDFs).

Consistency: on PostgreSQL, pg_dump reads the snapshot of a REPEATABLE READ transaction
(``--snapshot``) in which the manifest's counts and checksums are taken too; on SQLite
they are taken from the copy. Media files are copied after the database, so every file
the database refers to already exists (files are written before their row commits).

Restore checks the archive before touching anything (manifest, vendor, every SHA-256),
replaces the database (``pg_restore --clean --if-exists --single-transaction``, or the
backup API into the live file) and MEDIA_ROOT (extracted next to it, then swapped), and
compares every table's count and checksum with the manifest.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections, transaction

from kennisschakel.operations import snapshot

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class RestoreReport:
    manifest: dict
    tables_checked: int
    media_files: int
    extra_tables: list[str]


def application_version() -> str:
    try:
        return version("kennisschakel")
    except PackageNotFoundError:
        return "unknown"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _default_connection():
    return connections["default"]


def _postgres_env(settings_dict: dict) -> dict:
    """libpq's variables for the client tools: the password never appears in argv."""
    options = settings_dict.get("OPTIONS") or {}
    env = dict(os.environ)
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
        "PGPASSFILE": options.get("passfile"),
        "PGCONNECT_TIMEOUT": options.get("connect_timeout"),
    }
    env.update({name: str(value) for name, value in pairs.items() if value})
    return env


def _run_client(args: list[str], settings_dict: dict) -> None:
    try:
        result = subprocess.run(  # noqa: S603  (fixed program, arguments from settings)
            args, env=_postgres_env(settings_dict), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as missing:
        raise BackupError(
            f"{args[0]} is not installed: install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) of the server's version or newer."
        ) from missing
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed: {result.stderr.strip()}")


def _applied_migrations(connection) -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = max(latest.get(app, name), name)
    return latest


# ---------------------------------------------------------------------------- backup


def _dump_postgresql(connection, target: Path) -> dict[str, dict]:
    """pg_dump inside our own snapshot; the tables' figures from that same snapshot."""
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
        _run_client(
            ["pg_dump", "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
            connection.settings_dict,
        )
        return snapshot.postgresql_tables(connection)


def _dump_sqlite(connection, target: Path) -> dict[str, dict]:
    """The online backup API: a consistent copy while the site keeps running."""
    source = sqlite3.connect(connection.settings_dict["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return snapshot.sqlite_tables(str(target))


def _media_files(media_root: Path) -> list[tuple[str, Path]]:
    if not media_root.is_dir():
        return []
    files = []
    for path in sorted(media_root.rglob("*")):
        # Only regular files: a symlink could point anywhere on the machine.
        if path.is_file() and not path.is_symlink():
            files.append((path.relative_to(media_root).as_posix(), path))
    return files


def default_output() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"kennisschakel-{stamp}.tar"


def create_backup(output: Path | None = None) -> tuple[Path, dict]:
    """Write the archive (mode 0600: it holds personal data); its path and manifest."""
    connection = _default_connection()
    vendor = connection.vendor
    if vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    output = Path(output or default_output()).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)

    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        dump = Path(work) / DUMP_NAMES[vendor]
        if vendor == "postgresql":
            tables = _dump_postgresql(connection, dump)
        else:
            tables = _dump_sqlite(connection, dump)
        media = _media_files(media_root)
        manifest = {
            "format": FORMAT,
            "application": "kennisschakel",
            "version": application_version(),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": {
                "vendor": vendor,
                "file": dump.name,
                "bytes": dump.stat().st_size,
                "sha256": _sha256_file(dump),
                "migrations": _applied_migrations(connection),
            },
            "tables": tables,
            "data_checksum": snapshot.data_checksum(tables),
            "media": {name: _sha256_file(path) for name, path in media},
        }
        partial = Path(work) / "archive.tar"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), 0o600, int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(body))
            tar.add(dump, arcname=dump.name)
            for name, path in media:
                tar.add(path, arcname=MEDIA_PREFIX + name, recursive=False)
        os.replace(partial, output)  # never a half-written archive under the final name
    return output, manifest


# ---------------------------------------------------------------------------- restore


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, mode="r:") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.load(tar.extractfile(member))
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{archive} is not a Kennisschakel backup ({error}).") from error
    if manifest.get("format") != FORMAT or manifest.get("application") != "kennisschakel":
        raise BackupError(f"{archive} is not a Kennisschakel backup of format {FORMAT}.")
    return manifest


def check_vendor(manifest: dict, vendor: str) -> None:
    theirs = manifest["database"]["vendor"]
    if theirs != vendor:
        raise BackupError(
            f"This backup is of a {VENDOR_NAMES.get(theirs, theirs)} database, but this "
            f"installation uses {VENDOR_NAMES.get(vendor, vendor)}. Restore it where "
            f"DATABASE_URL points to {VENDOR_NAMES.get(theirs, theirs)}."
        )


def _safe_media_name(name: str) -> str:
    relative = PurePosixPath(name[len(MEDIA_PREFIX) :])
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"The archive holds an unsafe path: {name!r}.")
    return relative.as_posix()


def _unpack(archive: Path, manifest: dict, work: Path) -> tuple[Path, Path]:
    """Extract into ``work``, checking every SHA-256 against the manifest."""
    dump = work / manifest["database"]["file"]
    media = work / "media"
    media.mkdir()
    seen: set[str] = set()
    with tarfile.open(archive, mode="r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name == dump.name:
                target = dump
            elif member.name.startswith(MEDIA_PREFIX):
                name = _safe_media_name(member.name)
                target = media / name
                seen.add(name)
            else:
                raise BackupError(f"The archive holds an unexpected entry: {member.name!r}.")
            if not member.isfile():
                raise BackupError(f"The archive entry {member.name!r} is not a regular file.")
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target, "wb") as handle:
                shutil.copyfileobj(source, handle, CHUNK)
    if not dump.exists() or _sha256_file(dump) != manifest["database"]["sha256"]:
        raise BackupError("The database file in the archive is missing or damaged (SHA-256).")
    expected = manifest["media"]
    if seen != set(expected):
        raise BackupError("The media files in the archive do not match its manifest.")
    for name, digest in expected.items():
        if _sha256_file(media / name) != digest:
            raise BackupError(f"The media file {name!r} in the archive is damaged (SHA-256).")
    return dump, media


def _restore_postgresql(connection, dump: Path) -> None:
    connections.close_all()
    _run_client(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={connection.settings_dict['NAME']}",
            str(dump),
        ],
        connection.settings_dict,
    )


def _restore_sqlite(connection, dump: Path) -> None:
    connections.close_all()
    source = sqlite3.connect(dump)
    target = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _swap_media(unpacked: Path, media_root: Path) -> None:
    """Put the restored files in place of MEDIA_ROOT (``unpacked`` is on the same disk)."""
    old = media_root.with_name(media_root.name + ".before-restore")
    shutil.rmtree(old, ignore_errors=True)
    try:
        if media_root.exists():
            os.replace(media_root, old)
    except OSError:  # MEDIA_ROOT is a mount point: replace what is inside it
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in unpacked.iterdir():
            shutil.move(child, media_root / child.name)
        return
    os.replace(unpacked, media_root)
    shutil.rmtree(old, ignore_errors=True)


def verify(manifest: dict) -> tuple[int, list[str]]:
    """Compare every table with the manifest; the tables checked and those not in it."""
    connection = _default_connection()
    expected = manifest["tables"]
    if connection.vendor == "postgresql":
        with transaction.atomic():
            actual = snapshot.postgresql_tables(connection)
    else:
        actual = snapshot.database_tables(connection)
    differing = [
        f"{name} ({actual.get(name, {}).get('rows', 'missing')} rows, "
        f"{expected[name]['rows']} expected)"
        for name in sorted(expected)
        if actual.get(name) != expected[name]
    ]
    if differing:
        raise BackupError("Restored, but the data differ from the backup: " + "; ".join(differing))
    return len(expected), sorted(set(actual) - set(expected))


def restore_backup(archive: Path) -> RestoreReport:
    """Replace the database and MEDIA_ROOT with the archive's, then verify them."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    connection = _default_connection()
    check_vendor(manifest, connection.vendor)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        dump, media = _unpack(archive, manifest, Path(work))
        if connection.vendor == "postgresql":
            _restore_postgresql(connection, dump)
        else:
            _restore_sqlite(connection, dump)
        _swap_media(media, media_root)
    restored_media = {name: _sha256_file(path) for name, path in _media_files(media_root)}
    if restored_media != manifest["media"]:
        raise BackupError("Restored, but MEDIA_ROOT differs from the backup's files.")
    tables, extra = verify(manifest)
    return RestoreReport(manifest, tables, len(restored_media), extra)
