from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kennisschakel.core"
    label = "core"
    verbose_name = "Kennisschakel"

    def ready(self):
        from kennisschakel.core import staticfiles  # noqa: F401  (registers its system check)
        from kennisschakel.core.background import health  # noqa: F401  (the /health 'tasks' check)
        from kennisschakel.core.health import database_check  # noqa: F401  (/health 'database')
