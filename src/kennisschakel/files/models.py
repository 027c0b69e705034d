"""A file being made in the background, and the file once it is made."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def private_path(job, filename: str) -> str:
    """``bestanden/<random>/<name>``: unguessable, and MEDIA_ROOT is never served directly."""
    return f"bestanden/{secrets.token_urlsafe(24)}/{filename}"


class GeneratedFile(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict)
    # kind + parameters (+ requester, for kinds that are not shared): the same request
    # while one is waiting or running finds that job instead of making a second.
    fingerprint = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="generated_files",
        verbose_name=_("requested by"),
    )
    # Visitors without an account (a monitor code holder): their session.
    session_key = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, default="nl")
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    status_line = models.CharField(_("status"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=private_path, max_length=300, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("generated file")
        verbose_name_plural = _("generated files")
        constraints = [
            # At most one waiting or running job per request: double clicks and parallel
            # requests meet here, on SQLite and PostgreSQL alike.
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_file_job",
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="generated_file_expiry_idx")]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.status})"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("files:job", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
