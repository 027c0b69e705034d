from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "kennisschakel.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships and exchange")
    # What this app makes in the background (files/kinds.py imports them on first use).
    file_kind_modules = ["kennisschakel.partnerships.councilnote_jobs"]

    def ready(self):
        from kennisschakel.partnerships import (
            balance_cache,  # noqa: F401  (ledger signals)
            rules,  # noqa: F401  (registers edit rules)
            waiting,
        )

        waiting.register_sections()  # Mijn Kennisschakel (core/waiting.py)
        from kennisschakel.partnerships import home

        home.register_contribution()  # the home page's figures (core/home.py)
        from kennisschakel.partnerships import sections

        sections.register_sections()  # municipality/organisation pages (core/party_sections.py)
        from kennisschakel.partnerships import seeding

        seeding.register_seed_steps()  # its steps of `kennisschakel seed` (core/seeding.py)
