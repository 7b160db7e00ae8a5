"""Load the synthetic demo department (idempotent; refuses to run in production)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from openspine.demo import seed


class Command(BaseCommand):
    help = "Create a synthetic demo department: staff for every role, patients, operations, follow-ups."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")
        parser.add_argument("--years", type=int, default=3, help="Years of activity to create.")
        parser.add_argument("--operations-per-year", type=int, default=3000, help="Operations per year.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo never runs in production: its accounts share a known password.")
        if seed.already_seeded():
            self.stdout.write("Demo data already present; nothing to do.")
        else:
            started = time.monotonic()
            # Query logging (DEBUG) would keep every query in memory and slow the seed down.
            with override_settings(DEBUG=False):
                counts = seed.seed(
                    seed=options["seed"],
                    years=options["years"],
                    per_year=options["operations_per_year"],
                    progress=lambda done, total: self.stdout.write(f"  {done} / {total} patients seeded"),
                )
            elapsed = time.monotonic() - started
            created = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
            self.stdout.write(f"Created {created} in {elapsed:.0f} s.")
        self.stdout.write(f"Demo logins (password for all: {seed.DEMO_PASSWORD}):")
        for username, role in seed.PERSONAS:
            self.stdout.write(f"  {username:<13} {role}")
