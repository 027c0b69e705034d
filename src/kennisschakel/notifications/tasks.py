"""The digest pass on the "email" queue: once an hour, each due digest goes out once.

``kennisschakel worker`` (core) knows no app, so the chain is started from here: when
the worker's outbox sweep (core/background/tasks.py, run at every worker start and
every five minutes) finishes, a digest pass is planned unless one is already waiting;
each pass plans the next at the following full hour. Several workers may plan one each
at the same moment; that costs a pass, never an email (services.send_digest claims
each digest with a conditional UPDATE).
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from kennisschakel.notifications import services

logger = logging.getLogger(__name__)

#: How often due digests are looked for (daily ones go out from the digest hour on).
INTERVAL = datetime.timedelta(hours=1)
SWEEP_TASK = "kennisschakel.core.background.tasks.sweep_outbox"


@task(queue_name="email")
def send_digests() -> int:
    sent = services.send_due_digests()
    schedule_digests()
    return sent


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next full hour: passes land at the same minute whenever the worker started."""
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) + INTERVAL


def schedule_digests(now: datetime.datetime | None = None) -> bool:
    """Plan the next pass unless one is waiting; True when planned. Always for later,
    never ready at once, so a batch worker run (and the tests) is not lengthened."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=send_digests.module_path
    )
    if waiting.exists():
        return False
    send_digests.using(run_after=next_run(now)).enqueue()
    return True


def _after_task(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path != SWEEP_TASK:
        return
    try:
        schedule_digests()
    except Exception:
        # An error here would be recorded as the sweep's own failure (db_worker).
        logger.exception("could not plan the digest pass")


def connect() -> None:
    from django_tasks.signals import task_finished

    task_finished.connect(_after_task, dispatch_uid="notifications-digest-chain")
