from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kennisschakel.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from kennisschakel.accounts import seeding

        seeding.register_seed_steps()  # its steps of `kennisschakel seed` (core/seeding.py)
