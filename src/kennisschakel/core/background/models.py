"""The email outbox: every email the site sends is a row first, then a task.

A row outlives an SMTP outage: the task that sends it records each failure and tries
again later (exponential backoff) until it is sent or the attempts run out.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    subject = models.CharField(_("subject"), max_length=998)
    # Emptied once sent or failed: it may hold an access code or a reset link (outbox.py).
    body = models.TextField(_("body"), blank=True)
    from_email = models.CharField(_("from"), max_length=320)
    recipients = models.JSONField(_("recipients"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # When the current attempt claimed the row: tells a stuck 'sending' row (a worker
    # killed mid-send) from one that is being sent right now.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The django-tasks result id of the task meant to send this row next; lets the
    # recovery pass see whether a row still has a task waiting for it.
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        app_label = "core"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.recipients)}"
