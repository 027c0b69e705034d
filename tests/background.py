"""Run queued background tasks in the test's own process, with the worker's own code.

    from tests.background import run_queued_tasks
    run_queued_tasks()            # every ready task on every queue, until none is ready
    run_queued_tasks(["files"])   # only these queues

Emails, PDFs and index builds are django-tasks tasks (core/background/); a test that
triggers one runs the queue like `kennisschakel worker --batch` would. Tasks deferred
to later (an email retry's backoff) are not ready yet and stay queued. A task that
fails makes the helper raise, with its traceback, unless ``raise_failures=False``.

In a test on the ``db`` fixture, work queued after commit (queue_email uses
transaction.on_commit) is enqueued only inside ``django_capture_on_commit_callbacks(
execute=True)``; tests on ``committed_db`` commit for real and need nothing extra.
"""

from collections.abc import Iterable

from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

BACKEND = "default"


class TaskFailed(AssertionError):
    pass


def run_queued_tasks(
    queues: Iterable[str] = ("*",), *, limit: int = 1000, raise_failures: bool = True
) -> int:
    """Run ready tasks until none is left; returns how many ran.

    Claiming (DBTaskResult.ready/get_locked/claim) and running (Worker.run_task) are
    db_worker's own code. Only the loop is this helper's: db_worker's loop takes
    SQLite's lock with a raw BEGIN EXCLUSIVE, which cannot nest in a test's transaction.
    """
    queues = list(queues)
    worker = Worker(
        queue_names=queues,
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
    )
    ran = 0
    while True:
        ready = DBTaskResult.objects.ready().filter(backend_name=BACKEND)
        if "*" not in queues:
            ready = ready.filter(queue_name__in=queues)
        with transaction.atomic():
            result = ready.get_locked()
            if result is not None:
                result.claim(worker.worker_id)
        if result is None:
            return ran
        if ran >= limit:
            raise RuntimeError(f"still tasks ready after {limit}: does a task re-queue itself?")
        worker.run_task(result)
        ran += 1
        result.refresh_from_db()
        if raise_failures and result.status == TaskResultStatus.FAILED:
            raise TaskFailed(f"task {result.task_path} failed:\n{result.traceback}")
