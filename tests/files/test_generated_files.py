"""PDFs are made in the background: a job, its page, the worker, the download, who may have it."""

import datetime
import io
import os

import pytest
import weasyprint
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from kennisschakel.files import jobs, making
from kennisschakel.files.models import GeneratedFile
from kennisschakel.monitor import services
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.models import Instrument, Wave
from kennisschakel.register.models import SizeScheme
from tests.background import run_queued_tasks
from tests.files.flow import ask_for_file, fetch_made_file

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
REFRESH = 'http-equiv="refresh"'


@pytest.fixture
def weasyprint_calls(monkeypatch):
    """Counts WeasyPrint's PDF writes in this process (a spy: the real method still runs);
    the layout stays in this process (no pool), so every write is counted."""
    monkeypatch.setenv("KENNISSCHAKEL_PDF_PROCESSES", "1")
    calls = []
    real = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    return calls


@pytest.fixture
def wave(db):
    if not Instrument.objects.filter(slug="gib").exists():
        load_instruments()
    wave = services.create_wave(
        {
            "slug": "gib-bestanden",
            "instrument": Instrument.objects.get(slug="gib"),
            "title": "Monitor bestanden",
            "period": str(TODAY.year),
            "reference_date": datetime.date(TODAY.year, 1, 1),
            "size_scheme": SizeScheme.objects.get(slug="gib2009"),
            "opens_on": TODAY - datetime.timedelta(days=30),
            "closes_on": TODAY - datetime.timedelta(days=1),  # closed by its dates
        }
    )
    for code in ("GM0153", "GM0988"):
        invitation = wave.invitations.get(cbs_code=code)
        invitation.answers = {"heeft_beleid": "ja", "nota_beleid": "nee"}
        invitation.submitted_at = timezone.now()
        invitation.save()
    return wave


def hold_code(client, wave, cbs_code):
    """A code holder: the session opened with this municipality's code."""
    session = client.session
    session[f"monitor:{wave.pk}"] = wave.invitations.get(cbs_code=cbs_code).pk
    session.save()


def test_the_request_only_queues_the_worker_makes_the_pdf(
    wave, client, weasyprint_calls, django_capture_on_commit_callbacks
):
    url = reverse("monitor:wave-report-pdf", args=[wave.slug])
    job_id = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    job = GeneratedFile.objects.get(pk=job_id)
    # Nothing was made in the request: queued, no file, WeasyPrint never called.
    assert job.status == "queued" and not job.file and weasyprint_calls == []
    assert DBTaskResult.objects.filter(queue_name="files", status="READY").count() == 1
    page = client.get(reverse("files:job", args=[job_id]))
    assert page.status_code == 200
    assert REFRESH in page.content.decode()  # refreshes itself, no JavaScript needed
    assert reverse("files:download", args=[job_id]) not in page.content.decode()
    # The download before it is made leads back to the job page.
    early = client.get(reverse("files:download", args=[job_id]))
    assert early.status_code == 302 and early.url == job.get_absolute_url()

    content = fetch_made_file(client, job_id)
    assert len(weasyprint_calls) == 1
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 2
    assert "Monitor bestanden" in reader.pages[0].extract_text()
    job.refresh_from_db()
    assert job.status == "done" and job.size == len(content)
    assert job.file.name.startswith("bestanden/") and job_id not in job.file.name
    done = client.get(reverse("files:job", args=[job_id])).content.decode()
    assert REFRESH not in done
    assert reverse("files:download", args=[job_id]) in done


def test_double_click_makes_one_job(wave, client, django_capture_on_commit_callbacks):
    url = reverse("monitor:wave-report-pdf", args=[wave.slug])
    first = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    second = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    assert first == second
    assert GeneratedFile.objects.count() == 1
    assert DBTaskResult.objects.filter(queue_name="files").count() == 1


def test_the_database_refuses_a_second_active_job(wave):
    values = {"kind": "monitor-report", "fingerprint": "x" * 64,
              "expires_at": timezone.now() + datetime.timedelta(hours=1)}  # fmt: skip
    GeneratedFile.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneratedFile.objects.create(**values)
    GeneratedFile.objects.update(status="done")
    GeneratedFile.objects.create(**values)  # a finished one does not count


