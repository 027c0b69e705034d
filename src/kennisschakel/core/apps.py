from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kennisschakel.core"
    label = "core"
    verbose_name = "Kennisschakel"

    def ready(self):
        from kennisschakel.core import staticfiles  # noqa: F401  (registers its system check)
        from kennisschakel.core.background import (
            health,  # noqa: F401  (the /health 'tasks' check)
            tasks,  # noqa: F401  (hands the outbox its send task)
        )
        from kennisschakel.core.health import database_check  # noqa: F401  (/health 'database')
        from kennisschakel.core.warmup import register

        register("urls_and_templates")(_load_urls_and_templates)


def _load_urls_and_templates() -> None:
    """Import every view (the URL configuration) and compile the base template in the master.

    A fresh worker otherwise spends over a second importing the views and the API on its
    first request; done before the fork, every worker shares the imported modules.
    """
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every urls.py and its views)
    get_template("base.html")
