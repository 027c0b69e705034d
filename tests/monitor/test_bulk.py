"""Issue 14: bulk actions with a confirmation that counts, run in the background with an
outcome; bounces recorded from a real SMTP refusal; one valid letter code when two
facilitators press "new code" at once (real threads, SQLite and PostgreSQL)."""

import datetime
import io

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from kennisschakel.core.background.models import OutgoingEmail
from kennisschakel.files.models import GeneratedFile
from kennisschakel.monitor import bulk, services
from kennisschakel.monitor.models import AccessCode, ContactAddress, Invitation, Wave
from kennisschakel.monitor.views.tokens import new_stamp
from tests.background import run_queued_tasks
from tests.concurrency import errors, run_in_threads
from tests.conftest import _free_port
from tests.monitor.test_answering import TODAY, make_wave

KEEP = ["GM0153", "GM0988", "GM0193", "GM0141", "GM0363"]  # Enschede, Weert, Zwolle, Almelo, A'dam


def small_wave(slug="gib-bulk", **overrides):
    """Five municipalities: the PDF stays quick; the counting is the same."""
    wave = make_wave(slug, **overrides)
    wave.invitations.exclude(cbs_code__in=KEEP).delete()
    return wave


def inv(wave, cbs_code) -> Invitation:
    return wave.invitations.get(cbs_code=cbs_code)


def confirm_url(wave, action, replace=False):
    return reverse("monitor:wave-bulk", args=[wave.slug, action]) + (
        "?replace=1" if replace else ""
    )


def job_of(response) -> str:
    assert response.status_code == 302, response.status_code
    assert response.url.startswith("/bestanden/"), response.url
    return response.url.rstrip("/").rsplit("/", 1)[-1]


def run_job(client, job_id, capture) -> tuple[GeneratedFile, str]:
    with capture(execute=True):
        run_queued_tasks(["files"])
    job = GeneratedFile.objects.get(pk=job_id)
    return job, client.get(reverse("files:job", args=[job_id])).content.decode()


def remove_file(job):
    from kennisschakel.files.making import delete_stored

    if job.file:
        delete_stored(job.file.storage, job.file.name)


