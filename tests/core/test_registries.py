"""Core knows no app: the apps register what `seed`, the worker and the outbox run."""

from kennisschakel.core import seeding
from kennisschakel.core.background import outbox, startup, tasks
from kennisschakel.files.tasks import start_rendering_processes


def test_the_apps_register_the_seed_steps_in_the_order_seed_always_ran_them():
    assert [step.name for step in seeding.steps("reference")] == [
        "reference data",
        "monitor instruments",
    ]
    assert [step.name for step in seeding.steps("demo")] == [
        "demo users",
        "demo practices",
        "demo contact points",
        "demo partnerships",
        "monitor demo wave",
        "monitor practice wave",
    ]
    assert [step.name for step in seeding.steps("indexes")] == ["search index", "match index"]


def test_changes_sums_loader_reports():
    assert seeding.changes(["  a: 2 new, 1 updated, 5 unchanged", "b: 3 new, 0 updated"]) == (
        "5 new, 1 updated"
    )
    assert seeding.changes(["  a: 0 new, 0 updated, 5 unchanged"]) == "up to date"


def test_the_files_app_starts_the_pdf_processes_only_for_a_staying_files_worker():
    assert startup._HOOKS["pdf_processes"] is start_rendering_processes
    assert start_rendering_processes(["default", "files"], batch=True) is None
    assert start_rendering_processes(["email", "index"], batch=False) is None


def test_the_outbox_queues_the_send_task_under_its_old_path():
    assert outbox._send_task is tasks.send_queued_email
    assert tasks.send_queued_email.module_path == (
        "kennisschakel.core.background.tasks.send_queued_email"
    )
