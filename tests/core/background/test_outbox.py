"""The email outbox (core/background/): queued with the data, sent once, retried.

Issue 11, point 6: the SMTP server down while an introduction is requested → the
introduction is saved, the email goes out once after the server returns.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kennisschakel.core.background import outbox
from kennisschakel.core.background.models import OutgoingEmail
from kennisschakel.core.background.tasks import send_queued_email
from kennisschakel.matching.models import Introduction, Question
from tests.background import run_queued_tasks
from tests.concurrency import errors, run_in_threads

SEND_TASK = send_queued_email.module_path


def send_tasks(status=None):
    tasks = DBTaskResult.objects.filter(task_path=SEND_TASK)
    return tasks.filter(status=status) if status else tasks


def make_due(email: OutgoingEmail) -> None:
    """Let the backoff pass: the row and its waiting task become due now."""
    past = timezone.now() - datetime.timedelta(seconds=1)
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(pk=email.task_id).update(run_after=past)


@pytest.mark.django_db
def test_an_email_queued_in_a_rolled_back_transaction_is_never_queued(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.queue_email("Onderwerp", "Tekst\n", ["iemand@gemeente.test"])
        raise RuntimeError("the request failed after queueing")
    assert callbacks == []
    assert not OutgoingEmail.objects.exists()
    assert not send_tasks().exists()

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            email = outbox.queue_email("Onderwerp", "Tekst\n", ["iemand@gemeente.test"])
        assert not send_tasks().exists()  # not before the commit
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert list(send_tasks().values_list("pk", flat=True)) == [
        DBTaskResult.objects.get(pk=email.task_id).pk
    ]


@pytest.mark.django_db
def test_nobody_to_send_to_queues_nothing():
    assert outbox.queue_email("Onderwerp", "Tekst", ["", ""]) is None
    assert not OutgoingEmail.objects.exists()


def test_an_email_run_twice_at_once_is_sent_once(committed_db, smtp_server):
    email = outbox.queue_email(
        "Onderwerp", "Tekst\n", ["een@gemeente.test", "twee@gemeente.test"],
        reply_to=["antwoord@gemeente.test"], headers={"X-Kennisschakel": "test"},
    )  # fmt: skip
    assert send_tasks(TaskResultStatus.READY).count() == 1  # committed: enqueued at once

    outcomes = run_in_threads(send_queued_email.call, [(email.pk,)] * 4)

    assert errors(outcomes) == []
    assert sorted(o.value for o in outcomes) == ["sent", "skipped", "skipped", "skipped"]
    assert len(smtp_server.received) == 1
    received = smtp_server.received[0]
    assert received["to"] == ["een@gemeente.test", "twee@gemeente.test"]
    assert received["message"]["Reply-To"] == "antwoord@gemeente.test"
    assert received["message"]["X-Kennisschakel"] == "test"
    # The task queued with the row runs later still, and finds the row sent.
    assert run_queued_tasks(["email"]) == 1
    assert len(smtp_server.messages) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.body) == (OutgoingEmail.Status.SENT, 1, "")


@pytest.mark.django_db
def test_smtp_down_while_an_introduction_is_requested(
    client, weert_contributor, enschede_contributor, smtp_server,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    smtp_server.stop()
    question = Question.objects.create(
        organisation=weert_contributor.organisation,
        title="Economie en China",
        text="Wij zoeken een gemeente met ervaring in economische samenwerking met China.",
        international=True,
        created_by=weert_contributor,
    )
    client.force_login(weert_contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("matching:introduction-create"),
            {
                "key": "municipality:GM0153",
                "question": question.pk,
                "message": "Wij willen graag leren van uw band met Dalian.",
            },
        )
    assert response.status_code == 302
    introduction = Introduction.objects.get(question=question)  # saved, whatever SMTP does
    email = OutgoingEmail.objects.get()
    assert enschede_contributor.email in email.recipients
    assert email.status == OutgoingEmail.Status.QUEUED

    before = timezone.now()
    assert run_queued_tasks() == 1  # the first attempt: the server refuses the connection
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 1
    assert "Connection" in email.last_error or "Errno" in email.last_error
    wait = (email.next_attempt_at - before).total_seconds()
    assert 29 <= wait <= 31  # first backoff: 30 s
    retry = DBTaskResult.objects.get(pk=email.task_id)
    assert retry.status == TaskResultStatus.READY and retry.run_after == email.next_attempt_at
    assert smtp_server.received == []

    smtp_server.start()
    assert run_queued_tasks() == 0  # the backoff has not passed
    assert smtp_server.received == []
    make_due(email)
    messages = smtp_server.messages  # runs the queue: the second attempt
    assert len(messages) == 1
    assert enschede_contributor.email in messages[0]["to"]
    assert introduction.message in messages[0]["message"].get_content()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 2)
    assert email.sent_at is not None and email.last_error == ""
    # Nothing left that could send it again.
    assert outbox.recover_lost_emails() == 0
    assert run_queued_tasks() == 0
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_after_the_last_attempt_the_email_is_failed(
    settings, smtp_server, django_capture_on_commit_callbacks
):
    settings.KENNISSCHAKEL_EMAIL_MAX_ATTEMPTS = 3
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.queue_email("Code", "Toegangscode: GEHEIM\n", ["iemand@gemeente.test"])
    waits = []
    for _attempt in range(3):
        started = timezone.now()
        assert run_queued_tasks() == 1
        email.refresh_from_db()
        if email.status == OutgoingEmail.Status.QUEUED:
            waits.append(round((email.next_attempt_at - started).total_seconds()))
            make_due(email)
    assert waits == [30, 60]
    assert email.status == OutgoingEmail.Status.FAILED and email.attempts == 3
    assert email.last_error and email.body == ""  # the code does not stay in the outbox
    assert not send_tasks(TaskResultStatus.READY).exists()
    assert run_queued_tasks() == 0
    smtp_server.start()
    assert smtp_server.messages == []


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    waits = [outbox.retry_delay(n).total_seconds() for n in range(1, 11)]
    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]


@pytest.mark.django_db
def test_a_lost_task_is_recovered_and_the_email_sent_once(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lost = outbox.queue_email("Kwijt", "Tekst\n", ["kwijt@gemeente.test"])
        waiting = outbox.queue_email("Wacht", "Tekst\n", ["wacht@gemeente.test"])
        stuck = outbox.queue_email("Vast", "Tekst\n", ["vast@gemeente.test"])
    for email in (lost, waiting, stuck):
        email.refresh_from_db()  # the task id is written after the commit
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    OutgoingEmail.objects.update(next_attempt_at=long_ago)
    DBTaskResult.objects.filter(pk=lost.task_id).delete()  # e.g. pruned, or never enqueued
    # A worker was killed while sending this one: claimed an hour ago, never finished.
    OutgoingEmail.objects.filter(pk=stuck.pk).update(status="sending", claimed_at=long_ago)
    DBTaskResult.objects.filter(pk=stuck.task_id).update(status=TaskResultStatus.RUNNING)

    assert outbox.recover_lost_emails() == 2  # lost and stuck; 'waiting' still has its task
    assert outbox.recover_lost_emails() == 0  # now each has one
    waiting_task = DBTaskResult.objects.get(pk=waiting.task_id)
    assert OutgoingEmail.objects.get(pk=waiting.pk).task_id == waiting.task_id
    assert waiting_task.status == TaskResultStatus.READY

    assert sorted(m["to"][0] for m in smtp_server.messages) == [
        "kwijt@gemeente.test",
        "vast@gemeente.test",
        "wacht@gemeente.test",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_bug_while_sending_fails_the_email_without_retrying(
    smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.queue_email("Onderwerp", "Tekst\n", ["iemand@gemeente.test"])
    OutgoingEmail.objects.filter(pk=email.pk).update(headers={"X-Bad": "a\nb"})  # header injection
    assert run_queued_tasks(raise_failures=False) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and "BadHeaderError" in email.last_error
    assert DBTaskResult.objects.get(pk=email.task_id or send_tasks().get().pk).status == "FAILED"
    assert smtp_server.messages == []


def test_no_code_sends_email_around_the_outbox():
    """Every email goes through queue_email(): only the outbox talks to Django's mail."""
    src = Path(__file__).resolve().parents[3] / "src" / "kennisschakel"
    offenders = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if re.search(r"from django\.core\.mail import|import django\.core\.mail", path.read_text())
        and path.relative_to(src).as_posix() != "core/background/outbox.py"
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_admin_lists_the_outbox_read_only_with_a_status_filter(client, facilitator):
    OutgoingEmail.objects.create(
        subject="Mislukt bericht", body="", from_email="a@b.test",
        recipients=["x@gemeente.test"], status="failed", last_error="SMTPServerDisconnected",
    )  # fmt: skip
    OutgoingEmail.objects.create(
        subject="Verstuurd bericht", body="", from_email="a@b.test",
        recipients=["y@gemeente.test"], status="sent",
    )  # fmt: skip
    facilitator.is_staff = facilitator.is_superuser = True
    facilitator.save()
    client.force_login(facilitator)
    url = reverse("admin:core_outgoingemail_changelist")
    page = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "Mislukt bericht" in page and "x@gemeente.test" in page
    assert "Verstuurd bericht" not in page
    email = OutgoingEmail.objects.get(subject="Mislukt bericht")
    detail = client.get(reverse("admin:core_outgoingemail_change", args=[email.pk]))
    assert detail.status_code == 200 and "SMTPServerDisconnected" in detail.content.decode()
    assert client.get(reverse("admin:core_outgoingemail_add")).status_code == 403
    changed = client.post(
        reverse("admin:core_outgoingemail_change", args=[email.pk]), {"status": "queued"}
    )
    assert changed.status_code == 403
    email.refresh_from_db()
    assert email.status == "failed"
