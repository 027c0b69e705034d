# An optional English summary on practices (issue 12: English questions find Dutch practices).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0003_search_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="summary_en",
            field=models.TextField(
                blank=True,
                help_text="Optional: the summary for international partners and "
                "English-speaking colleagues. It is searched too.",
                max_length=1000,
                verbose_name="summary in English",
            ),
        ),
    ]
