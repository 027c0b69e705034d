# Saved questions' current suggestions and what their askers have seen (followup.py).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_match_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="SuggestionState",
            fields=[
                (
                    "question",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="suggestion_state",
                        serialize=False,
                        to="matching.question",
                    ),
                ),
                ("current", models.JSONField(blank=True, default=list)),
                ("seen", models.JSONField(blank=True, default=list)),
                ("new_count", models.PositiveSmallIntegerField(default=0)),
                ("basis", models.CharField(blank=True, max_length=200)),
                ("refreshed_at", models.DateTimeField(blank=True, null=True)),
                ("seen_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "suggestions of a question",
                "verbose_name_plural": "suggestions of questions",
            },
        ),
    ]
