"""Add the normalised hospital-number key and the keyed name tokens, and fill both for existing rows.

The key column is added without its unique constraint, filled, then made unique: existing hospital
numbers that differ only in case, width or spaces make the last step fail with the duplicate key,
which has to be resolved by hand (they are the same number written twice).
"""

import django.db.models.deletion
from django.db import migrations, models

import openspine.core.fields
import openspine.core.validators

BATCH = 1000


def fill_search_keys(apps, schema_editor):
    # The historical model uses the real EncryptedTextField, so ``name`` reads back decrypted.
    from openspine.core.validators import normalise_mrn
    from openspine.patients.models import name_token, name_token_terms

    Patient = apps.get_model("patients", "Patient")
    Token = apps.get_model("patients", "PatientNameToken")
    batch = []
    for patient in Patient.objects.order_by("pk").iterator(chunk_size=BATCH):
        patient.mrn_key = normalise_mrn(patient.mrn)
        batch.append(patient)
        if len(batch) >= BATCH:
            _write(Patient, Token, batch, name_token, name_token_terms)
            batch = []
    if batch:
        _write(Patient, Token, batch, name_token, name_token_terms)


def _write(Patient, Token, patients, name_token, name_token_terms):
    Patient.objects.bulk_update(patients, ["mrn_key"])
    Token.objects.filter(patient_id__in=[p.pk for p in patients]).delete()
    Token.objects.bulk_create(
        [
            Token(patient_id=p.pk, token=name_token(term))
            for p in patients
            for term in sorted(name_token_terms(p.name))
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0004_unique_national_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="mrn_key",
            field=openspine.core.fields.NormalisedField(
                blank=True,
                default="",
                editable=False,
                max_length=64,
                normalise=openspine.core.validators.normalise_mrn,
                source="mrn",
                verbose_name="hospital number search key",
            ),
        ),
        migrations.CreateModel(
            name="PatientNameToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(db_index=True, max_length=64, verbose_name="token")),
                (
                    "patient",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="name_tokens",
                        to="patients.patient",
                        verbose_name="patient",
                    ),
                ),
            ],
            options={
                "verbose_name": "name search token",
                "verbose_name_plural": "name search tokens",
            },
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="patient",
            name="mrn_key",
            field=openspine.core.fields.NormalisedField(
                blank=True,
                default="",
                editable=False,
                max_length=64,
                normalise=openspine.core.validators.normalise_mrn,
                source="mrn",
                unique=True,
                verbose_name="hospital number search key",
            ),
        ),
    ]
