"""The email outbox: queue an email with the data it belongs to, send it once, retry.

``queue_email()`` writes an OutgoingEmail row inside the caller's transaction (a rolled
back request leaves no email behind) and enqueues the sending task only after commit.
The task claims the row with one conditional UPDATE, so two workers handed the same
row (a recovered task next to the original, a task run twice) send it once. When the
mail server refuses or cannot be reached, the row records the error and a new task is
queued for later, waiting 30 s, 1, 2, 4 … minutes (at most an hour) between attempts,
until KENNISSCHAKEL_EMAIL_MAX_ATTEMPTS attempts have failed: then the row is 'failed'
and stays in the admin for a person to look at.

Bodies hold secrets that are stored only hashed elsewhere (monitor access codes,
password-reset links), so a row's body is emptied once it is sent or has failed.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from kennisschakel.core.background.models import OutgoingEmail

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 60 * 60
#: A row still 'sending' this long after its claim belongs to a worker that died mid-send.
STALE_SENDING_SECONDS = 15 * 60
#: A queued row due this long without a waiting task has lost its task.
LOST_AFTER_SECONDS = 60

Status = OutgoingEmail.Status

#: Sent when the mail server refuses every recipient for good (SMTP 5xx on RCPT TO):
#: ``recipients`` (the refused addresses) and ``reason``. The row is then 'failed' at
#: once -- retrying cannot help -- and apps record the bounce (monitor/bulk.py).
email_refused = Signal()

#: The django-tasks task that sends one row (``tasks.send_queued_email``). tasks.py hands
#: it over when it is imported (``CoreConfig.ready`` imports it in every process): its
#: tasks run this module, so this module does not import it. The task keeps its path
#: ``…background.tasks.send_queued_email``: queued rows name it, and workers of the
#: previous release still run during a deploy.
_send_task = None


def use_send_task(task) -> None:
    global _send_task
    _send_task = task


def max_attempts() -> int:
    return max(1, int(getattr(settings, "KENNISSCHAKEL_EMAIL_MAX_ATTEMPTS", 10)))


def retry_delay(failed_attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 30 s, 1, 2, 4 … min, at most 1 h."""
    exponent = min(max(failed_attempts, 1) - 1, 16)
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2**exponent, RETRY_MAX_SECONDS))


def queue_email(
    subject: str,
    body: str,
    recipients: Iterable[str],
    *,
    from_email: str | None = None,
    reply_to: Iterable[str] = (),
    headers: dict[str, str] | None = None,
) -> OutgoingEmail | None:
    """Put one email in the outbox; it is sent by the worker after the caller commits.

    Call it inside the transaction that makes the email true (the introduction saved,
    the answers submitted): a rollback takes the email with it. Returns the row, or
    None when there is nobody to send to.
    """
    recipients = [address for address in recipients if address]
    if not recipients:
        return None
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            subject=subject,
            body=body,
            from_email=from_email or settings.DEFAULT_FROM_EMAIL,
            recipients=recipients,
            reply_to=list(reply_to),
            headers=dict(headers or {}),
        )
        # robust: if enqueuing fails after the commit, the request still succeeds and
        # the recovery pass (sweep_outbox) finds the row without a task.
        transaction.on_commit(lambda: enqueue_send(email.pk), robust=True)
    return email


def enqueue_send(email_id: int, run_after=None) -> str:
    """Queue the task that sends row ``email_id`` (at ``run_after``); remember its id."""
    if _send_task is None:
        raise ImproperlyConfigured(
            "kennisschakel.core.background.tasks was not imported (CoreConfig.ready does)."
        )
    with transaction.atomic():
        task = _send_task.using(run_after=run_after) if run_after else _send_task
        result = task.enqueue(email_id)
        OutgoingEmail.objects.filter(pk=email_id).update(task_id=str(result.id))
    return str(result.id)


def message_for(email: OutgoingEmail) -> EmailMessage:
    return EmailMessage(
        email.subject,
        email.body,
        email.from_email,
        to=email.recipients,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
    )


