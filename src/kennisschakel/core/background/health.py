"""The "tasks" check of GET /health: is a worker taking the queued work?

Ready tasks that have waited longer than KENNISSCHAKEL_TASKS_MAX_WAIT_SECONDS mean no
worker is running (or all are stuck): then the check is not ok.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from kennisschakel.core.health import register


def max_wait_seconds() -> float:
    return float(getattr(settings, "KENNISSCHAKEL_TASKS_MAX_WAIT_SECONDS", 300))


@register("tasks")
def tasks_check() -> dict:
    from django_tasks_db.models import DBTaskResult, get_date_max

    from kennisschakel.core.background.models import OutgoingEmail

    now = timezone.now()
    ready = DBTaskResult.objects.ready()
    # A task without run_after is stored with the far-future sentinel and waits since it
    # was enqueued; a deferred one waits since its run_after passed.
    waiting_since = [
        ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
        ready.exclude(run_after=get_date_max()).aggregate(at=Min("run_after"))["at"],
    ]
    oldest = min((at for at in waiting_since if at is not None), default=None)
    oldest_age = round((now - oldest).total_seconds(), 1) if oldest else 0.0
    emails = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED]
    )
    return {
        "ok": oldest_age <= max_wait_seconds(),
        "ready": ready.count(),
        "oldest_ready_age_seconds": oldest_age,
        "max_wait_seconds": max_wait_seconds(),
        "failed_last_24h": DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - timedelta(hours=24))
        .count(),
        "emails_queued": emails.filter(status=OutgoingEmail.Status.QUEUED).count(),
        "emails_failed": emails.filter(status=OutgoingEmail.Status.FAILED).count(),
    }
