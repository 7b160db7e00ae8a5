from django.core.management.base import BaseCommand, CommandError

from openspine.accounts.models import Department
from openspine.analytics import services


class Command(BaseCommand):
    help = "Refit each department's risk models on its own signed data; each attempt becomes a new version."

    def add_arguments(self, parser):
        parser.add_argument("--department", help="Department code (default: every department).")

    def handle(self, *args, **options):
        departments = Department.objects.order_by("code")
        if options["department"]:
            departments = departments.filter(code=options["department"])
            if not departments.exists():
                known = ", ".join(Department.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(f"department: no department {options['department']!r}; known: {known}")
        for department in departments:
            for version in services.fit_risk_models(department):
                detail = (
                    f"C {version.c_statistic:.3f}, slope {version.calibration_slope:.2f}"
                    if version.is_fitted
                    else version.refusal_reason
                )
                self.stdout.write(
                    f"{department.code} {version.label}: {version.status}, n {version.n}, "
                    f"events {version.events}; {detail}"
                )
