"""Queueing the matching tasks (``tasks.py``): a rebuild of the match index when one is
wanted (:data:`rebuild_requests.rebuild_wanted`), and the pass over saved questions
(``followup.py``) shortly after every rebuild and at least every :data:`INTERVAL`
(riding on the worker's outbox sweep, as the notification digest does). Connected in
``MatchingConfig.ready``."""

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult, get_date_max

from kennisschakel.matching.rebuild_requests import rebuild_wanted
from kennisschakel.matching.tasks import rebuild_match_index, refresh_question_suggestions

logger = logging.getLogger(__name__)

INTERVAL = timedelta(minutes=15)  # the periodic pass
AFTER_REBUILD = timedelta(minutes=1)  # the pass after a rebuild (later: batch runs stay short)
REBUILD_TASK = "kennisschakel.matching.tasks.rebuild_match_index"
SWEEP_TASK = "kennisschakel.core.background.tasks.sweep_outbox"


def _queue_rebuild(sender, **kwargs) -> None:
    try:
        rebuild_match_index.enqueue()
    except Exception:  # a full queue table must not break the write that asked
        logger.exception("Could not queue a rebuild of the match index.")


def schedule_refresh(delay: timedelta) -> bool:
    """Plan a pass in ``delay`` unless one is waiting to run by then; True when planned.
    Always for later, never ready at once, so a batch worker run is not lengthened."""
    at = timezone.now() + delay
    waiting = DBTaskResult.objects.filter(
        Q(run_after__lte=at) | Q(run_after=get_date_max()),
        status=TaskResultStatus.READY,
        task_path=refresh_question_suggestions.module_path,
    )
    if waiting.exists():
        return False
    refresh_question_suggestions.using(run_after=at).enqueue()
    return True


def _after_task(sender, task_result, **kwargs) -> None:
    path = task_result.task.module_path
    delay = {REBUILD_TASK: AFTER_REBUILD, SWEEP_TASK: INTERVAL}.get(path)
    if delay is None:
        return
    try:
        schedule_refresh(delay)
    except Exception:
        # An error here would be recorded as the finished task's own failure (db_worker).
        logger.exception("could not plan the pass over saved questions")


def connect() -> None:
    rebuild_wanted.connect(_queue_rebuild, dispatch_uid="matching-queue-rebuild")
    task_finished.connect(_after_task, dispatch_uid="matching-question-followup")
