from django.core.management import call_command
from django.core.management.base import BaseCommand

from kennisschakel.core.demo import load_demo_contacts, load_demo_data
from kennisschakel.knowledge.loaders import load_demo_practices
from kennisschakel.monitor.demo import load_demo_wave
from kennisschakel.monitor.instruments import load_instruments
from kennisschakel.partnerships.loaders import load_demo_partnerships
from kennisschakel.register.loaders import load_reference_data


class Command(BaseCommand):
    help = "Load reference data (register, taxonomies, places abroad) and demo data. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-demo", action="store_true", help="Skip the demo users.")

    def handle(self, *args, **options):
        self.stdout.write("Reference data:")
        load_reference_data(report=self.stdout.write)
        self.stdout.write(f"  monitor instruments: {load_instruments()}")
        if not options["no_demo"]:
            logins = load_demo_data()
            self.stdout.write(f"Demo data: {len(logins)} demo users present.")
            self.stdout.write(f"  practices from the sources: {load_demo_practices()}")
            self.stdout.write(f"  demo contact points: {load_demo_contacts()} new")
            ledger = load_demo_partnerships()
            self.stdout.write(f"  partnerships, memberships, exchanges: {ledger}")
            for reason in ledger.objects.get("skipped", []):
                self.stdout.write(f"    not loaded: {reason}")
            demo = load_demo_wave()
            if demo and demo[1]:
                wave, code = demo
                self.stdout.write(
                    f"  monitor demo wave '{wave}': access code for Enschede {code}"
                    f" (shown once) at /monitor/{wave.slug}/"
                )
        # Save the practice search index now, so no worker builds it in a request.
        call_command("rebuild_index", stdout=self.stdout)
        # The matcher's candidate index, saved once for every worker (matching/match_index.py).
        from kennisschakel.matching.match_index import rebuild as rebuild_match_index

        built = rebuild_match_index()
        self.stdout.write(f"  match index: {built['candidates']} candidates ({built['seconds']} s)")
