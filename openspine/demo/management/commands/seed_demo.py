"""Load the synthetic demo department (idempotent and resumable; refuses to run in production)."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from openspine.demo import seed
from openspine.demo.teaching_demo import seed_teaching


class Command(BaseCommand):
    help = "Create a synthetic demo department: staff for every role, patients, operations, follow-ups."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")
        parser.add_argument("--years", type=int, default=3, help="Years of activity to create.")
        parser.add_argument("--operations-per-year", type=int, default=3000, help="Operations per year.")
        parser.add_argument(
            "--operations",
            type=int,
            help="Index operations (one per patient) in all; overrides --operations-per-year.",
        )
        parser.add_argument(
            "--through-services",
            action="store_true",
            help="Write every record through the services, one at a time (slow; the reference path).",
        )
        parser.add_argument("--chunk", type=int, default=seed.CHUNK, help="Patients per transaction.")
        parser.add_argument(
            "--base-url",
            help="Address the demo is served on, for the questionnaire link printed at the end "
            "(default: OPENSPINE_SITE_URL, which is what links sent by the application use).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo never runs in production: its accounts share a known password.")
        for name in ("years", "operations_per_year", "operations", "chunk"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be a whole number of at least 1.")
        base_url = _checked_url(options["base_url"] or settings.SITE_URL)
        started = time.monotonic()
        # Query logging (DEBUG) would keep every query in memory and slow the seed down.
        with override_settings(DEBUG=False):
            counts = seed.seed(
                seed=options["seed"],
                years=options["years"],
                per_year=options["operations_per_year"],
                operations=options["operations"],
                through_services=options["through_services"],
                chunk=options["chunk"],
                progress=lambda done, total: self.stdout.write(f"  {done} / {total} patients seeded"),
            )
            counts.update(seed_teaching())  # after the bulk seed, whose statements stay per chunk
        if counts["patients"]:
            # Fresh planner statistics: tables that grew from nothing in a few minutes would
            # otherwise be planned as empty until autovacuum comes round (the E1 query took 18 s
            # instead of 0.2 s at 30,000 operations on PostgreSQL).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        if not counts["patients"]:
            self.stdout.write("Demo data already present; nothing to do.")
        else:
            created = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in counts.items())
            rate = counts["operations"] / elapsed if elapsed else 0
            self.stdout.write(f"Created {created} in {elapsed:.1f} s ({rate:.0f} operations/s).")
            self._print_portal_link(base_url)
        self.stdout.write(f"Demo logins (password for all: {seed.DEMO_PASSWORD}):")
        for username, role in seed.PERSONAS:
            self.stdout.write(f"  {username:<13} {role}")

    def _print_portal_link(self, base_url: str) -> None:
        found = seed.try_portal_link(base_url)
        if found is None:
            return
        url, mrn = found
        self.stdout.write(f"A patient's questionnaire link: {url}")
        self.stdout.write(
            f"  (its identity check asks for the birth year and the last four phone digits of {mrn})"
        )


def _checked_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(
            f"--base-url must be an http:// or https:// address, e.g. http://127.0.0.1:8000; got {url!r}."
        )
    return url.rstrip("/")
