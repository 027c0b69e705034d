"""The tasks of the email outbox (queue "email"); `kennisschakel worker` runs them."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kennisschakel.core.background import outbox

#: How often the recovery pass looks for outbox rows that lost their task.
SWEEP_INTERVAL = timedelta(minutes=5)


@task(queue_name="email")
def send_queued_email(email_id: int) -> str:
    return outbox.send_queued(email_id)


outbox.use_send_task(send_queued_email)  # the outbox queues it (it cannot import this module)


@task(queue_name="email")
def sweep_outbox() -> int:
    """Re-queue lost outbox rows, then plan the next pass."""
    recovered = outbox.recover_lost_emails()
    schedule_sweep(delay=SWEEP_INTERVAL)
    return recovered


def schedule_sweep(delay: timedelta | None = None) -> bool:
    """Queue the next recovery pass unless one is already waiting; True when queued.

    Two workers starting at once may both queue one; the next passes merge again,
    because a pass only plans another when none is waiting.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=sweep_outbox.module_path
    )
    if waiting.exists():
        return False
    if delay:
        sweep_outbox.using(run_after=timezone.now() + delay).enqueue()
    else:
        sweep_outbox.enqueue()
    return True
