"""Check an uploaded file by its content, not by its name.

A file called ``report.pdf`` must start like a PDF; a ``.docx`` must be a ZIP
holding a Word document, and so on. Anything else is refused, so a program
renamed to .pdf never reaches other users.
"""

import zipfile
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


def _office_kind(upload) -> FileKind | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if (
                "mimetype" in names
                and archive.read("mimetype").strip() == ODT.content_type.encode()
            ):
                return ODT
    except (zipfile.BadZipFile, KeyError, OSError):
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
