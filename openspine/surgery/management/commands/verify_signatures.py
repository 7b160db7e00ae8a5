"""Recompute the hashes of signed operation records and report any changed since signing (T-43)."""

from django.core.management.base import BaseCommand, CommandError

from openspine.surgery import services


class Command(BaseCommand):
    help = "Report signed operation records whose content changed since signing (exit 1 if any)."

    def handle(self, *args, **options):
        tampered = services.tampered_operations()
        for operation in tampered:
            self.stdout.write(f"changed since signing: operation {operation.public_id}")
        if tampered:
            raise CommandError(f"{len(tampered)} signed operation record(s) changed since signing")
        self.stdout.write("all signed operation records match their signatures")