def test_where_we_stand_file_only_for_the_one_who_asked(
    wave, client, weert_contributor, enschede_contributor, facilitator,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django.test import Client

    hold_code(client, wave, "GM0153")
    url = reverse("monitor:where-we-stand-pdf", args=[wave.slug])
    job_id = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    text = PdfReader(io.BytesIO(fetch_made_file(client, job_id))).pages[0].extract_text()
    assert "Enschede" in text
    page, download = reverse("files:job", args=[job_id]), reverse("files:download", args=[job_id])
    # Another municipality's code holder, and everyone else: as if there were no such file.
    weert_holder = Client()
    hold_code(weert_holder, wave, "GM0988")
    others = [weert_holder, Client()]
    for user in (weert_contributor, enschede_contributor, facilitator):
        other = Client()
        other.force_login(user)
        others.append(other)
    for other in others:
        assert other.get(page).status_code == 404
        assert other.get(download).status_code == 404


def test_letters_only_for_facilitators(
    wave, client, facilitator, make_user, enschede_contributor, django_capture_on_commit_callbacks
):
    from django.test import Client

    from kennisschakel.accounts.models import Role
    from kennisschakel.monitor.views.tokens import new_stamp

    # Letters go out while a wave is open; this one closed yesterday: reopen it by its dates.
    Wave.objects.filter(pk=wave.pk).update(closes_on=TODAY + datetime.timedelta(days=30))
    client.force_login(facilitator)
    # The letters go through their confirmation page (monitor/views/tokens.bulk_confirm).
    url = reverse("monitor:wave-bulk", args=[wave.slug, "letters"])
    job_id = ask_for_file(
        client, url, {"stamp": new_stamp()}, capture=django_capture_on_commit_callbacks
    )
    colleague = Client()
    colleague.force_login(make_user(Role.FACILITATOR, cbs_code="GM0363", email="f2@test.example"))
    assert colleague.get(reverse("files:job", args=[job_id])).status_code == 200
    contributor = Client()
    contributor.force_login(enschede_contributor)
    assert contributor.get(reverse("files:job", args=[job_id])).status_code == 404
    assert contributor.post(url, {"stamp": new_stamp()}).status_code == 403
    assert GeneratedFile.objects.count() == 1


def test_failure_is_explained_and_can_be_retried(
    wave, client, enschede_contributor, django_capture_on_commit_callbacks
):
    client.force_login(enschede_contributor)
    url = reverse("monitor:where-we-stand-pdf", args=[wave.slug])
    job_id = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    # Reopened meanwhile (a later closing date).
    Wave.objects.filter(pk=wave.pk).update(closes_on=TODAY + datetime.timedelta(days=5))
    run_queued_tasks(["files"])
    job = GeneratedFile.objects.get(pk=job_id)
    assert job.status == "failed" and not job.file
    assert "open" in job.error  # "not open (any more)" / "niet (meer) open"
    page = client.get(reverse("files:job", args=[job_id])).content.decode()
    assert job.error in page and REFRESH not in page
    assert reverse("files:retry", args=[job_id]) in page

    Wave.objects.filter(pk=wave.pk).update(closes_on=TODAY - datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("files:retry", args=[job_id]))
    assert again.status_code == 302 and job_id not in again.url
    new_id = again.url.rstrip("/").rsplit("/", 1)[-1]
    assert PdfReader(io.BytesIO(fetch_made_file(client, new_id))).pages


def test_council_note_pdf_for_an_anonymous_visitor_only(client, django_capture_on_commit_callbacks):
    from django.test import Client

    from kennisschakel.partnerships import services as partnerships

    enschede = partnerships.parse_party("GM0153")
    partnership = partnerships.create_partnership(
        {"name": "Bestandenproef", "kind": "stedenband"},
        [enschede, partnerships.parse_party("GM0988")],
    )
    params = {"organisation": enschede.organisation.pk, "start": "2025-01-01",
              "end": "2025-12-31", "hourly_rate": "80"}  # fmt: skip
    page = client.get(reverse("partnerships:council-note", args=[partnership.slug]), params)
    assert (
        reverse("partnerships:council-note-pdf", args=[partnership.slug]) in page.content.decode()
    )
    url = reverse("partnerships:council-note-pdf", args=[partnership.slug])
    assert client.post(url, {**params, "hourly_rate": "-1"}).status_code == 400
    job_id = ask_for_file(client, url, params, django_capture_on_commit_callbacks)
    assert fetch_made_file(client, job_id).startswith(b"%PDF")
    stranger = Client()
    assert stranger.get(reverse("files:download", args=[job_id])).status_code == 404


def test_expired_files_are_deleted(wave, client, django_capture_on_commit_callbacks):
    url = reverse("monitor:wave-report-pdf", args=[wave.slug])
    job_id = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    fetch_made_file(client, job_id, keep=True)
    job = GeneratedFile.objects.get(pk=job_id)
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert making.purge_expired() == 0  # not expired yet
    GeneratedFile.objects.filter(pk=job_id).update(expires_at=timezone.now())
    assert making.purge_expired() == 1
    assert not storage.exists(name) and not GeneratedFile.objects.filter(pk=job_id).exists()
    assert not os.path.exists(os.path.dirname(storage.path(name)))  # its directory too


def test_api_asks_with_202_and_a_job_resource(wave, make_user, django_capture_on_commit_callbacks):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from kennisschakel.accounts.models import Role

    reader = make_user(Role.READER, cbs_code="GM0153", email="lezer@test.example")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=reader).key}")
    url = f"/api/v1/waves/{wave.slug}/report-pdf"
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url)
    assert response.status_code == 202
    location = response["Location"]
    assert location == f"/api/v1/file-jobs/{response.json()['id']}"
    assert api.post(url).json()["id"] == response.json()["id"]  # asked again: same job
    job = api.get(location).json()
    assert job["status"] == "queued" and job["download"] is None
    not_yet = api.get(f"{location}/content")
    assert not_yet.status_code == 404 and not_yet["Content-Type"] == "application/problem+json"
    run_queued_tasks(["files"])
    job = api.get(location).json()
    assert job["status"] == "done" and job["download"].endswith(f"{location}/content")
    content = api.get(f"{location}/content")
    assert content.status_code == 200 and content["Content-Type"] == "application/pdf"
    assert b"".join(content.streaming_content).startswith(b"%PDF")
    made = GeneratedFile.objects.get(pk=job["id"]).file
    making.delete_stored(made.storage, made.name)
    # Before the wave closes, a reader may neither ask nor see.
    Wave.objects.filter(pk=wave.pk).update(closes_on=TODAY + datetime.timedelta(days=5))
    assert api.post(url).status_code == 403
    assert api.get(location).status_code == 404
    assert APIClient().post(url).status_code in (401, 403)


