from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_rechain_existing_events_with_the_audit_key'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(help_text='Position of the event in its stream, from 1.', verbose_name='sequence'),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('stream', 'seq'), name='audit_event_stream_seq_unique'),
        ),
    ]
