"""ZIP-based uploads (DOCX, ODT) are checked without unpacking them: no zip bomb gets through.

A crafted .odt of about 100 KB announces a ``mimetype`` entry of 100 MB. The old
check read the whole entry into memory; now the archive directory is judged
first and entries are read in small bounded pieces.
"""

import contextlib
import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kennisschakel.knowledge import uploads
from kennisschakel.knowledge.models import Attachment
from kennisschakel.knowledge.uploads import validate_upload

ODT_TYPE = b"application/vnd.oasis.opendocument.text"
BOMB_MB = 100


def odt_bomb(megabytes=BOMB_MB) -> bytes:
    """An ODT whose mimetype entry unpacks to ``megabytes`` MB of zeros; small on disk."""
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("mimetype", "w") as entry:
            entry.write(ODT_TYPE)
            for _ in range(megabytes):
                entry.write(chunk)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return odt_bomb()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def peak_memory_of(call) -> int:
    tracemalloc.start()
    with contextlib.suppress(ValidationError):
        call()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_bomb_is_small_on_disk_and_huge_unpacked(bomb):
    assert len(bomb) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("mimetype").file_size > BOMB_MB * 1024 * 1024


def test_zip_bomb_is_refused_with_a_dutch_message_before_unpacking(bomb):
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("verslag.odt", bomb))
    assert "zo dicht ingepakt" in " ".join(refused.value.messages)
    assert peak_memory_of(lambda: validate_upload(upload("verslag.odt", bomb))) < 5 * 1024 * 1024


def test_entries_are_read_in_bounded_pieces_even_when_the_limits_let_them_through(
    bomb, monkeypatch
):
    # Switch the directory checks off: what remains is the bounded read of 'mimetype'.
    monkeypatch.setattr(uploads, "MAX_COMPRESSION_RATIO", 10**9)
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 10**12)
    peak = peak_memory_of(lambda: validate_upload(upload("verslag.odt", bomb)))
    assert peak < 5 * 1024 * 1024, f"{peak / 1024 / 1024:.1f} MB allocated"
    with pytest.raises(ValidationError):  # 'mimetype' holds more than the type: not an ODT
        validate_upload(upload("verslag.odt", bomb))


def test_total_unpacked_size_is_limited(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/image1.png", b"\x89PNG" + bytes(range(256)) * 5000)
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("verslag.docx", buffer.getvalue()))
    assert "uitgepakt" in " ".join(refused.value.messages)


def test_number_of_entries_is_limited(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_ENTRIES", 10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(10):
            archive.writestr(f"word/part{number}.xml", "<x/>")
    with pytest.raises(ValidationError) as refused:
        validate_upload(upload("verslag.docx", buffer.getvalue()))
    assert "meer dan 10" in " ".join(refused.value.messages)


@pytest.mark.django_db
def test_bomb_upload_on_the_site_answers_400_and_stores_nothing(
    client, enschede_contributor, make_practice, bomb
):
    practice = make_practice("GM0153")
    client.force_login(enschede_contributor)
    response = client.post(
        reverse("knowledge:attachment-upload", args=[practice.slug]),
        {"file": upload("verslag.odt", bomb)},
    )
    assert response.status_code == 400
    assert "zo dicht ingepakt" in response.content.decode()
    assert not Attachment.objects.exists()
