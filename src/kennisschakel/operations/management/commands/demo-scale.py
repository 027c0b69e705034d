"""``kennisschakel demo-scale``: national-scale SYNTHETIC data for benchmarks.

    kennisschakel demo-scale                      # 100,000 practices, 1,000,000 exchanges, 10 waves
    kennisschakel demo-scale --practices 2000 --exchanges 20000 --waves 2
    kennisschakel demo-scale --replace            # remove earlier synthetic rows first
    kennisschakel demo-scale --purge              # only remove the synthetic rows

PostgreSQL only (``--force`` for another database, e.g. a test on SQLite). Refuses a
database that holds real content beyond the demo seed: generated rows are never mixed
with real data. Everything generated is marked (see ``operations/scale/markers.py``).
"""

import multiprocessing
import os
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction

from kennisschakel.operations.scale import generate, hooks, markers
from kennisschakel.operations.scale import waves as scale_waves
from kennisschakel.register.models import Municipality


class Command(BaseCommand):
    help = "Generate national-scale SYNTHETIC data (practices, exchanges, monitor waves)."
    # No URL or template checks: a data command must not depend on every view importing.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--practices", type=int, default=100_000)
        parser.add_argument("--exchanges", type=int, default=1_000_000)
        parser.add_argument("--waves", type=int, default=10)
        parser.add_argument("--seed", type=int, default=generate.Plan.seed)
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="Processes that analyse practice texts (1: in this process).",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run on a database other than PostgreSQL."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Remove earlier synthetic rows first."
        )
        parser.add_argument("--purge", action="store_true", help="Only remove synthetic rows.")
        parser.add_argument(
            "--checksum", action="store_true", help="Print a checksum of the generated rows."
        )
        parser.add_argument(
            "--no-index",
            action="store_true",
            help="Skip rebuilding the persisted search and match indexes afterwards.",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql" and not options["force"]:
            raise CommandError(
                f"demo-scale writes national-scale data for PostgreSQL benchmarks; this "
                f"database is {connection.vendor}. Use --force to run it anyway."
            )
        real = markers.real_content()
        if real:
            raise CommandError(
                "This database holds content that is neither the demo seed nor synthetic ("
                + ", ".join(real)
                + "). demo-scale never mixes generated rows with real data: use an empty "
                "database (kennisschakel migrate && kennisschakel seed)."
            )
        if options["purge"] or options["replace"]:
            started = time.perf_counter()
            with transaction.atomic():
                removed = markers.purge()
            self.stdout.write(
                f"Removed synthetic rows: {removed} ({time.perf_counter() - started:.1f} s)"
            )
            if options["purge"]:
                return
        elif markers.has_marker():
            raise CommandError(
                "This database already holds synthetic data; use --replace to generate it anew."
            )
        if not Municipality.objects.exists():
            self.stdout.write("No reference data yet: running `kennisschakel seed` first.")
            call_command("seed", stdout=self.stdout)

        plan = generate.Plan(
            practices=options["practices"],
            exchanges=options["exchanges"],
            waves=options["waves"],
            seed=options["seed"],
            jobs=max(1, options["jobs"]),
        )
        pool = None
        if plan.jobs > 1 and plan.practices >= 1000:
            # Forked workers only analyse text; they never touch the database connection,
            # which is closed before the fork all the same.
            connections.close_all()
            pool = multiprocessing.get_context("fork").Pool(plan.jobs)
        timings = {}
        try:
            with transaction.atomic():
                markers.ensure_marker()
                started = time.perf_counter()
                published = generate.practices(plan, pool, report=self.stdout.write)
                adoptions = generate.adoptions(plan, published)
                timings["practices"] = time.perf_counter() - started
                self.stdout.write(
                    f"Practices: {plan.practices:,} ({len(published):,} published, "
                    f"{adoptions:,} adoptions) in {timings['practices']:.1f} s"
                )
                started = time.perf_counter()
                partnerships, activities, sides = generate.exchanges(plan, report=self.stdout.write)
                timings["exchanges"] = time.perf_counter() - started
                self.stdout.write(
                    f"Exchanges: {activities:,} with {sides:,} sides in {partnerships:,} "
                    f"partnerships in {timings['exchanges']:.1f} s"
                )
                started = time.perf_counter()
                waves, invitations, submitted = scale_waves.waves(plan)
                timings["waves"] = time.perf_counter() - started
                self.stdout.write(
                    f"Monitor: {waves} waves, {invitations:,} invitations, {submitted:,} "
                    f"submitted in {timings['waves']:.1f} s"
                )
                started = time.perf_counter()
            timings["commit"] = time.perf_counter() - started
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        self.stdout.write(f"Commit: {timings['commit']:.1f} s")
        started = time.perf_counter()
        self._after_load(rebuild=not options["no_index"])
        timings["after"] = time.perf_counter() - started
        self.stdout.write(
            f"Done in {sum(timings.values()):.1f} s "
            f"(statistics and search index: {timings['after']:.1f} s)"
        )
        if options["checksum"]:
            self.stdout.write(f"Counts: {markers.counts()}")
            self.stdout.write(f"Checksum: {markers.checksum()}")

    def _after_load(self, rebuild: bool) -> None:
        """Planner statistics for the new rows, and whatever index the search keeps."""
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for line in hooks.after_bulk_load() if rebuild else []:
            self.stdout.write(line)
