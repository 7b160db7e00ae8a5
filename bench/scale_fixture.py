"""Pick the scale benchmark's targets in a seeded database and open one questionnaire link; print JSON.

Run once per seeded database (by ``bench_scale.py``, with the seeding tree on ``PYTHONPATH``), so
every later run, whatever source tree it serves, measures the same patient, operation and link.
The output holds synthetic identifiers only and stays under ``var/``; nothing here is logged.
"""

import json
import os
import sys

import django


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openspine.settings")
    django.setup()
    from django.db.models import Count
    from django.utils import timezone

    from openspine.patients.models import Patient
    from openspine.proms import links
    from openspine.proms.choices import OPEN_STATES
    from openspine.proms.models import FollowUp

    # The patient with the most operations: the detail page with the longest related lists.
    patient = Patient.objects.annotate(n=Count("operations")).order_by("-n", "pk").first()
    operation = patient.operations.order_by("-performed_on", "-pk").first()
    today = timezone.localdate()
    follow_up = (
        FollowUp.objects.filter(state__in=OPEN_STATES, window_opens_on__lte=today, window_closes_on__gt=today)
        .exclude(patient__phone_last4="")
        .select_related("patient")
        .order_by("pk")
        .first()
    )
    if follow_up is None:
        print("no open follow-up to open a questionnaire link for", file=sys.stderr)
        return 1
    fixture = {
        "patient": str(patient.public_id),
        "patient_name": patient.name,
        "patient_mrn": patient.mrn,
        "operation": str(operation.public_id),
        "surgeon": "surgeon",
        "token": links.issue_link(follow_up),
        "birth_year": str(follow_up.patient.birth_date.year),
        "phone_last4": follow_up.patient.phone_last4,
    }
    print(json.dumps(fixture))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
