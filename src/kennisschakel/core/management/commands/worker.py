"""`kennisschakel worker`: run the queued background tasks (emails, PDFs, index builds).

A thin layer over django-tasks-db's `db_worker`, which does the work and stops
gracefully on SIGTERM/SIGINT (the task in hand is finished first; a second signal
ends it at once). This command only chooses the defaults this site needs: every queue
in settings.TASKS, no autoreload, and a recovery pass for emails whose task was lost.
"""

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from kennisschakel.core.background import startup
from kennisschakel.core.background.tasks import schedule_sweep


def configured_queues() -> str:
    return ",".join(settings.TASKS["default"].get("QUEUES", ["default"]))


class Command(db_worker.Command):
    help = (
        "Run Kennisschakel's background tasks (emails, PDFs, index builds) until stopped. "
        "Takes every queue (default, email, files, index) unless --queue-name says otherwise. "
        "Start one or more next to the web server (e.g. a systemd service); SIGTERM lets "
        "the task in hand finish first. --batch runs what is ready and exits; "
        "--max-tasks N exits after N tasks."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # A production worker must not restart itself mid-task on a file change.
        parser.set_defaults(queue_name=configured_queues(), reload=False)
        for action in parser._actions:  # db_worker's help names its own default (DEBUG)
            if action.dest == "reload":
                action.help = "Restart the worker when code changes (development; default: off)"

    def handle(self, *args, **options):
        # Planned once per start; each pass plans the next, so one chain runs while
        # any worker does (tasks.sweep_outbox).
        schedule_sweep()
        # What the apps prepare for their queues' tasks (core/background/startup.py).
        for line in startup.run_all(options["queue_name"].split(","), batch=options["batch"]):
            self.stdout.write(line)
        return super().handle(*args, **options)
