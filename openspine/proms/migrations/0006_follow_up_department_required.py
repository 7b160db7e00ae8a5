"""Make the follow-up's department required and index the open follow-ups by department and due day."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("proms", "0005_follow_up_department"),
    ]

    operations = [
        migrations.AlterField(
            model_name="followup",
            name="department",
            field=models.ForeignKey(
                editable=False,
                help_text="The department of the patient when the follow-up was scheduled.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.department",
                verbose_name="department",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(
                condition=models.Q(("state__in", ["due", "invited", "opened"])),
                fields=["department", "due_on"],
                name="follow_up_open_by_department",
            ),
        ),
    ]
