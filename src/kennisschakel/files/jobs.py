"""Ask for a file, make it, report progress, throw it away when it expires.

* ``request_file()`` (in the request): finds the waiting or running job for the same
  request or creates one; the unique constraint on active fingerprints makes double
  clicks and parallel requests meet in one row. The task is queued after commit.
* ``run_job()`` (in the worker): claims the job with one conditional UPDATE (so a job
  run twice is made once), makes the file, stores it under MEDIA_ROOT at an
  unguessable path, and marks it done or failed -- again conditional updates, so a
  job purged meanwhile is not brought back.
* ``purge_expired()``: deletes expired jobs with their files, and fails jobs whose
  worker died mid-run.
"""

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
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
#: A job 'queued' this long without a waiting task has lost its task (requeue_if_lost).
LOST_AFTER = timedelta(minutes=2)


def lifetime() -> timedelta:
    return timedelta(hours=float(getattr(settings, "KENNISSCHAKEL_FILES_HOURS", 24)))


def fingerprint(kind: kinds.FileKind, parameters: dict, language: str, requester: str) -> str:
    key = {"kind": kind.name, "parameters": parameters, "language": language}
    if not kind.shared:
        key["requester"] = requester
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()


def requester_of(request) -> tuple:
    """(user or None, session key): who asked. A visitor without an account gets a session."""
    user = request.user if request.user.is_authenticated else None
    if user is None and not request.session.session_key:
        request.session.save()
    return user, "" if user else request.session.session_key


def is_requester(request, job: GeneratedFile) -> bool:
    if job.user_id is not None:
        return request.user.is_authenticated and request.user.pk == job.user_id
    return bool(job.session_key) and job.session_key == request.session.session_key


def may_access(request, job: GeneratedFile) -> bool:
    """The rule of the page the file comes from; for personal kinds also: you asked for it."""
    try:
        kind = kinds.get(job.kind)
    except LookupError:
        return False
    if not kind.shared and not is_requester(request, job):
        return False
    return bool(kind.may_access(request, job))


def request_file(request, kind_name: str, parameters: dict) -> tuple[GeneratedFile, bool]:
    """The job making this file for this request: an active one, or a new one (queued
    after commit). Returns (job, created). The caller has checked the permission."""
    kind = kinds.get(kind_name)
    user, session_key = requester_of(request)
    language = translation.get_language() or settings.LANGUAGE_CODE
    print_ = fingerprint(kind, parameters, language, f"user:{user.pk}" if user else session_key)
    active = GeneratedFile.objects.filter(fingerprint=print_, status__in=GeneratedFile.ACTIVE)
    existing = active.first()
    if existing is not None:
        requeue_if_lost(existing)
        return existing, False
    try:
        with transaction.atomic():
            job = GeneratedFile.objects.create(
                kind=kind.name,
                parameters=parameters,
                fingerprint=print_,
                user=user,
                session_key=session_key,
                language=language,
                status_line=_("Waiting for its turn…"),
                expires_at=timezone.now() + lifetime(),
            )
    except IntegrityError:
        # A parallel request (a double click) created it first: that one is ours too.
        existing = active.first()
        if existing is None:
            raise
        return existing, False
    transaction.on_commit(lambda: enqueue(job.pk))
    return job, True


def requeue_if_lost(job: GeneratedFile) -> bool:
    """A job waiting a while without a task to run it (the enqueue after commit failed,
    the task row was cleaned away) would block its fingerprint for good: queue it again.
    Running it twice is harmless (run_job claims it once)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from kennisschakel.files.tasks import make_file

    if job.status != Status.QUEUED or job.created_at > timezone.now() - LOST_AFTER:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=make_file.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=str(job.pk),
    )
    if waiting.exists():
        return False
    transaction.on_commit(lambda: enqueue(job.pk))
    return True


def enqueue(job_id) -> None:
    from kennisschakel.files.tasks import make_file

    make_file.enqueue(str(job_id))


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
    import os
    from contextlib import suppress

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
