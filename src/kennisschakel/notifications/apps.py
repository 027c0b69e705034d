from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "kennisschakel.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kennisschakel.notifications import tasks, waiting

        waiting.register_sections()  # Mijn Kennisschakel (core/waiting.py)
        tasks.connect()  # the digest pass rides on the worker's outbox sweep
