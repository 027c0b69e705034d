from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("monitor", "0005_letter_links")]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="is_practice",
            field=models.BooleanField(
                default=False,
                help_text="Its answers are invented: it is never counted with real waves.",
                verbose_name="practice wave (fictitious answers)",
            ),
        ),
    ]
