"""The "tasks" check of GET /health: not ok when ready work waits with no worker."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kennisschakel.core import health
from kennisschakel.core.background import outbox
from kennisschakel.core.background.health import tasks_check
from kennisschakel.core.background.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def test_registered_at_startup():
    assert health.registered()["tasks"] is tasks_check


def test_ready_work_older_than_the_threshold_means_no_worker(
    settings, django_capture_on_commit_callbacks
):
    settings.KENNISSCHAKEL_TASKS_MAX_WAIT_SECONDS = 300
    DBTaskResult.objects.all().delete()
    quiet = tasks_check()
    assert quiet["ok"] is True and quiet["ready"] == 0 and quiet["oldest_ready_age_seconds"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.queue_email("Onderwerp", "Tekst\n", ["iemand@gemeente.test"])
    email.refresh_from_db()
    fresh = tasks_check()
    assert fresh["ok"] is True and fresh["ready"] == 1 and fresh["emails_queued"] == 1
    assert fresh["oldest_ready_age_seconds"] < 60

    now = timezone.now()
    DBTaskResult.objects.filter(pk=email.task_id).update(
        enqueued_at=now - datetime.timedelta(seconds=301)
    )
    stale = tasks_check()
    assert stale["ok"] is False and 301 <= stale["oldest_ready_age_seconds"] < 400
    healthy, results = health.run_checks()
    assert healthy is False and results["tasks"]["ok"] is False

    # A retry waits from its run_after, not from when it was queued.
    DBTaskResult.objects.filter(pk=email.task_id).update(
        run_after=now - datetime.timedelta(seconds=10)
    )
    assert tasks_check()["ok"] is True
    DBTaskResult.objects.filter(pk=email.task_id).update(
        run_after=now + datetime.timedelta(minutes=5)
    )
    later = tasks_check()
    assert later["ok"] is True and later["ready"] == 0  # not due yet: nobody is late


def test_counts_failed_tasks_and_emails(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox.queue_email("Onderwerp", "Tekst\n", ["iemand@gemeente.test"])
    email.refresh_from_db()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    DBTaskResult.objects.filter(pk=email.task_id).update(
        status="FAILED", finished_at=timezone.now()
    )
    result = tasks_check()
    assert result["failed_last_24h"] >= 1 and result["emails_failed"] == 1
    assert result["emails_queued"] == 0
