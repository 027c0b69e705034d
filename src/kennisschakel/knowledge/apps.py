from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "kennisschakel.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge bank")

    def ready(self):
        from kennisschakel.core import warmup
        from kennisschakel.knowledge import (
            health,  # noqa: F401  (the /health 'search_index' check)
            rules,  # noqa: F401  (registers edit rules)
        )
        from kennisschakel.knowledge.index_changes import connect
        from kennisschakel.knowledge.search import warm_up

        connect()  # number every write that changes the search index
        health.register_rebuild()  # its full rebuild on the status page (core/status/)
        warmup.register("search_index")(warm_up)  # opened before gunicorn forks
        from kennisschakel.knowledge import waiting

        waiting.register_sections()  # Mijn Kennisschakel (core/waiting.py)
        from kennisschakel.knowledge import home

        home.register_contribution()  # the home page's figures (core/home.py)
        from kennisschakel.knowledge import sections

        sections.register_sections()  # municipality/organisation pages (core/party_sections.py)
        from kennisschakel.knowledge import seeding

        seeding.register_seed_steps()  # its steps of `kennisschakel seed` (core/seeding.py)
