from django.core.management.base import BaseCommand, CommandError

from openspine.proms import periodic


class Command(BaseCommand):
    help = "Run the scheduled follow-up work (invite, remind, call, mark missed); cron it hourly."

    def handle(self, *args, **options):
        report = periodic.run_all()
        self.stdout.write(report.summary())
        if report.failures:
            raise CommandError(f"periodic tasks failed: {', '.join(report.failures)}")
