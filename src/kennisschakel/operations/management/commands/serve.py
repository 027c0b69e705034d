import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from kennisschakel.accounts.demo import demo_logins

# sysexits.h EX_CONFIG: the systemd unit does not restart a server that refused its
# configuration (RestartPreventExitStatus=78); it would only refuse again.
EX_CONFIG = 78
DEVELOPMENT_ADDRPORT = "127.0.0.1:8000"


class Command(BaseCommand):
    help = (
        "Serve Kennisschakel. With KENNISSCHAKEL_DEBUG=1: Django's development server and the "
        "demo logins. Otherwise the production server (gunicorn), after checking that the "
        "configuration is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "addrport",
            nargs="?",
            help=f"[ADDR:]PORT or unix:PATH (default {DEVELOPMENT_ADDRPORT}; "
            "production: KENNISSCHAKEL_BIND)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="production: worker processes (default KENNISSCHAKEL_WEB_WORKERS, "
            "else 2 × CPUs + 1, at most 8)",
        )
        parser.add_argument(
            "--production",
            action="store_true",
            help="refuse to start unless the production server would run (debug off); "
            "the systemd unit passes it",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="production: run the safety checks, report, and exit (0 when it would start)",
        )

    def handle(self, *args, **options):
        if options["workers"] is not None and options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        if settings.DEBUG:
            if options["production"]:
                self.refuse(
                    [
                        "KENNISSCHAKEL_DEBUG is on: debug pages would show code and settings "
                        "to every visitor. Remove it from the server's environment."
                    ]
                )
            if options["check"]:
                self.stdout.write("KENNISSCHAKEL_DEBUG is on: serve runs the development server.")
                return
            return self.development(options["addrport"] or DEVELOPMENT_ADDRPORT)
        return self.production(options)

    def development(self, addrport):
        # The autoreloader runs this command again in a child process (RUN_MAIN=true);
        # print the logins once, from the parent.
        logins = [] if os.environ.get("RUN_MAIN") == "true" else demo_logins()
        if logins:
            self.stdout.write(f"Demo logins (password for all: {logins[0][1]}):")
            for email, _password, role, organisation in logins:
                self.stdout.write(f"  {email:38} {role:12} {organisation}")
        if os.environ.get("RUN_MAIN") != "true":
            self.stdout.write(f"Kennisschakel: http://{addrport}/")
        call_command("runserver", addrport)

    def production(self, options):
        from kennisschakel.operations import preflight, server

        app = server.ProductionServer(
            server.gunicorn_overrides(options["addrport"], options["workers"])
        )
        problems = preflight.production_problems(list(app.cfg.bind))
        for problem in problems:
            if not problem.is_error:
                self.stderr.write(self.format_problem(problem))
        errors = [problem for problem in problems if problem.is_error]
        if errors:
            self.refuse([self.format_problem(problem) for problem in errors])
        if options["check"]:
            self.stdout.write(
                f"The configuration is safe to serve ({app.cfg.workers} workers on "
                f"{', '.join(app.cfg.bind)})."
            )
            return
        # The checks used the database; the master must not pass that connection on.
        connections.close_all()
        app.run()

    @staticmethod
    def format_problem(problem) -> str:
        text = f"{problem.level}: {problem.message}"
        return f"{text}\n    hint: {problem.hint}" if problem.hint else text

    def refuse(self, reasons: list[str]):
        self.stderr.write("kennisschakel serve: refusing to start:")
        for reason in reasons:
            self.stderr.write(f"  {reason}")
        sys.exit(EX_CONFIG)
