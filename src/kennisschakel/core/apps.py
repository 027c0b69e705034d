from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kennisschakel.core"
    label = "core"
    verbose_name = "Kennisschakel"
