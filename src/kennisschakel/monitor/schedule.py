"""A wave over time: the facilitator's override and the "opened" / "closed" notifications.

The status itself is never stored: ``Wave.effective_status`` (one wave) and
``Wave.status_q`` / ``Wave.objects.open_on`` (queries) compute it from the dates and
the override. What must happen *when* it changes happens once: the notifications to the
invited municipalities are claimed by a conditional UPDATE of ``opened_announced_at`` /
``closed_announced_at`` (whoever sets the marker sends; a parallel caller updates no
row and sends nothing). Three callers, whichever comes first:

* the facilitator's override (``set_override``), at once;
* the first page that shows the wave after a date has passed (``announce_status`` on
  the instance: no query at all while nothing is due);
* an hourly pass on the worker (``announce_due``), planned after the outbox sweep the
  way the digest pass is (notifications/tasks.py).
"""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from kennisschakel.monitor.models import Invitation, Wave
from kennisschakel.notifications import services as notifications
from kennisschakel.notifications.models import Kind as NotificationKind

logger = logging.getLogger(__name__)

Status = Wave.Status
MARKERS = {Status.OPEN: "opened_announced_at", Status.CLOSED: "closed_announced_at"}
SWEEP_TASK = "kennisschakel.core.background.tasks.sweep_outbox"
INTERVAL = datetime.timedelta(hours=1)


# --------------------------------------------------------------------------- override


def set_override(wave: Wave, override: str, user=None, closes_on: datetime.date | None = None):
    """Open now (``"open"``, until ``closes_on`` or the wave's closing date), close now
    (``"closed"``) or back to the dates (``""``); recorded with who and when. The
    notification the new status calls for goes out at once (once). ``wave`` is updated."""
    if override not in (Status.OPEN, Status.CLOSED, ""):
        raise ValidationError(_("Choose open now, close now or back to the dates."))
    today = Wave.today()
    with transaction.atomic():
        current = Wave.objects.select_for_update().get(pk=wave.pk)
        if override == Status.OPEN and current.is_practice:
            # Opened, it could send letters and emails about made-up answers to real
            # municipalities (monitor/practice.py).
            raise ValidationError(
                _("A practice wave holds fictitious answers: it cannot be opened.")
            )
        if override == Status.OPEN:
            closes = closes_on or current.closes_on
            if closes < today:
                raise ValidationError(
                    {
                        "closes_on": _(
                            "The closing date has passed. Choose a closing date of today or "
                            "later: the questionnaire stays open through that day."
                        )
                    }
                )
            if closes < current.opens_on and today < current.opens_on:
                raise ValidationError(
                    {"closes_on": _("The closing date lies before the opening date.")}
                )
            current.closes_on = closes
        elif override == Status.CLOSED and current.effective_status(today) == Status.CLOSED:
            raise ValidationError(_("The wave is closed already."))
        current.status_override = override
        current.status_override_by = user if getattr(user, "pk", None) else None
        current.status_override_at = timezone.now()
        current.save(
            update_fields=[
                "status_override",
                "status_override_by",
                "status_override_at",
                "closes_on",
            ]
        )
        announce_status(current, today)
    for field in ("status_override", "status_override_by_id", "status_override_at", "closes_on",
                  "opened_announced_at", "closed_announced_at"):  # fmt: skip
        setattr(wave, field, getattr(current, field))
    logger.info(
        "monitor wave status: wave=%s override=%s by=%s",
        wave.slug,
        override or "dates",
        getattr(user, "pk", None),
    )
    return wave


# --------------------------------------------------------------------------- notifications


def announce_status(wave: Wave, today: datetime.date | None = None) -> str | None:
    """Send the notification of the wave's status on ``today`` unless it went out
    already; returns the status announced by this call, or None. Nothing is queried
    while the instance's marker is set. A practice wave (fictitious answers) claims
    its markers but tells nobody."""
    status = wave.effective_status(today)
    field = MARKERS.get(status)
    if field is None or getattr(wave, field) is not None:
        return None
    now = timezone.now()
    with transaction.atomic():
        claimed = Wave.objects.filter(pk=wave.pk, **{f"{field}__isnull": True}).update(
            **{field: now}
        )
        if status == Status.CLOSED:
            # Closed before anyone was told it opened: no invitation any more.
            Wave.objects.filter(pk=wave.pk, opened_announced_at__isnull=True).update(
                opened_announced_at=now
            )
            wave.opened_announced_at = wave.opened_announced_at or now
        if claimed and not wave.is_practice:
            notify_wave(wave, status)
    setattr(wave, field, now)
    return status if claimed else None


def due_waves(today: datetime.date | None = None):
    """Waves whose current status has not been announced yet (one query)."""
    day = today or Wave.today()
    return Wave.objects.filter(
        (Wave.status_q(Status.OPEN, day) & Q(opened_announced_at__isnull=True))
        | (Wave.status_q(Status.CLOSED, day) & Q(closed_announced_at__isnull=True))
    ).order_by("pk")


def announce_due(today: datetime.date | None = None) -> int:
    """Announce every wave whose status changed with the date; returns how many."""
    return sum(1 for wave in due_waves(today) if announce_status(wave, today))


def notify_wave(wave: Wave, status: str | None = None) -> None:
    """In-app notifications for the people of the invited municipalities: an open wave
    invites those that have not submitted, a closed one has results for all invited.
    Called once per wave and status by :func:`announce_status`; the key makes a
    repeat a no-op for anyone notified already."""
    if wave.is_practice:  # fictitious answers: nobody is invited, nobody has results
        return
    status = status or wave.effective_status()
    invited = Invitation.objects.filter(wave_id=wave.pk, municipality__isnull=False)
    if status == Wave.Status.OPEN:
        kind, route = NotificationKind.MONITOR_INVITATION, "monitor:answer-start"
        invited = invited.filter(submitted_at__isnull=True)
    elif status == Wave.Status.CLOSED:
        kind, route = NotificationKind.MONITOR_RESULTS, "monitor:where-we-stand"
    else:
        return
    notifications.notify(
        kind,
        invited.values("municipality__organisation_id"),
        key=f"monitor:{wave.pk}:{status}",
        subject=wave.title,
        url=reverse(route, args=[wave.slug]),
    )


# --------------------------------------------------------------------------- worker pass


@task(queue_name="default")
def announce_wave_status() -> int:
    announced = announce_due()
    schedule_pass()
    return announced


def next_run(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now.replace(minute=0, second=0, microsecond=0) + INTERVAL


def schedule_pass(now: datetime.datetime | None = None) -> bool:
    """Plan the next hourly pass unless one is waiting; True when planned."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=announce_wave_status.module_path
    )
    if waiting.exists():
        return False
    announce_wave_status.using(run_after=next_run(now)).enqueue()
    return True


def _after_task(sender, task_result, **kwargs) -> None:
    if task_result.task.module_path != SWEEP_TASK:
        return
    try:
        schedule_pass()
    except Exception:
        # An error here would be recorded as the sweep's own failure (db_worker).
        logger.exception("could not plan the monitor status pass")


def connect() -> None:
    """Called from MonitorConfig.ready(): the status follows the dates, so the "opened" /
    "closed" notifications come from the hourly worker pass, the first page after the
    date, or the facilitator's override, each sent once."""
    from django_tasks.signals import task_finished

    task_finished.connect(_after_task, dispatch_uid="monitor-wave-status-chain")