def send_queued(email_id: int) -> str:
    """Send row ``email_id`` if it is due and nobody else is sending it.

    Returns what happened: 'sent', 'retry', 'failed' or 'skipped' (not due, already
    sent or claimed by another worker).
    """
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=Status.QUEUED, next_attempt_at__lte=now
    ).update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        message_for(email).send()
    except smtplib.SMTPRecipientsRefused as error:
        if error.recipients and all(code >= 500 for code, _msg in error.recipients.values()):
            return _refused(email, error)
        return _after_failure(email, error)
    except (smtplib.SMTPException, OSError) as error:
        return _after_failure(email, error)
    except Exception as error:
        # Not the mail server's weather but a bug or bad data: retrying will not help.
        _finish(email, Status.FAILED, last_error=_describe(error), body="", task_id="")
        raise
    _finish(email, Status.SENT, sent_at=timezone.now(), last_error="", body="", task_id="")
    return "sent"


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _finish(email: OutgoingEmail, status: str, **changes) -> None:
    OutgoingEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=status, **changes
    )


def _refused(email: OutgoingEmail, error: smtplib.SMTPRecipientsRefused) -> str:
    """A permanent refusal: failed now, and the refused addresses are announced."""
    reason = _describe(error)
    logger.warning("email %s refused for good: %s", email.pk, reason)
    _finish(email, Status.FAILED, last_error=reason, body="", task_id="")
    refused = [str(address) for address in error.recipients]
    email_refused.send(sender=OutgoingEmail, recipients=refused, reason=reason)
    return "failed"


def _after_failure(email: OutgoingEmail, error: BaseException) -> str:
    reason = _describe(error)
    if email.attempts >= max_attempts():
        logger.error("email %s failed after %s attempts: %s", email.pk, email.attempts, reason)
        _finish(email, Status.FAILED, last_error=reason, body="", task_id="")
        return "failed"
    when = timezone.now() + retry_delay(email.attempts)
    logger.warning(
        "email %s attempt %s failed (%s); next attempt at %s",
        email.pk,
        email.attempts,
        reason,
        when.isoformat(),
    )
    with transaction.atomic():  # the row goes back in the queue only with its next task
        _finish(email, Status.QUEUED, last_error=reason, next_attempt_at=when)
        enqueue_send(email.pk, run_after=when)
    return "retry"


def recover_lost_emails() -> int:
    """Give a task back to every due row that has none; returns how many were re-queued.

    A row loses its task when the process died between commit and enqueue, when the
    task rows were pruned, or when a worker was killed in the middle of sending (the
    row stays 'sending'; after STALE_SENDING_SECONDS it is queued again — the one case
    where an email may go out twice, preferred over never). Safe to run any time, from
    any number of workers: an extra task finds the row claimed or not due and skips.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    stale = OutgoingEmail.objects.filter(
        status=Status.SENDING, claimed_at__lte=now - timedelta(seconds=STALE_SENDING_SECONDS)
    )
    # Row by row, conditionally: of two passes at once, one revives each row.
    revived = [
        pk
        for pk in stale.values_list("pk", flat=True)
        if stale.filter(pk=pk).update(
            status=Status.QUEUED, next_attempt_at=now, last_error="worker stopped mid-send"
        )
    ]
    due = list(
        OutgoingEmail.objects.filter(
            status=Status.QUEUED,
            next_attempt_at__lte=now - timedelta(seconds=LOST_AFTER_SECONDS),
        ).values_list("pk", "task_id")
    )
    waiting = {
        str(pk)
        for pk in DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            id__in=[task_id for _pk, task_id in due if task_id],
        ).values_list("id", flat=True)
    }
    lost = revived + [pk for pk, task_id in due if task_id not in waiting]
    for pk in lost:
        enqueue_send(pk)
    if lost:
        logger.warning("re-queued %s email(s) whose task was lost", len(lost))
    return len(lost)
