"""Check an uploaded file by its content, not by its name.

A file called ``report.pdf`` must start like a PDF; a ``.docx`` must be a ZIP
holding a Word document, and so on. Anything else is refused, so a program
renamed to .pdf never reaches other users.
"""

import zipfile
import zlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", (".pdf",))
DOCX = FileKind(
    "Word (DOCX)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
ODT = FileKind("OpenDocument (ODT)", "application/vnd.oasis.opendocument.text", (".odt",))
PNG = FileKind("PNG", "image/png", (".png",))
JPEG = FileKind("JPEG", "image/jpeg", (".jpg", ".jpeg"))
WEBP = FileKind("WebP", "image/webp", (".webp",))


def detect_kind(head: bytes, upload) -> FileKind | None:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    return None


# Limits for ZIP-based files (DOCX, ODT, and XLSX imports): a 1 MB archive can unpack to
# gigabytes (a "zip bomb"), so the archive's directory is checked before anything is unpacked,
# and entries are only ever read in small, bounded pieces.
MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Office XML packs 5–20 times; far more than 100 for a sizeable entry means a crafted file.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ENTRY_HEAD = 256


# What a damaged or exotic archive raises while it is read (not our bug: the file's).
ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    zlib.error,
)


def check_zip_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse an archive whose directory announces too many entries or too much data.

    Only the directory is read (no decompression). Python's ``zipfile`` never
    returns more bytes than an entry's announced size, so a directory that
    understates the sizes cannot smuggle a bomb past these checks either.
    """
    entries = archive.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ValidationError(
            _("'%(name)s' is refused: it holds more than %(max)s packed files.")
            % {"name": name, "max": MAX_ZIP_ENTRIES}
        )
    total = sum(info.file_size for info in entries)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            _("'%(name)s' is refused: unpacked it would be %(size)s MB; the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": total // 1024 // 1024,
                "limit": MAX_UNCOMPRESSED_BYTES // 1024 // 1024,
            }
        )
    for info in entries:
        packed = max(info.compress_size, 1)
        if (
            info.file_size >= RATIO_CHECK_FROM_BYTES
            and info.file_size / packed > MAX_COMPRESSION_RATIO
        ):
            raise ValidationError(
                _(
                    "'%(name)s' is refused: it is packed so tightly that unpacking it could "
                    "overload the server. Save the document again and upload that copy."
                )
                % {"name": name}
            )


def read_entry_head(archive: zipfile.ZipFile, entry: str, limit: int = MAX_ENTRY_HEAD) -> bytes:
    """At most ``limit`` bytes of one entry: never the whole entry, whatever it claims to hold."""
    with archive.open(entry) as stream:
        return stream.read(limit)


def _office_kind(upload) -> FileKind | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            check_zip_archive(archive, upload.name)
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if (
                "mimetype" in names
                and read_entry_head(archive, "mimetype").strip() == ODT.content_type.encode()
            ):
                return ODT
    except ZIP_READ_ERRORS:
        return None
    finally:
        upload.seek(0)
    return None


def validate_upload(upload) -> FileKind:
    """Return the file's kind, or raise ValidationError with a message for the user."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "size": round(upload.size / 1024 / 1024, 1),
                "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
            }
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = detect_kind(head, upload)
    if kind is None:
        raise ValidationError(
            _("'%(name)s' is not a PDF, Word (DOCX), OpenDocument (ODT), PNG, JPEG or WebP file.")
            % {"name": upload.name}
        )
    name = upload.name.lower()
    if not name.endswith(kind.extensions):
        raise ValidationError(
            _("'%(name)s' contains a %(kind)s file but its name says otherwise.")
            % {"name": upload.name, "kind": kind.label}
        )
    return kind
