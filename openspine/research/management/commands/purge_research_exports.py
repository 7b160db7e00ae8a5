"""Delete research export files past their expiry (security.md T-49, RQ-22); run it daily from cron."""

from django.core.management.base import BaseCommand

from openspine.research.services import purge_expired_exports


class Command(BaseCommand):
    help = "Delete research export files whose 7-day retention has passed (each deletion is audited)."

    def handle(self, *args, **options):
        removed = purge_expired_exports()
        self.stdout.write(f"{removed} expired research export file(s) deleted.")
