"""Verify the audit trail's hash chain; name the first altered event and exit non-zero if any."""

from django.core.management.base import BaseCommand, CommandError

from openspine.audit.models import AuditEvent
from openspine.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the hash chain of the audit trail and name the first tampered event."

    def handle(self, *args, **options):
        broken = verify_chain()
        if broken is not None:
            raise CommandError(f"TAMPERED: audit event {broken} does not match its hash chain.")
        self.stdout.write(f"OK: {AuditEvent.objects.count()} audit events verified.")
