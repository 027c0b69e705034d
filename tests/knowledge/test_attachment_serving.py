"""Attachments are handed out by a view that checks who may see them, at unguessable paths."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kennisschakel.knowledge.models import Attachment
from kennisschakel.knowledge.services import add_attachment
from kennisschakel.knowledge.uploads import PDF

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.7\n% evaluatie van de aanpak\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KENNISSCHAKEL_FILE_SERVING = "django"
    return tmp_path


def attach(practice, user, name="Evaluatie 2024.pdf"):
    return add_attachment(practice, SimpleUploadedFile(name, PDF_BYTES), PDF, user)


def download_url(attachment):
    return reverse("knowledge:attachment-download", args=[attachment.practice.slug, attachment.pk])


def test_anyone_downloads_a_published_practices_file(client, make_practice, enschede_contributor):
    attachment = attach(make_practice("GM0153", status="published"), enschede_contributor)
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Evaluatie 2024.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_drafts_file_is_only_for_its_owners(
    client, make_practice, enschede_contributor, weert_contributor, facilitator
):
    attachment = attach(make_practice("GM0153", status="draft"), enschede_contributor)
    url = download_url(attachment)
    assert client.get(url).status_code == 404
    client.force_login(weert_contributor)
    assert client.get(url).status_code == 404
    for user in (enschede_contributor, facilitator):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert "no-store" in response["Cache-Control"]


def test_another_practices_attachment_id_is_not_found(client, make_practice, enschede_contributor):
    draft = attach(make_practice("GM0153", title="Geheim concept", status="draft"), None)
    public = make_practice("GM0153", title="Openbare praktijk", status="published")
    url = reverse("knowledge:attachment-download", args=[public.slug, draft.pk])
    assert client.get(url).status_code == 404


def test_stored_names_are_unguessable_and_the_page_links_to_the_view(
    client, make_practice, enschede_contributor
):
    practice = make_practice("GM0153", status="published")
    first, second = attach(practice, None), attach(practice, None)
    pattern = rf"practices/{practice.pk}/[A-Za-z0-9_-]{{22}}/Evaluatie_2024\.pdf"
    assert re.fullmatch(pattern, first.file.name), first.file.name
    assert first.file.name.split("/")[2] != second.file.name.split("/")[2]
    body = client.get(practice.get_absolute_url()).content.decode()
    assert f'href="{download_url(first)}"' in body
    assert "/media/" not in body


def test_files_stored_under_the_old_predictable_path_are_still_served(
    client, make_practice, media_root
):
    practice = make_practice("GM0153", status="published")
    attachment = Attachment(
        practice=practice, original_name="oud.pdf", content_type="application/pdf", size=5
    )
    attachment.file.save("oud.pdf", ContentFile(PDF_BYTES), save=False)
    old_name = f"practices/{practice.pk}/oud.pdf"
    (media_root / old_name).parent.mkdir(parents=True, exist_ok=True)
    (media_root / attachment.file.name).rename(media_root / old_name)
    attachment.file.name = old_name
    attachment.save()
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_nginx_sends_the_file_when_x_accel_redirect_is_on(client, make_practice, settings):
    settings.KENNISSCHAKEL_FILE_SERVING = "x-accel-redirect"
    settings.KENNISSCHAKEL_FILE_SERVING_PREFIX = "/protected-media/"
    attachment = attach(make_practice("GM0153", status="published"), None)
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_x_sendfile_mode_names_the_path(client, make_practice, settings, weert_contributor):
    settings.KENNISSCHAKEL_FILE_SERVING = "x-sendfile"
    attachment = attach(make_practice("GM0153", status="draft"), None)
    assert client.get(download_url(attachment)).status_code == 404  # checked before handing off
    client.force_login(weert_contributor)
    assert client.get(download_url(attachment)).status_code == 404
    attachment.practice.status = "published"
    attachment.practice.save()
    response = client.get(download_url(attachment))
    assert response["X-Sendfile"] == attachment.file.path


def test_the_admin_links_attachments_to_the_checking_view(
    client, make_practice, enschede_contributor, facilitator
):
    attachment = attach(make_practice("GM0153", status="draft"), enschede_contributor)
    facilitator.is_staff = facilitator.is_superuser = True
    facilitator.save()
    client.force_login(facilitator)
    page = client.get(reverse("admin:knowledge_practice_change", args=[attachment.practice.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="{download_url(attachment)}"' in html
    assert "/media/" not in html
