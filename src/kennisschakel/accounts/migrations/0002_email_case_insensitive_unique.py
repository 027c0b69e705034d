"""One account per email address whatever its case: store addresses normalised, then let
the database refuse a second account that differs only in case."""

import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Lower, Trim


def normalise_stored_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    clashes = (
        User.objects.annotate(normalised=Lower(Trim("email")))
        .values("normalised")
        .annotate(count=models.Count("id"))
        .filter(count__gt=1)
    )
    names = sorted(row["normalised"] for row in clashes)
    if names:
        raise RuntimeError(
            "These email addresses belong to more than one account when case is ignored; "
            "merge or rename them before migrating: " + ", ".join(names)
        )
    for user in User.objects.exclude(email=Lower(Trim("email"))):
        User.objects.filter(pk=user.pk).update(email=user.email.strip().lower())


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_stored_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                name="accounts_user_email_case_insensitive_unique",
                violation_error_message="An account with this email address already exists.",
            ),
        ),
    ]
