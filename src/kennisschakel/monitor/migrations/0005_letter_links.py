from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("monitor", "0004_invitation_tracking")]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="helpdesk",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Printed on the letters, in the emails and under the questionnaire, e.g. "
                    "'Questions? Call 070 123 45 67 or email monitor@example.nl'."
                ),
                max_length=200,
                verbose_name="helpdesk line",
            ),
        ),
    ]
