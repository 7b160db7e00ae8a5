"""Encrypt the name, national ID and phone of existing patients and fill their search columns."""

from django.db import migrations

IDENTIFIER_COLUMNS = ["name", "national_id", "phone", "name_index", "national_id_index", "phone_index", "phone_last4"]


def encrypt_identifiers(apps, schema_editor):
    # The historical model uses the real EncryptedTextField: a plaintext value read back as is is
    # encrypted on save, and the derived columns are recomputed by their pre_save.
    Patient = apps.get_model("patients", "Patient")
    for patient in Patient.objects.all().iterator():
        patient.save(update_fields=IDENTIFIER_COLUMNS)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_encrypt_identifiers_add_consent"),
    ]

    operations = [
        migrations.RunPython(encrypt_identifiers, migrations.RunPython.noop),
    ]
