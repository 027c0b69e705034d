from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "kennisschakel.monitor"
    verbose_name = _("Monitor")
    default_auto_field = "django.db.models.BigAutoField"
    # What this app makes in the background (files/kinds.py imports them on first use).
    file_kind_modules = ["kennisschakel.monitor.pdfs", "kennisschakel.monitor.bulk.jobs"]

    def ready(self):
        from kennisschakel.monitor import (
            rules,  # noqa: F401  (registers permission rules)
            waiting,
        )

        waiting.register_sections()  # Mijn Kennisschakel (core/waiting.py)
        from kennisschakel.monitor import sections

        sections.register_sections()  # municipality/organisation pages (core/party_sections.py)
        from kennisschakel.monitor import bulk, schedule

        bulk.connect_bounces()  # a refused email marks the contact address (token list)
        schedule.connect()  # a wave opened or closed: notifications (after commit)
        from kennisschakel.monitor import seeding

        seeding.register_seed_steps()  # its steps of `kennisschakel seed` (core/seeding.py)
