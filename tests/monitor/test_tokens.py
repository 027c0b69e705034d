"""Issue 14: the wave's codes per municipality -- list, filter, export, row and
selection actions, contact addresses, who may see it."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from kennisschakel.monitor import bulk, services
from kennisschakel.monitor.models import AccessCode, ContactAddress, Invitation
from kennisschakel.monitor.views.tokens import new_stamp
from tests.background import run_queued_tasks
from tests.monitor.test_answering import make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    return make_wave("gib-codes")


def inv(wave, cbs_code) -> Invitation:
    return wave.invitations.get(cbs_code=cbs_code)


def list_url(wave, **query):
    url = reverse("monitor:wave-tokens", args=[wave.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def action(client, wave, ids, what, stamp=None, **extra):
    data = {"invitation": [str(i) for i in ids], "action": what, "stamp": stamp or new_stamp()}
    data.update(extra)
    return client.post(reverse("monitor:wave-token-action", args=[wave.slug]), data)


def some_states(wave):
    """Enschede submitted, Weert started, Zwolle had a letter, Almelo's email bounced."""
    now = timezone.now()
    Invitation.objects.filter(pk=inv(wave, "GM0153").pk).update(
        started_at=now, submitted_at=now, letter_sent_at=now
    )
    Invitation.objects.filter(pk=inv(wave, "GM0988").pk).update(started_at=now, saved_at=now)
    Invitation.objects.filter(pk=inv(wave, "GM0193").pk).update(letter_sent_at=now)
    ContactAddress.objects.create(
        invitation=inv(wave, "GM0141"), email="griffie@almelo.test", bounced_at=now
    )


def test_statuses_from_the_rows(wave):
    some_states(wave)
    counts = bulk.status_counts(wave)
    assert counts == {"not_invited": 338, "invited": 1, "bounced": 1, "started": 1,
                      "submitted": 1}  # fmt: skip
    rows = {row.cbs_code: row for row in bulk.decorate(bulk.token_rows(wave, "bounced"))}
    assert list(rows) == ["GM0141"]
    assert rows["GM0141"].addresses[0].bounced_at is not None
    assert rows["GM0141"].last_activity == rows["GM0141"].addresses[0].bounced_at


def test_list_filters_and_its_queries_do_not_grow_with_the_rows(wave, client, facilitator):
    some_states(wave)
    for number, invitation in enumerate(wave.invitations.order_by("name")[:60]):
        ContactAddress.objects.create(invitation=invitation, email=f"a{number}@gemeente.test")
        services.issue_code(invitation)
    client.force_login(facilitator)
    client.get(list_url(wave))  # warm the session, the user and the caches
    with CaptureQueriesContext(connection) as full:
        page = client.get(list_url(wave))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('name="invitation"') == 100  # the first page of 342
    with CaptureQueriesContext(connection) as filtered:
        small = client.get(list_url(wave, status="started"))
    text = small.content.decode()
    assert small.status_code == 200
    assert "Weert" in text and "Enschede" not in text
    print(f"\ntoken list: {len(full)} queries for 100 rows, {len(filtered)} for 1")
    assert len(full) == len(filtered) <= 16  # session, user, menu + 4 of the list
    bounced = client.get(list_url(wave, status="bounced")).content.decode()
    assert "griffie@almelo.test" in bounced and "gebounced" in bounced.lower()


