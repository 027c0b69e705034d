from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "kennisschakel.files"
    label = "files"
    verbose_name = _("Generated files")
    default_auto_field = "django.db.models.BigAutoField"
