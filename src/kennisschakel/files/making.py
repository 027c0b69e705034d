"""Make a file in the worker, and throw made files away when they expire.

* ``run_job()`` (the task ``make_file``): claims the job with one conditional UPDATE (so
  a job run twice is made once), makes the file, stores it under MEDIA_ROOT at an
  unguessable path, and marks it done or failed -- again conditional updates, so a
  job purged meanwhile is not brought back.
* ``purge_expired()`` (the task ``purge_generated_files``): deletes expired jobs with
  their files, and fails jobs whose worker died mid-run.

Asking for a file (the request side) is ``jobs.py``; the tasks are ``tasks.py``.
"""

import logging
import os
from contextlib import suppress
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel.files import kinds
from kennisschakel.files.models import GeneratedFile

logger = logging.getLogger(__name__)
Status = GeneratedFile.Status

#: A job still 'running' this long after it started belongs to a worker that died.
STALE_RUNNING = timedelta(minutes=30)


def lifetime() -> timedelta:
    return timedelta(hours=float(getattr(settings, "KENNISSCHAKEL_FILES_HOURS", 24)))


def report_progress(job_id, done: int, total: int, line: str) -> None:
    GeneratedFile.objects.filter(pk=job_id, status=Status.RUNNING).update(
        progress_done=done, progress_total=total, status_line=line[:200]
    )


def run_job(job_id) -> str:
    """Make the file of one job; returns the job's final status (or 'skipped')."""
    now = timezone.now()
    claimed = GeneratedFile.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now
    )
    if not claimed:
        return "skipped"  # made, failed, purged, or taken by another worker
    job = GeneratedFile.objects.get(pk=job_id)
    with translation.override(job.language):
        try:
            kind = kinds.get(job.kind)
            report_progress(job.pk, 0, 0, _("Started…"))
            content = kind.make(job, lambda done, total, line: report_progress(
                job.pk, done, total, line))  # fmt: skip
            filename = kind.filename(job)
            note = ""
            if isinstance(content, tuple):  # (bytes, a line for the page, e.g. emails sent)
                content, note = content
        except Exception as error:  # noqa: BLE001  (any failure: the page says so, with a retry)
            logger.exception("Making file %s (%s) failed", job.pk, job.kind)
            message = getattr(error, "user_message", "") or _(
                "Something went wrong while making the file. Please try again; if it "
                "fails again, contact the helpdesk."
            )
            GeneratedFile.objects.filter(pk=job.pk, status=Status.RUNNING).update(
                status=Status.FAILED,
                error=str(message)[:500],
                status_line=_("Failed."),
                finished_at=timezone.now(),
            )
            return Status.FAILED
        stored = GeneratedFile.file.field.storage.save(
            GeneratedFile.file.field.generate_filename(job, filename), ContentFile(content)
        )
        finished = GeneratedFile.objects.filter(pk=job.pk, status=Status.RUNNING).update(
            status=Status.DONE,
            file=stored,
            filename=filename,
            size=len(content),
            progress_done=Greatest(F("progress_total"), 1),
            progress_total=Greatest(F("progress_total"), 1),
            status_line=note[:200],  # what the page adds to "ready" (e.g. emails sent)
            finished_at=timezone.now(),
            expires_at=timezone.now() + lifetime(),
        )
        if not finished:  # purged or failed meanwhile: keep no orphan file
            delete_stored(GeneratedFile.file.field.storage, stored)
            return "skipped"
    return Status.DONE


def delete_stored(storage, name: str) -> None:
    """Delete a made file and its own random directory (left empty)."""
    storage.delete(name)
    with suppress(NotImplementedError, OSError):  # not on the file system, or not empty
        os.rmdir(os.path.dirname(storage.path(name)))


def purge_expired() -> int:
    """Delete expired jobs and their files; fail jobs whose worker died. Returns deletions."""
    now = timezone.now()
    GeneratedFile.objects.filter(status=Status.RUNNING, started_at__lt=now - STALE_RUNNING).update(
        status=Status.FAILED,
        error=_("Making the file took too long and was stopped. Please try again."),
        finished_at=now,
    )
    deleted = 0
    for job in GeneratedFile.objects.filter(expires_at__lt=now).exclude(
        status__in=GeneratedFile.ACTIVE
    ):
        if job.file:
            delete_stored(job.file.storage, job.file.name)
        deleted += GeneratedFile.objects.filter(pk=job.pk, expires_at__lt=now).delete()[0]
    return deleted
