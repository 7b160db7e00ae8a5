"""Give every follow-up its patient's department, filled in SQL (one UPDATE ... FROM).

The column is added nullable and filled here; 0006 makes it required and indexes it. They are two
migrations because PostgreSQL refuses to alter a table with pending (deferred) foreign-key checks
in the transaction that updated it. On PostgreSQL the row capture records each filled row, as it
records every change (openspine.audit.triggers).
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE proms_followup
SET department_id = patients_patient.department_id
FROM patients_patient
WHERE patients_patient.id = proms_followup.patient_id AND proms_followup.department_id IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("patients", "0001_initial"),
        ("proms", "0004_worklist_open_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="followup",
            name="department",
            field=models.ForeignKey(
                editable=False,
                help_text="The department of the patient when the follow-up was scheduled.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="department",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
    ]
