from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "kennisschakel.register"
    label = "register"
    verbose_name = _("Register")

    def ready(self):
        from kennisschakel.register import rules  # noqa: F401  (registers edit rules)
