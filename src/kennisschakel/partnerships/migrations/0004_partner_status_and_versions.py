# Issue 10: partner status (C16) and versions for optimistic concurrency (A5). Existing
# partner rows — demo data and everything recorded so far — become "confirmed" (the default).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('partnerships', '0003_regional_collaboration'),
    ]

    operations = [
        migrations.AddField(
            model_name='exchangeactivity',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='partnership',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='partnershippartner',
            name='status',
            field=models.CharField(choices=[('proposed', 'proposed'), ('confirmed', 'confirmed'), ('declined', 'declined')], default='confirmed', max_length=10, verbose_name='participation'),
        ),
    ]
