from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegisterConfig(AppConfig):
    name = "kennisschakel.register"
    label = "register"
    verbose_name = _("Register")

    def ready(self):
        from kennisschakel.register import (
            home,
            rules,  # noqa: F401  (registers edit rules)
            seeding,
        )

        seeding.register_seed_steps()  # its steps of `kennisschakel seed` (core/seeding.py)
        home.register_contribution()  # the register's size on the home page (core/home.py)