@pytest.mark.django_db
def test_the_confirmation_counts_the_national_wave(client, facilitator):
    wave = make_wave("gib-landelijk")
    for invitation in wave.invitations.order_by("name")[:120]:
        ContactAddress.objects.create(invitation=invitation, email=f"{invitation.cbs_code}@g.test")
    client.force_login(facilitator)
    page = client.get(confirm_url(wave, "letters"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "342 brieven met een nieuwe code" in html
    assert "Er wordt geen eerdere code ongeldig" in html
    assert "120 gemeenten krijgen de code ook per e-mail" in html
    assert "222 hebben geen e-mailadres" in html
    # After a first batch every municipality has a letter code: "missing" prints none,
    # "replace" says that 342 codes stop working and needs a tick.
    bulk.issue_letters(wave, wave.invitations.values_list("pk", flat=True),
                       timezone.now(), "first")  # fmt: skip
    found = bulk.plan(wave, bulk.LETTERS)
    assert found.letters == 0 and not found.possible
    replace = bulk.plan(wave, bulk.LETTERS, replace=True)
    assert (replace.letters, replace.invalidated, replace.possible) == (342, 342, True)
    html = client.get(confirm_url(wave, "letters", replace=True)).content.decode()
    assert "De codes uit 342 eerdere brieven worden ongeldig" in html
    refused = client.post(confirm_url(wave, "letters"), {"replace": "1", "stamp": new_stamp()})
    assert refused.status_code == 400
    assert "Vink aan dat de codes uit de eerdere brieven" in refused.content.decode()
    assert not GeneratedFile.objects.exists()
    assert bulk.plan(wave, bulk.EMAILS).with_address == 120


@pytest.mark.django_db
def test_in_preparation_letters_may_be_printed_but_not_all_replaced(facilitator):
    wave = small_wave(
        opens_on=TODAY + datetime.timedelta(days=5), closes_on=TODAY + datetime.timedelta(days=30)
    )
    assert wave.status == Wave.Status.DRAFT
    assert bulk.plan(wave, bulk.LETTERS).letters == 5
    bulk.issue_letters(wave, wave.invitations.values_list("pk", flat=True), timezone.now(), "f")
    replace = bulk.plan(wave, bulk.LETTERS, replace=True)
    assert not replace.possible and "voorbereiding" in replace.refusal
    assert not bulk.plan(wave, bulk.REMINDERS).possible


@pytest.mark.django_db
def test_all_letters_after_confirming(
    client, facilitator, smtp_server, django_capture_on_commit_callbacks
):
    wave = small_wave()
    bulk.add_contact_address(inv(wave, "GM0153"), "bestuur@enschede.test")
    bulk.add_contact_address(inv(wave, "GM0988"), "griffie@weert.test")
    Invitation.objects.filter(pk=inv(wave, "GM0363").pk).update(submitted_at=timezone.now())
    client.force_login(facilitator)
    html = client.get(confirm_url(wave, "letters")).content.decode()
    assert "4 brieven met een nieuwe code" in html and "1 gemeente heeft ingediend" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(wave, "letters"), {"stamp": new_stamp()})
    job, page = run_job(client, job_of(response), django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    assert "4 brieven, 2 e-mails verstuurd, 2 gemeenten zonder e-mailadres." in page
    content = b"".join(client.get(reverse("files:download", args=[job.pk])).streaming_content)
    assert len(PdfReader(io.BytesIO(content)).pages) == 4
    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "bestuur@enschede.test", "griffie@weert.test"]  # fmt: skip
    assert AccessCode.objects.filter(invitation__wave=wave, revoked_at__isnull=True).count() == 4
    remove_file(job)


@pytest.mark.django_db
def test_emails_reminders_and_closing(
    client, facilitator, smtp_server, django_capture_on_commit_callbacks
):
    wave = small_wave()
    bulk.add_contact_address(inv(wave, "GM0153"), "bestuur@enschede.test")
    Invitation.objects.filter(pk=inv(wave, "GM0988").pk).update(started_at=timezone.now())
    client.force_login(facilitator)
    for action, stamp_field, template_word in [
        ("emails", "emailed_at", "toegangscode"),
        ("reminders", "reminded_at", "Herinnering"),
    ]:
        html = client.get(confirm_url(wave, action)).content.decode()
        assert "1 gemeente krijgt een e-mail met een nieuwe code" in html
        assert "4 hebben geen e-mailadres" in html
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(confirm_url(wave, action), {"stamp": new_stamp()})
        job, page = run_job(client, job_of(response), django_capture_on_commit_callbacks)
        assert "1 e-mail verstuurd, 4 gemeenten zonder e-mailadres." in page, page
        assert getattr(inv(wave, "GM0153"), stamp_field) is not None
        assert template_word in smtp_server.messages[-1]["message"]["Subject"]
        report = job.file.read().decode("utf-8-sig")
        assert "GM0153" in report and "bestuur@enschede.test" in report
        remove_file(job)
    assert len(smtp_server.messages) == 2
    # Closing: the consequences, a tick, then the outcome.
    html = client.get(confirm_url(wave, "close")).content.decode()
    assert "1 gemeente is begonnen maar heeft niet ingediend" in html
    unticked = client.post(confirm_url(wave, "close"), {"stamp": new_stamp()})
    assert unticked.status_code == 400
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            confirm_url(wave, "close"), {"stamp": new_stamp(), "confirm_close": "1"}
        )
    job, page = run_job(client, job_of(response), django_capture_on_commit_callbacks)
    assert "De meting is gesloten: 0 van 5 gemeenten hebben ingediend." in page, page
    assert Wave.objects.get(pk=wave.pk).status == Wave.Status.CLOSED
    remove_file(job)
    closed = client.get(confirm_url(wave, "letters")).content.decode()
    assert "De meting is gesloten" in closed and 'type="submit"' not in closed.split("<main")[-1]


class _Refusing:
    """An SMTP server that refuses every recipient at weigert.test for good (550)."""

    def __init__(self):
        self.delivered = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.endswith("@weigert.test"):
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.delivered.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def refusing_smtp(settings):
    handler = _Refusing()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    try:
        yield handler
    finally:
        controller.stop()