def test_export_has_every_row_and_no_codes(wave, client, facilitator):
    some_states(wave)
    invitation = inv(wave, "GM0193")
    Invitation.objects.filter(pk=invitation.pk).update(name="=HYPERLINK(1)")
    code = services.issue_code(invitation)
    client.force_login(facilitator)
    response = client.get(reverse("monitor:wave-tokens-export", args=[wave.slug, "csv"]))
    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 343 and rows[0][0] == "CBS-code"
    assert code not in text and normalised(code) not in text
    zwolle = next(row for row in rows if row[0] == "GM0193")
    assert zwolle[1] == "'=HYPERLINK(1)" and zwolle[11] == "1"  # escaped; one valid code
    xlsx = client.get(reverse("monitor:wave-tokens-export", args=[wave.slug, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 343
    only = client.get(
        reverse("monitor:wave-tokens-export", args=[wave.slug, "csv"]) + "?status=bounced"
    )
    assert len(list(csv.reader(io.StringIO(only.content.decode())))) == 2
    assert (
        client.get(reverse("monitor:wave-tokens-export", args=[wave.slug, "pdf"])).status_code
        == 404
    )


def normalised(code):
    return services.normalise_code(code)


def test_add_contact_address_keeps_what_was_typed(wave, client, facilitator):
    client.force_login(facilitator)
    url = reverse("monitor:wave-token", args=[wave.slug, "GM0153"])
    bad = client.post(url, {"email": "bestuur at enschede"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert 'value="bestuur at enschede"' in html and "geen geldig e-mailadres" in html
    assert not ContactAddress.objects.exists()
    assert client.post(url, {"email": ""}).status_code == 400
    good = client.post(url, {"email": " Bestuur@Enschede.TEST "})
    assert good.status_code == 302
    address = ContactAddress.objects.get()
    assert address.email == "bestuur@enschede.test" and address.added_by == facilitator
    assert inv(wave, "GM0153").email == "bestuur@enschede.test"
    # A bounced address added again: the facilitator says it works now.
    ContactAddress.objects.update(bounced_at=timezone.now(), bounce_reason="550")
    assert client.post(url, {"email": "bestuur@enschede.test"}).status_code == 302
    assert ContactAddress.objects.get().bounced_at is None
    page = client.get(url).content.decode()
    assert "bestuur@enschede.test" in page


def test_reprint_a_selection_replaces_only_their_letter_codes(
    wave, client, facilitator, django_capture_on_commit_callbacks
):
    enschede, weert, zwolle = inv(wave, "GM0153"), inv(wave, "GM0988"), inv(wave, "GM0193")
    old = {i.cbs_code: services.issue_code(i) for i in (enschede, weert, zwolle)}
    reminder = services.issue_code(enschede, AccessCode.Kind.REMINDER, "a@enschede.test")
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client, wave, [enschede.pk, weert.pk], "reprint")
    assert response.status_code == 302 and response.url.startswith("/bestanden/")
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks(["files"])
    page = client.get(reverse("files:job", args=[job_id])).content.decode()
    assert "2 brieven, 2 eerdere codes ongeldig gemaakt." in page, page
    pdf = client.get(reverse("files:download", args=[job_id]))
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    assert len(reader.pages) == 2
    new_codes = [
        line.strip()
        for page in reader.pages
        for line in page.extract_text().splitlines()
        if re.fullmatch(r"[A-Z2-7]{5}(-[A-Z2-7]{1,5}){5}", line.strip())
    ]
    assert len(new_codes) == 2
    opened = {services.check_code(wave, code, "10.1.0.1").cbs_code for code in new_codes}
    assert opened == {"GM0153", "GM0988"}
    for cbs in ("GM0153", "GM0988"):
        with pytest.raises(services.CodeRejected):
            services.check_code(wave, old[cbs], "10.1.0.2")
    # Zwolle was not ticked; Enschede's reminder code is not a letter code.
    assert services.check_code(wave, old["GM0193"], "10.1.0.3").cbs_code == "GM0193"
    assert services.check_code(wave, reminder, "10.1.0.4").cbs_code == "GM0153"
    assert inv(wave, "GM0153").letter_sent_at is not None
    _delete_file(job_id)


def _delete_file(job_id):
    from kennisschakel.files.making import delete_stored
    from kennisschakel.files.models import GeneratedFile

    job = GeneratedFile.objects.get(pk=job_id)
    if job.file:
        delete_stored(job.file.storage, job.file.name)


def test_new_code_revokes_every_code_of_that_municipality_and_emails_it(
    wave, client, facilitator, smtp_server, django_capture_on_commit_callbacks
):
    enschede, weert = inv(wave, "GM0153"), inv(wave, "GM0988")
    bulk.add_contact_address(enschede, "bestuur@enschede.test")
    codes = [
        services.issue_code(enschede),
        services.issue_code(enschede, AccessCode.Kind.DELEGATION, "collega@enschede.test"),
    ]
    other = services.issue_code(weert)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitor:wave-token-action", args=[wave.slug]),
            {"action": f"row:new_code:{enschede.pk}", "stamp": new_stamp()},
        )
    job_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks(["files"])
    for code in codes:
        with pytest.raises(services.CodeRejected):
            services.check_code(wave, code, "10.2.0.1")
    assert services.check_code(wave, other, "10.2.0.2").cbs_code == "GM0988"
    mail = smtp_server.messages[-1]
    assert mail["to"] == ["bestuur@enschede.test"]
    emailed = re.search(r"Toegangscode:\s+(\S+)", mail["message"].get_content()).group(1)
    assert services.check_code(wave, emailed, "10.2.0.3").cbs_code == "GM0153"
    assert AccessCode.objects.filter(invitation=enschede, revoked_at__isnull=True).count() == 1
    page = client.get(reverse("files:job", args=[job_id])).content.decode()
    assert "1 brief" in page and "1 e-mail verstuurd" in page
    _delete_file(job_id)


def test_invalidate_and_resend(wave, client, facilitator, smtp_server,
                               django_capture_on_commit_callbacks):  # fmt: skip
    enschede, weert, zwolle = inv(wave, "GM0153"), inv(wave, "GM0988"), inv(wave, "GM0193")
    code = services.issue_code(enschede)
    bulk.add_contact_address(enschede, "bestuur@enschede.test")
    bulk.add_contact_address(enschede, "griffie@enschede.test")
    bulk.add_contact_address(zwolle, "info@zwolle.test")
    Invitation.objects.filter(pk=zwolle.pk).update(submitted_at=timezone.now())
    client.force_login(facilitator)
    response = action(client, wave, [enschede.pk], "invalidate")
    assert response.status_code == 302
    with pytest.raises(services.CodeRejected):
        services.check_code(wave, code, "10.3.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        response = action(client, wave, [enschede.pk, weert.pk, zwolle.pk], "resend")
    assert response.status_code == 302
    shown = client.get(response.url).content.decode()
    assert "2 e-mails verstuurd, 1 gemeente zonder e-mailadres" in shown
    assert "1 heeft al ingediend" in shown
    to = sorted(message["to"][0] for message in smtp_server.messages)
    assert to == ["bestuur@enschede.test", "griffie@enschede.test"]
    assert inv(wave, "GM0153").emailed_at is not None
    assert bulk.status_counts(wave)["invited"] == 1


def test_bad_selections_write_nothing_and_keep_the_ticks(wave, client, facilitator):
    client.force_login(facilitator)
    enschede = inv(wave, "GM0153")
    services.issue_code(enschede)
    for ids, what, stamp in [
        ([], "invalidate", None),
        ([enschede.pk], "explode", None),
        ([enschede.pk], "invalidate", "forged"),
        (["abc"], "invalidate", None),
        ([99999999], "invalidate", None),
    ]:
        response = action(client, wave, ids, what, stamp=stamp)
        assert response.status_code == 400, (ids, what, stamp)
    assert not AccessCode.objects.filter(revoked_at__isnull=False).exists()
    kept = action(client, wave, [enschede.pk], "explode").content.decode()
    assert f'value="{enschede.pk}" id="tick-{enschede.pk}" checked' in kept


def test_a_page_opened_before_someone_elses_change_is_skipped(wave, client, facilitator):
    enschede = inv(wave, "GM0153")
    stale = new_stamp()
    Invitation.objects.filter(pk=enschede.pk).update(
        codes_changed_at=timezone.now() + datetime.timedelta(seconds=1), codes_changed_by="other"
    )
    code = services.issue_code(enschede)
    client.force_login(facilitator)
    response = action(client, wave, [enschede.pk], "invalidate", stamp=stale)
    shown = client.get(response.url).content.decode()
    assert "Overgeslagen" in shown and "Enschede" in shown
    assert services.check_code(wave, code, "10.4.0.1").cbs_code == "GM0153"


ROUTES = [
    ("GET", "monitor:wave-tokens", []),
    ("GET", "monitor:wave-token", ["GM0153"]),
    ("POST", "monitor:wave-token", ["GM0153"]),
    ("POST", "monitor:wave-token-action", []),
    ("GET", "monitor:wave-tokens-export", ["csv"]),
    ("GET", "monitor:wave-bulk", ["letters"]),
    ("POST", "monitor:wave-bulk", ["close"]),
]


@pytest.mark.parametrize("method,name,args", ROUTES)
def test_only_facilitators(wave, client, enschede_contributor, method, name, args):
    """A municipality's own people, a secretary with a code and anonymous visitors are
    refused, and nothing is written."""
    enschede = inv(wave, "GM0153")
    code = services.issue_code(enschede)
    url = reverse(name, args=[wave.slug, *args])
    data = {"email": "x@enschede.test", "invitation": [enschede.pk], "action": "invalidate",
            "stamp": new_stamp(), "confirm_close": "1"}  # fmt: skip
    send = client.get if method == "GET" else client.post
    # Anonymous: to the login page.
    response = send(url, data) if method == "POST" else send(url)
    login = reverse("accounts:login")
    assert response.status_code == 302 and response.url.startswith(login)
    # A secretary holding the code (a session opened with it, no account).
    opened = client.post(reverse("monitor:answer-start", args=[wave.slug]), {"code": code})
    assert opened.status_code == 302
    response = send(url, data) if method == "POST" else send(url)
    assert response.status_code == 302 and response.url.startswith(login)
    # Enschede's own contributor.
    client.force_login(enschede_contributor)
    response = send(url, data) if method == "POST" else send(url)
    assert response.status_code == 403
    assert not ContactAddress.objects.exists()
    assert not AccessCode.objects.filter(revoked_at__isnull=False).exists()
    wave.refresh_from_db()
    assert wave.status == "open"
