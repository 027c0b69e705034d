from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "kennisschakel.matching"
    verbose_name = _("Questions, offers and matchmaking")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kennisschakel.matching import rules  # noqa: F401  (registers permission rules)
