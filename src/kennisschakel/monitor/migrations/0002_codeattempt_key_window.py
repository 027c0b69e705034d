from django.db import migrations, models


def clear_attempts(apps, schema_editor):
    # Old rows counted per client only, without a window: start afresh.
    apps.get_model("monitor", "CodeAttempt").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("monitor", "0001_initial")]

    operations = [
        migrations.RunPython(clear_attempts, migrations.RunPython.noop),
        migrations.RenameField(model_name="codeattempt", old_name="client", new_name="key"),
        migrations.AlterField(
            model_name="codeattempt",
            name="key",
            field=models.CharField(max_length=100, unique=True),
        ),
        migrations.AddField(
            model_name="codeattempt",
            name="window_started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
