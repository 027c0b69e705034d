"""`kennisschakel backup` and `restore` (issue 11): a round trip gives back every row and file.

Runs on the test database of the run (SQLite file, or PostgreSQL through pg_dump and
pg_restore against that database only). The comparison is independent of the manifest:
row counts and a checksum over every value of every table, read before the backup and
after the restore, plus the SHA-256 of every uploaded file.
"""

import hashlib
import io
import json
import stat
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from kennisschakel.accounts.models import User
from kennisschakel.operations import snapshot
from kennisschakel.operations.backup import MANIFEST, read_manifest
from kennisschakel.register.models import Municipality

OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}


def current_tables() -> dict:
    if connection.vendor == "postgresql":
        with transaction.atomic():
            return snapshot.postgresql_tables(connection)
    return snapshot.database_tables(connection)


def file_hashes(root) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "var" / "media"
    (root / "bijlagen" / "ab12").mkdir(parents=True)
    (root / "bijlagen" / "ab12" / "plan van aanpak.pdf").write_bytes(
        b"%PDF-1.7\n" + bytes(range(256))
    )
    (root / "bestanden").mkdir()
    (root / "bestanden" / "brieven.pdf").write_bytes(b"%PDF-1.4 letters")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def archive(committed_db, media_root, tmp_path):
    """A backup of the seeded database and the media files, with what they held."""
    tables = current_tables()
    files = file_hashes(media_root)
    path = tmp_path / "backups" / "kennisschakel.tar"
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    assert str(path) in out.getvalue()
    return path, tables, files


def change_everything(media_root):
    """Edits, a deletion and an insertion in the database; the same on disk."""
    municipality = Municipality.objects.order_by("pk").first()
    Municipality.objects.filter(pk=municipality.pk).update(name="Veranderd")
    User.objects.order_by("pk").last().delete()
    User.objects.create(email="na-de-backup@example.org")
    (media_root / "bestanden" / "brieven.pdf").write_bytes(b"overwritten")
    (media_root / "bijlagen" / "ab12" / "plan van aanpak.pdf").unlink()
    (media_root / "nieuw.txt").write_text("added after the backup")
    return municipality


def test_backup_manifest_describes_the_data(archive, media_root):
    path, tables, files = archive

    manifest = read_manifest(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "the archive holds personal data"
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == tables
    assert manifest["data_checksum"] == snapshot.data_checksum(tables)
    assert manifest["tables"]["register_municipality"]["rows"] == Municipality.objects.count()
    assert manifest["media"] == files
    assert manifest["database"]["migrations"]["core"]
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert names[0] == MANIFEST
    assert "media/bijlagen/ab12/plan van aanpak.pdf" in names


def test_round_trip_gives_back_every_row_and_file(archive, media_root):
    path, tables, files = archive
    municipality = change_everything(media_root)
    assert current_tables() != tables, "the checksum sees the changes"
    assert file_hashes(media_root) != files

    out = io.StringIO()
    call_command("restore", str(path), "--yes", stdout=out)

    assert "match the manifest" in out.getvalue()
    assert current_tables() == tables
    assert file_hashes(media_root) == files
    assert Municipality.objects.get(pk=municipality.pk).name == municipality.name
    assert not User.objects.filter(email="na-de-backup@example.org").exists()


def test_restore_asks_first_and_no_changes_nothing(archive, media_root):
    path, tables, _files = archive
    change_everything(media_root)
    changed_tables, changed_files = current_tables(), file_hashes(media_root)
    out = io.StringIO()

    with pytest.raises(CommandError, match="cancelled: nothing was changed"):
        call_command("restore", str(path), stdin=io.StringIO("no\n"), stdout=out)

    assert "replaces ALL data" in out.getvalue()
    assert current_tables() == changed_tables
    assert file_hashes(media_root) == changed_files


def rewrite_archive(source, target, change):
    """A copy of the archive with ``change(name, data) -> data`` applied to each entry."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


def test_restore_refuses_another_vendor(archive, tmp_path, media_root):
    path, _tables, _files = archive
    change_everything(media_root)
    changed = current_tables()

    def other_vendor(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["database"]["vendor"] = OTHER_VENDOR[connection.vendor]
        return json.dumps(manifest).encode()

    foreign = rewrite_archive(path, tmp_path / "foreign.tar", other_vendor)

    with pytest.raises(CommandError, match="backup is of a .* database, but this installation"):
        call_command("restore", str(foreign), "--yes")
    assert current_tables() == changed


def test_restore_refuses_a_damaged_archive_before_touching_anything(archive, tmp_path, media_root):
    path, _tables, _files = archive
    change_everything(media_root)
    changed_tables, changed_files = current_tables(), file_hashes(media_root)

    def damage_dump(name, data):
        if name.startswith("database."):
            return data[:-100] + bytes(100)
        return data

    damaged = rewrite_archive(path, tmp_path / "damaged.tar", damage_dump)

    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--yes")
    assert current_tables() == changed_tables
    assert file_hashes(media_root) == changed_files


def test_restore_refuses_paths_outside_media(archive, tmp_path, media_root):
    path, _tables, _files = archive
    evil = tmp_path / "evil.tar"
    with tarfile.open(path) as old, tarfile.open(evil, "w") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        info = tarfile.TarInfo("media/../../escaped.txt")
        info.size = 4
        new.addfile(info, io.BytesIO(b"evil"))

    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(evil), "--yes")
    assert not (tmp_path / "escaped.txt").exists()


def test_restore_refuses_what_is_not_a_backup(tmp_path, db):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar at all")

    with pytest.raises(CommandError, match="is not a Kennisschakel backup"):
        call_command("restore", str(junk), "--yes")
