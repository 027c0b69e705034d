# The kind "new suggestions for a question" (matching/followup.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("introduction_requested", "introduction requested"),
                    ("introduction_accepted", "introduction accepted"),
                    ("introduction_declined", "introduction declined"),
                    ("exchange_to_confirm", "exchange to confirm"),
                    ("partnership_proposed", "partnership to confirm"),
                    ("adoption_reported", "adoption of a practice"),
                    ("monitor_invitation", "monitor invitation"),
                    ("monitor_results", "monitor results"),
                    ("new_suggestions", "new suggestions for a question"),
                ],
                max_length=40,
                verbose_name="kind",
            ),
        ),
    ]
