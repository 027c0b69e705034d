import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_invitation_emails(apps, schema_editor):
    """Every invitation's own address becomes its first contact address (lower case)."""
    Invitation = apps.get_model("monitor", "Invitation")
    ContactAddress = apps.get_model("monitor", "ContactAddress")
    rows = [
        ContactAddress(invitation_id=pk, email=email.strip().lower())
        for pk, email in Invitation.objects.exclude(email="").values_list("pk", "email")
    ]
    ContactAddress.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0003_wave_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="emailed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="codes_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="invitation",
            name="codes_changed_by",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.CreateModel(
            name="ContactAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254, verbose_name="email address")),
                ("added_at", models.DateTimeField(auto_now_add=True)),
                ("bounced_at", models.DateTimeField(blank=True, null=True)),
                ("bounce_reason", models.CharField(blank=True, max_length=300)),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "invitation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="contact_addresses",
                        to="monitor.invitation",
                    ),
                ),
            ],
            options={
                "verbose_name": "contact address",
                "verbose_name_plural": "contact addresses",
                "ordering": ["invitation", "added_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("invitation", "email"), name="one_contact_address_per_invitation"
                    )
                ],
                "indexes": [models.Index(fields=["email"], name="contact_address_email")],
            },
        ),
        migrations.RunPython(copy_invitation_emails, migrations.RunPython.noop),
    ]
