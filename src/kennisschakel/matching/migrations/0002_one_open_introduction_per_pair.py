# One open introduction request per (asker, recipient) pair (issue 10: parallel requests
# created twins). Older open twins already stored are withdrawn first; the newest stays.

from django.conf import settings
from django.db import migrations, models


def withdraw_older_twins(apps, schema_editor):
    Introduction = apps.get_model("matching", "Introduction")
    seen = set()
    for introduction in Introduction.objects.filter(status="requested").order_by("-created_at"):
        pair = (introduction.asker_id, introduction.recipient_id)
        if pair in seen:
            Introduction.objects.filter(pk=introduction.pk).update(status="withdrawn")
        seen.add(pair)


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("register", "0002_contactperson"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(withdraw_older_twins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="introduction",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "requested")),
                fields=("asker", "recipient"),
                name="one_open_introduction_per_pair",
            ),
        ),
    ]
