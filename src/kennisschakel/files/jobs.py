"""Ask for a file: one job per request, queued for the worker (the request side).

* ``request_file()`` (in the request): finds the waiting or running job for the same
  request or creates one; the unique constraint on active fingerprints makes double
  clicks and parallel requests meet in one row. The task is queued after commit.
* ``requeue_if_lost()``: a waiting job whose task went missing is queued again.
* Who may fetch a job's file: ``may_access()``.

Making the file in the worker and purging expired files is ``making.py``; the tasks that
run them are ``tasks.py``.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kennisschakel.files import kinds
from kennisschakel.files.making import lifetime
from kennisschakel.files.models import GeneratedFile
from kennisschakel.files.tasks import make_file

Status = GeneratedFile.Status

#: A job 'queued' this long without a waiting task has lost its task (requeue_if_lost).
LOST_AFTER = timedelta(minutes=2)


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
    make_file.enqueue(str(job_id))
