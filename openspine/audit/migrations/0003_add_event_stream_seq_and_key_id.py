from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_add_rowchange_and_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='stream',
            field=models.PositiveSmallIntegerField(default=0, help_text='Which of the independent audit chains the event belongs to.', verbose_name='stream'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='seq',
            field=models.PositiveBigIntegerField(null=True, help_text='Position of the event in its stream, from 1.', verbose_name='sequence'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(default='', help_text='Which audit key sealed the event.', max_length=32, verbose_name='key id'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='hash',
            field=models.CharField(help_text='HMAC-SHA-256 of the previous hash and this event.', max_length=64, unique=True, verbose_name='hash'),
        ),
    ]
