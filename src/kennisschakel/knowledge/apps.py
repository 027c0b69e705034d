from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "kennisschakel.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge bank")

    def ready(self):
        from kennisschakel.knowledge import rules  # noqa: F401  (registers edit rules)
