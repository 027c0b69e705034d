from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kennisschakel.matching"
    verbose_name = _("Questions, offers and matchmaking")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kennisschakel.core import warmup
        from kennisschakel.matching import (
            health,  # noqa: F401  (the /health 'match_index' check)
            rules,  # noqa: F401  (registers permission rules)
        )
        from kennisschakel.matching.index_changes import connect
        from kennisschakel.matching.match_index import warm_up

        connect()  # number every write that changes a matcher candidate
        health.register_rebuild()  # its full rebuild on the status page (core/status/)
        warmup.register("match_index")(warm_up)
        from kennisschakel.matching import waiting

        waiting.register_sections()  # Mijn Kennisschakel (core/waiting.py)
        from kennisschakel.matching import sections

        sections.register_sections()  # municipality/organisation pages (core/party_sections.py)
        from kennisschakel.matching import scheduling

        # Rebuilds queued when wanted; saved questions re-matched after them and periodically.
        scheduling.connect()
        from kennisschakel.matching import exchange_prefill

        exchange_prefill.register()  # the exchange form starts from an accepted introduction
        from kennisschakel.matching import seeding

        seeding.register_seed_steps()  # its steps of `kennisschakel seed` (core/seeding.py)
