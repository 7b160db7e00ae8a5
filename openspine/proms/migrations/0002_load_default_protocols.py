"""Load the proms.md §15 default protocols (version 1); existing protocols are left alone."""

from django.db import migrations


def load(apps, schema_editor):
    from openspine.proms.defaults import DEFAULT_PROTOCOLS

    Protocol = apps.get_model("proms", "Protocol")
    ProtocolVersion = apps.get_model("proms", "ProtocolVersion")
    Timepoint = apps.get_model("proms", "Timepoint")
    for area, group, name, timepoints in DEFAULT_PROTOCOLS:
        protocol, created = Protocol.objects.get_or_create(
            disease_area=area, procedure_group=group, defaults={"name": name}
        )
        if not created:
            continue
        version = ProtocolVersion.objects.create(protocol=protocol, number=1, note="proms.md §15 defaults")
        for position, data in enumerate(timepoints):
            Timepoint.objects.create(version=version, position=position, **data)


class Migration(migrations.Migration):
    dependencies = [("proms", "0001_follow_up_engine")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
