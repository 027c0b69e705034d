from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "kennisschakel.files"
    label = "files"
    verbose_name = _("Generated files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from kennisschakel.core.background import startup
        from kennisschakel.files import tasks

        # The PDF rendering processes start with a worker that takes this queue.
        startup.register("pdf_processes")(tasks.start_rendering_processes)
