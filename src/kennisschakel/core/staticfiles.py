"""Static files that cannot take the site down.

Django's manifest storage raises (and every page answers 500) when a file is missing from
``staticfiles.json``, which is what happened when `collectstatic` had run with a different
storage or not at all. Here a missing entry is logged and the plain name is used; the
system check below says what to run.
"""

import logging

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Warning, register
from django.core.files.storage import storages
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's hashed and compressed storage, without a 500 for a missing entry."""

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            logger.warning(
                "Static file %r is not in the manifest; serving it unhashed. "
                "Run `kennisschakel collectstatic --no-input`.",
                name,
            )
            return name


@register("staticfiles", deploy=True)
def check_static_manifest(app_configs=None, **kwargs):
    """With debug off, pages link hashed names that only `collectstatic` produces."""
    storage = storages["staticfiles"]
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.read_manifest() is not None:
        return []
    return [
        Warning(
            f"No static files manifest in {settings.STATIC_ROOT}.",
            hint="Run `kennisschakel collectstatic --no-input` after each install or upgrade.",
            id="kennisschakel.W001",
        )
    ]
