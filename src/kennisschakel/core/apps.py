from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kennisschakel.core"
    label = "core"
    verbose_name = "Kennisschakel"

    def ready(self):
        from kennisschakel.core import staticfiles  # noqa: F401  (registers its system check)
