"""The tasks of generated files (queue "files"); `kennisschakel worker` runs them.

They run what ``making.py`` does; ``jobs.py`` (the request side) queues ``make_file``.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kennisschakel.core.background.startup import takes_queue
from kennisschakel.files import making, pdf
from kennisschakel.files.models import GeneratedFile

PURGE_INTERVAL = timedelta(hours=1)


@task(queue_name="files")
def make_file(job_id: str) -> str:
    status = making.run_job(job_id)
    schedule_purge(delay=PURGE_INTERVAL)
    return str(status)


@task(queue_name="files")
def purge_generated_files() -> int:
    """Delete expired files; plans the next pass while jobs remain."""
    deleted = making.purge_expired()
    if GeneratedFile.objects.exists():
        schedule_purge(delay=PURGE_INTERVAL)
    return deleted


def schedule_purge(delay: timedelta | None = None) -> bool:
    """Queue a purge pass unless one is already waiting; True when queued. (A pass that
    plans the next one is itself 'running', not waiting.)"""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=purge_generated_files.module_path
    )
    if waiting.exists():
        return False
    if delay:
        purge_generated_files.using(run_after=timezone.now() + delay).enqueue()
    else:
        purge_generated_files.enqueue()
    return True


def start_rendering_processes(queues: list[str], batch: bool) -> str | None:
    """A worker start-up hook (core/background/startup.py, registered in FilesConfig)."""
    if batch or not takes_queue(queues, "files"):
        return None
    # A worker that stays: the PDF pool's processes load their fonts now, not in the
    # first user's wait (a --batch run may have no PDF to make).
    started = pdf.start_pool()
    return f"PDF rendering processes ready: {started}" if started else None
