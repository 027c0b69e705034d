"""The project's own management commands: seed and createadmin."""

import io

import pytest
from django.core.management import CommandError, call_command

from kennisschakel.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_createadmin_makes_a_facilitator(monkeypatch):
    monkeypatch.setenv("KENNISSCHAKEL_ADMIN_PASSWORD", "een-sterk-beheerwachtwoord")
    call_command("createadmin", "--email", "Beheer@Hub.example", stdout=io.StringIO())
    admin = User.objects.get(email="beheer@hub.example")
    assert admin.is_superuser and admin.is_staff and admin.role == Role.FACILITATOR
    assert admin.check_password("een-sterk-beheerwachtwoord")


def test_createadmin_refuses_weak_password_and_duplicates(monkeypatch):
    monkeypatch.setenv("KENNISSCHAKEL_ADMIN_PASSWORD", "12345")
    with pytest.raises(CommandError):
        call_command("createadmin", "--email", "zwak@hub.example")
    assert not User.objects.filter(email="zwak@hub.example").exists()
    monkeypatch.setenv("KENNISSCHAKEL_ADMIN_PASSWORD", "een-sterk-beheerwachtwoord")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createadmin", "--email", "coordinator@enschede.example")


def test_seed_twice_reports_nothing_new():
    out = io.StringIO()
    call_command("seed", stdout=out, verbosity=2)  # -v 2: a line per table
    lines = [line for line in out.getvalue().splitlines() if ":" in line and "new" in line]
    # 11 reference loaders, monitor instruments, practices, contact points, partnerships
    assert len(lines) == 15
    assert all(": 0 new" in line for line in lines), lines
    assert all(" 0 updated" in line for line in lines if "updated" in line), lines
