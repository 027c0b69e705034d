import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def status_to_override(apps, schema_editor):
    """The stored status becomes the dates' business. A wave closed by hand before its
    closing date stays closed (override); every other wave follows its dates from now
    on. Waves that were open or closed had their notifications already: marked sent."""
    Wave = apps.get_model("monitor", "Wave")
    today, now = timezone.localdate(), timezone.now()
    Wave.objects.filter(status="closed", closes_on__gte=today).update(
        status_override="closed", status_override_at=now
    )
    Wave.objects.filter(status__in=["open", "closed"]).update(opened_announced_at=now)
    Wave.objects.filter(status="closed").update(closed_announced_at=now)


def override_to_status(apps, schema_editor):
    Wave = apps.get_model("monitor", "Wave")
    today = timezone.localdate()
    Wave.objects.filter(opens_on__lte=today, closes_on__gte=today).update(status="open")
    Wave.objects.filter(closes_on__lt=today).update(status="closed")
    Wave.objects.filter(status_override__in=["open", "closed"]).update(
        status=models.F("status_override")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0002_codeattempt_key_window"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="status_override",
            field=models.CharField(
                blank=True,
                choices=[("open", "opened by hand"), ("closed", "closed by hand")],
                default="",
                max_length=10,
                verbose_name="status set by hand",
            ),
        ),
        migrations.AddField(
            model_name="wave",
            name="status_override_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="wave",
            name="status_override_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="wave",
            name="opened_announced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="wave",
            name="closed_announced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(status_to_override, override_to_status),
        migrations.RemoveField(model_name="wave", name="status"),
    ]
