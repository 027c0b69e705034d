"""Stored Markdown renders harmless; uploads are checked by content, not by name."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kennisschakel.knowledge.models import Attachment
from kennisschakel.knowledge.rendering import render_markdown
from kennisschakel.knowledge.uploads import MAX_UPLOAD_BYTES, validate_upload

EVIL = """# Kop

<script>alert('x')</script>
[klik](javascript:alert(1)) en [data](data:text/html;base64,PHNjcmlwdD4=)
<img src=x onerror="alert(1)"> <a href="https://vng.nl" onclick="steal()">VNG</a>
<iframe src="https://evil.example"></iframe>
"""


def test_markdown_is_sanitised():
    html = render_markdown(EVIL)
    lowered = html.lower()
    for dangerous in ["<script", "javascript:", "onerror", "onclick", "<iframe", "data:text"]:
        assert dangerous not in lowered, dangerous
    assert '<a href="https://vng.nl"' in html
    assert "noopener" in html


def test_markdown_keeps_structure():
    html = render_markdown("## Aanpak\n\n- een\n- twee\n\n**vet**")
    # Headings in the text sit below the page's own h1/h2.
    assert "<h3>Aanpak</h3>" in html and "<li>een</li>" in html and "<strong>vet</strong>" in html


def test_plain_text_drops_markup():
    from kennisschakel.knowledge.rendering import plain_text

    assert plain_text("## Kop\n\n**vet** & <b>x</b>") == "Kop vet & x"


def upload(name, content):
    return SimpleUploadedFile(name, content)


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("evaluatie.pdf", b"%PDF-1.7\n...", "PDF"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "PNG"),
        ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\0" * 20, "JPEG"),
        ("verslag.docx", docx_bytes(), "Word (DOCX)"),
        ("verslag.odt", odt_bytes(), "OpenDocument (ODT)"),
    ],
)
def test_accepted_files(name, content, kind):
    assert validate_upload(upload(name, content)).label == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evaluatie.pdf", b"MZ\x90\x00\x03" + b"\0" * 100),  # a Windows program
        ("evaluatie.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("verslag.docx", b"PK\x03\x04 not really a zip"),
        ("plaatje.png", b"%PDF-1.4 a pdf with an image name"),
        ("archief.zip", docx_bytes()[:0] + b"PK\x05\x06" + b"\0" * 18),
    ],
)
def test_rejected_files(name, content):
    with pytest.raises(ValidationError):
        validate_upload(upload(name, content))


def test_too_large_file_is_rejected():
    big = upload("groot.pdf", b"%PDF-" + b"0" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValidationError, match="MB"):
        validate_upload(big)


@pytest.mark.django_db
def test_site_refuses_executable_named_pdf(
    client, enschede_contributor, make_practice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    practice = make_practice()
    client.force_login(enschede_contributor)
    url = reverse("knowledge:attachment-upload", args=[practice.slug])
    response = client.post(url, {"file": upload("rapport.pdf", b"MZ\x90\x00" + b"\0" * 64)})
    assert response.status_code == 400
    assert "is geen PDF" in response.content.decode()
    assert not Attachment.objects.filter(practice=practice).exists()
    good = client.post(url, {"file": upload("rapport.pdf", b"%PDF-1.4 echte inhoud")})
    assert good.status_code == 302
    attachment = Attachment.objects.get(practice=practice)
    assert attachment.content_type == "application/pdf"
    assert practice.revisions.filter(changes__has_key="attachments").exists()
