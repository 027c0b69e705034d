import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kennisschakel.core.demo import demo_logins


class Command(BaseCommand):
    help = "Serve Kennisschakel (development server) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        # The autoreloader runs this command again in a child process (RUN_MAIN=true);
        # print the logins once, from the parent.
        logins = [] if os.environ.get("RUN_MAIN") == "true" else demo_logins()
        if logins:
            self.stdout.write(f"Demo logins (password for all: {logins[0][1]}):")
            for email, _password, role, organisation in logins:
                self.stdout.write(f"  {email:38} {role:12} {organisation}")
        if os.environ.get("RUN_MAIN") != "true":
            self.stdout.write(f"Kennisschakel: http://{options['addrport']}/")
        call_command("runserver", options["addrport"])
