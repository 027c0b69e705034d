"""`kennisschakel worker`: runs every queue, exits in batch mode, stops gracefully."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kennisschakel.core.background import outbox
from kennisschakel.core.background.models import OutgoingEmail
from kennisschakel.core.background.tasks import sweep_outbox
from kennisschakel.core.management.commands.worker import Command

ROOT = Path(__file__).resolve().parents[2]


@task(queue_name="index")
def note_run(marker: str) -> str:
    return marker


@task(queue_name="files")
def take_a_while(seconds: float) -> str:
    time.sleep(seconds)
    return "finished"


@pytest.fixture
def keep_signal_handlers():
    """The worker installs SIGINT/SIGTERM handlers; give pytest its own back."""
    names = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {name: signal.getsignal(name) for name in names}
    yield
    for name, handler in saved.items():
        signal.signal(name, handler)


def run_worker(*args) -> str:
    out = io.StringIO()
    call_command("worker", "--no-startup-delay", "--interval", "0", *args, stdout=out)
    return out.getvalue()


def test_defaults_take_every_configured_queue_without_autoreload(settings):
    settings.DEBUG = True  # db_worker itself would reload in debug
    options = Command().create_parser("kennisschakel", "worker").parse_args([])
    assert options.queue_name.split(",") == ["default", "email", "files", "index"]
    assert options.reload is False
    assert "every queue" in Command.help and "SIGTERM" in Command.help


def test_batch_runs_every_queue_and_exits(committed_db, smtp_server, keep_signal_handlers):
    email = outbox.queue_email("Onderwerp", "Tekst\n", ["iemand@gemeente.test"])
    indexed = note_run.enqueue("index-queue")

    run_worker("--batch")

    assert DBTaskResult.objects.get(pk=indexed.id).status == TaskResultStatus.SUCCESSFUL
    assert len(smtp_server.received) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT
    # The recovery pass ran at start and planned the next one, a few minutes ahead.
    sweeps = DBTaskResult.objects.filter(task_path=sweep_outbox.module_path)
    assert sweeps.filter(status=TaskResultStatus.SUCCESSFUL).count() == 1
    planned = sweeps.get(status=TaskResultStatus.READY)
    assert planned.run_after > planned.enqueued_at
    assert not DBTaskResult.objects.ready().exists()


def test_max_tasks_stops_after_that_many(committed_db, keep_signal_handlers):
    first, second, third = (note_run.enqueue(str(n)) for n in range(3))
    run_worker("--queue-name", "index", "--max-tasks", "2")
    statuses = sorted(
        DBTaskResult.objects.filter(pk__in=[first.id, second.id, third.id]).values_list(
            "status", flat=True
        )
    )
    assert statuses == ["READY", "SUCCESSFUL", "SUCCESSFUL"]


def _worker_process(*args) -> subprocess.Popen:
    """The real command in its own process, on the test database (committed data)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="tests.settings")
    env["KENNISSCHAKEL_PDF_PROCESSES"] = "2"
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    return subprocess.Popen(
        [sys.executable, "-m", "kennisschakel", "worker", "--no-startup-delay",
         "--interval", "0.1", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def _wait_for(condition, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        time.sleep(0.1)


def test_sigterm_lets_the_running_task_finish_then_exits(committed_db):
    result = take_a_while.enqueue(3)
    worker = _worker_process("--queue-name", "files")
    try:
        _wait_for(lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    # It serves the files queue: the PDF processes started (and loaded fonts) first.
    assert "PDF rendering processes ready: 2" in output
    assert "shutting down gracefully" in output
    finished = DBTaskResult.objects.get(pk=result.id)
    assert finished.status == TaskResultStatus.SUCCESSFUL and finished.return_value == "finished"


def test_sigterm_while_idle_exits_at_once(committed_db):
    worker = _worker_process("--queue-name", "index")
    try:
        _wait_for(lambda: "Starting worker" in (worker.stdout.readline() or ""), timeout=60)
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert time.monotonic() - started < 5
