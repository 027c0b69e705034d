import re

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kennisschakel.core.demo import load_demo_contacts, load_demo_data
from kennisschakel.knowledge.loaders import load_demo_practices
from kennisschakel.monitor.demo import load_demo_wave
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.monitor.practice import load_practice_wave
from kennisschakel.partnerships.loaders import load_demo_partnerships
from kennisschakel.register.loaders import load_reference_data

_COUNTS = re.compile(r"(\d+) new, (\d+) updated")


class Command(BaseCommand):
    help = "Load reference data (register, taxonomies, places abroad) and demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo users.")

    def handle(self, *args, **options):
        # A short report by default (`make run` prints it on every start); -v 2 lists
        # every table, as the tests and a maintainer checking a re-seed want it.
        detail = options["verbosity"] >= 2
        lines: list[str] = []
        load_reference_data(report=lines.append)
        lines.append(f"  monitor instruments: {load_instruments()}")
        if detail:
            self.stdout.write("Reference data:")
            for line in lines:
                self.stdout.write(line)
        else:
            self.stdout.write(f"Reference data: {len(lines)} tables, {_changes(lines)}.")
        if options["no_demo"]:
            self._indexes()
            return
        logins = load_demo_data()
        practices = load_demo_practices()
        contacts = load_demo_contacts()
        ledger = load_demo_partnerships()
        skipped = ledger.objects.get("skipped", [])
        if detail:
            self.stdout.write(f"Demo data: {len(logins)} demo users present.")
            self.stdout.write(f"  practices from the sources: {practices}")
            self.stdout.write(f"  demo contact points: {contacts} new")
            self.stdout.write(f"  partnerships, memberships, exchanges: {ledger}")
            for reason in skipped:
                self.stdout.write(f"    left out: {reason}")
        else:
            self.stdout.write(
                f"Demo data (to try Kennisschakel out; --no-demo leaves it out): "
                f"{len(logins)} demo users, practices {_changes([str(practices)])}, "
                f"partnerships and exchanges {_changes([str(ledger)])}."
            )
        if skipped:
            # Expected when the register holds only the larger places abroad
            # (KENNISSCHAKEL_PLACES_MIN_POPULATION): such records are never guessed.
            self.stdout.write(
                f"  {len(skipped)} demo records left out: their place abroad is not in the "
                f"loaded list of places (fine for a quick install; -v 2 names them)."
            )
        demo = load_demo_wave()
        if demo and demo[1]:
            wave, code = demo
            self.stdout.write(
                f"  monitor demo wave '{wave}': access code for Enschede {code}"
                f" (shown once) at /monitor/{wave.slug}/"
            )
        # A closed wave with FICTITIOUS answers, so the report shows figures (one line,
        # only when it is made; monitor/practice.py).
        practice = load_practice_wave()
        if practice and practice[1]:
            self.stdout.write(
                f"  monitor practice wave '{practice[0]}': {practice[1]} fictitious responses"
                f" at /monitor/golven/{practice[0].slug}/"
            )
        self._indexes()

    def _indexes(self):
        # Save the practice search index now, so no worker builds it in a request.
        call_command("rebuild_index", stdout=self.stdout)
        # The matcher's candidate index, saved once for every worker (matching/match_index.py).
        from kennisschakel.matching.match_index import rebuild as rebuild_match_index

        built = rebuild_match_index()
        self.stdout.write(f"  match index: {built['candidates']} candidates ({built['seconds']} s)")


def _changes(reports: list[str]) -> str:
    """'12 new, 3 updated' summed over loader reports ('… N new, M updated, K unchanged')."""
    new = updated = 0
    for report in reports:
        found = _COUNTS.search(report)
        if found:
            new += int(found.group(1))
            updated += int(found.group(2))
    if not new and not updated:
        return "up to date"
    return f"{new} new, {updated} updated"