@pytest.mark.django_db
def test_a_refused_address_is_recorded_as_bounced(
    client, facilitator, refusing_smtp, django_capture_on_commit_callbacks
):
    wave = small_wave()
    enschede, weert = inv(wave, "GM0153"), inv(wave, "GM0988")
    bulk.add_contact_address(enschede, "Onbekend@Weigert.test")
    bulk.add_contact_address(weert, "griffie@weert.test")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = bulk.resend_emails(wave, [enschede.pk, weert.pk])
    assert outcome.emails == 2
    run_queued_tasks(["email"])
    assert refusing_smtp.delivered == [["griffie@weert.test"]]
    failed = OutgoingEmail.objects.get(status="failed")
    assert failed.attempts == 1 and "550" in failed.last_error  # no retries for a 550
    address = ContactAddress.objects.get(invitation=enschede)
    assert address.bounced_at is not None and "550" in address.bounce_reason
    assert bulk.status_counts(wave)["bounced"] == 1
    client.force_login(facilitator)
    page = client.get(
        reverse("monitor:wave-tokens", args=[wave.slug]) + "?status=bounced"
    ).content.decode()
    assert "onbekend@weigert.test" in page and "gebounced" in page and "Weert" not in page
    # A bounced address gets no more emails; adding it again clears the bounce.
    assert bulk.resend_emails(wave, [enschede.pk]).without_address == [enschede]
    bulk.add_contact_address(enschede, "onbekend@weigert.test")
    assert bulk.status_counts(wave)["bounced"] == 0


@pytest.fixture
def committed_wave(committed_db):
    return small_wave("gib-tegelijk")


def test_two_facilitators_pressing_new_code_at_once_leave_one_valid_letter_code(committed_wave):
    """Real threads, committed transactions: four facilitators, each from their own page
    opened before anyone pressed, ask for a new code for Enschede at once. One of them
    gets the letter; the others are told it was changed meanwhile. Exactly one valid
    letter code remains, and it is the one that was printed."""
    wave = committed_wave
    enschede = inv(wave, "GM0153")
    old = services.issue_code(enschede)
    seen = timezone.now()

    def press(form_id):
        return bulk.issue_letters(
            Wave.objects.get(pk=wave.pk), [enschede.pk], seen, form_id, revoke_all=True
        )

    outcomes = run_in_threads(press, [(f"facilitator-{n}",) for n in range(4)])
    assert errors(outcomes) == []
    printed = [code for o in outcomes for _invitation, code in o.value.letters]
    skipped = [o for o in outcomes if o.value.skipped]
    print(f"\nnew code ×4 at once: {len(printed)} printed, {len(skipped)} skipped")
    assert len(printed) == 1 and len(skipped) == 3
    live = AccessCode.objects.filter(invitation=enschede, revoked_at__isnull=True)
    assert live.count() == 1 and live.get().digest == services.code_digest(printed[0])
    with pytest.raises(services.CodeRejected):
        services.check_code(wave, old, "10.9.0.1")
    # The same form again (a retried job) may redo its own change; a page opened before
    # it may not.
    winner = next(o.value for o in outcomes if o.value.letters)
    form = Invitation.objects.get(pk=enschede.pk).codes_changed_by
    assert bulk.issue_letters(wave, [enschede.pk], seen, form).letters
    assert winner.letters and not bulk.issue_letters(wave, [enschede.pk], seen, "late").letters


@pytest.mark.django_db
def test_two_confirmations_of_all_emails_join_one_job(
    client, facilitator, make_user, django_capture_on_commit_callbacks
):
    from django.test import Client

    from kennisschakel.accounts.models import Role

    wave = small_wave()
    bulk.add_contact_address(inv(wave, "GM0153"), "bestuur@enschede.test")
    colleague = Client()
    colleague.force_login(make_user(Role.FACILITATOR, cbs_code="GM0363", email="f2@test.example"))
    client.force_login(facilitator)
    jobs = set()
    for who in (client, colleague, client):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.add(job_of(who.post(confirm_url(wave, "emails"), {"stamp": new_stamp()})))
    assert len(jobs) == 1 and GeneratedFile.objects.count() == 1
