"""Verify the keyed audit chain and its anchors; name the first altered event per stream, exit 1 if any."""

from django.core.management.base import BaseCommand, CommandError

from openspine.audit.verify import verify_trail


class Command(BaseCommand):
    help = (
        "Check every audit event's MAC and chain link, stream by stream, and each stream against its "
        "anchored head (deleted newest events, truncation); name what was tampered with."
    )

    def handle(self, *args, **options):
        result = verify_trail()
        if not result.ok:
            raise CommandError("TAMPERED:\n" + "\n".join(f"  {problem}" for problem in result.problems))
        self.stdout.write(
            f"OK: {result.events} audit events in {result.streams} streams verified; "
            f"{result.anchored} anchored heads present."
        )
        for note in result.notes:
            self.stdout.write(f"note: {note}")