@pytest.mark.parametrize(
    "job_id",
    ["0" * 36, "------------------------------------", "0123456789abcdef0123456789abcdef----"],
)
def test_api_a_job_id_that_is_no_uuid_is_404_not_500(client, job_id):
    # The route admits 36 hex digits and dashes (found by schemathesis: 36 zeros was a 500).
    for path in (f"/api/v1/file-jobs/{job_id}", f"/api/v1/file-jobs/{job_id}/content"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"


def test_a_job_that_lost_its_task_is_queued_again(wave, client, django_capture_on_commit_callbacks):
    url = reverse("monitor:wave-report-pdf", args=[wave.slug])
    job_id = ask_for_file(client, url, capture=django_capture_on_commit_callbacks)
    DBTaskResult.objects.all().delete()  # the task is gone
    assert ask_for_file(client, url, capture=django_capture_on_commit_callbacks) == job_id
    assert not DBTaskResult.objects.exists()  # a fresh job may still be on its way
    GeneratedFile.objects.filter(pk=job_id).update(
        created_at=timezone.now() - jobs.LOST_AFTER - datetime.timedelta(seconds=1)
    )
    assert ask_for_file(client, url, capture=django_capture_on_commit_callbacks) == job_id
    assert DBTaskResult.objects.filter(args_kwargs__args__0=job_id).count() == 1
    assert ask_for_file(client, url, capture=django_capture_on_commit_callbacks) == job_id
    assert DBTaskResult.objects.count() == 1  # its task waits: not queued twice
