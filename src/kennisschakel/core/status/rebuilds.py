"""Full index rebuilds asked for from the status page: at most one waiting or running
per index, whatever the number of clicks.

``request_rebuild()`` looks for a queued or running task of the same rebuild and only
queues a new one when there is none. The look and the insert happen in one
transaction under a lock (PostgreSQL: a transaction-scoped advisory lock per task;
SQLite: the IMMEDIATE transaction already holds the database's write lock), and the
task row is inserted in that transaction, so it becomes visible to the worker only
when the transaction commits: a double click meets the first click's row.
"""

import zlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus

#: A task still 'running' this long after it started belongs to a worker that died: it
#: no longer blocks a new rebuild (a full rebuild takes minutes at national scale).
STALE_RUNNING = timedelta(hours=2)

ACTIVE = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


@dataclass(frozen=True)
class Rebuild:
    key: str  # in the URL
    label: object  # lazy translation
    button: object
    task_path: str  # the django-tasks task, imported only when queued
    check: str  # its /health check

    def task(self):
        from django.utils.module_loading import import_string

        return import_string(self.task_path)


#: The rebuilds the status page offers, by key, in the order the apps registered them
#: (INSTALLED_APPS): each app that keeps an index registers its own in AppConfig.ready(),
#: so core names no app's task.
REBUILDS: dict[str, Rebuild] = {}

#: Every task path the page lists under "recent index tasks" (rebuilds and others, such
#: as the search index's compaction), with its label.
TASK_LABELS: dict[str, object] = {}


def register_rebuild(rebuild: Rebuild, task_label, other_tasks: dict | None = None) -> None:
    """Offer ``rebuild`` on the status page; ``task_label`` names its task in the list of
    recent tasks, ``other_tasks`` ({task path: label}) adds the app's other index tasks."""
    REBUILDS[rebuild.key] = rebuild
    TASK_LABELS[rebuild.task_path] = task_label
    TASK_LABELS.update(other_tasks or {})


def active(rebuild: Rebuild):
    """The queued or running (not stale) task of this rebuild, or None."""
    from django_tasks_db.models import DBTaskResult

    return (
        DBTaskResult.objects.filter(task_path=rebuild.task().module_path, status__in=ACTIVE)
        .exclude(
            status=TaskResultStatus.RUNNING,
            started_at__lt=timezone.now() - STALE_RUNNING,
        )
        .order_by("enqueued_at")
        .first()
    )


def _lock(rebuild: Rebuild) -> None:
    """Serialise request_rebuild() per rebuild until the transaction ends."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"kennisschakel.status.{rebuild.key}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    # SQLite: settings.py opens every transaction IMMEDIATE (the write lock is held).


def request_rebuild(rebuild: Rebuild) -> tuple[object, bool]:
    """(the task's DBTaskResult, whether it was queued now). Queued in this transaction:
    the worker sees it after commit."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        _lock(rebuild)
        existing = active(rebuild)
        if existing is not None:
            return existing, False
        result = rebuild.task().enqueue()
        return DBTaskResult.objects.get(pk=result.id), True


def recent(limit: int = 10) -> list:
    """The newest index rebuild tasks (full and compactions), newest first."""
    from django_tasks_db.models import DBTaskResult

    return list(
        DBTaskResult.objects.filter(task_path__in=list(TASK_LABELS))
        .only(
            "id", "status", "task_path", "enqueued_at", "started_at", "finished_at", "return_value"
        )
        .order_by("-enqueued_at")[:limit]
    )
