"""Hand out a stored file after the view has checked who may have it.

MEDIA_ROOT is never served directly (drafts' files would be public). The view
decides; this module delivers, in one of three ways chosen by the setting
``KENNISSCHAKEL_FILE_SERVING``:

- ``django`` (default): stream the file from Python (``FileResponse``);
- ``x-accel-redirect``: nginx sends it from an ``internal`` location at
  ``KENNISSCHAKEL_FILE_SERVING_PREFIX`` that aliases MEDIA_ROOT;
- ``x-sendfile``: Apache (mod_xsendfile) or lighttpd sends the file at the given path.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

MODES = ("django", "x-accel-redirect", "x-sendfile")


def serve_file(field_file, download_name: str, content_type: str, private: bool) -> HttpResponse:
    """The response that delivers ``field_file`` as a download named ``download_name``.

    ``private``: the file is not public (a draft's), so no shared cache may keep it.
    """
    mode = getattr(settings, "KENNISSCHAKEL_FILE_SERVING", "django")
    if mode not in MODES:
        raise ValueError(f"KENNISSCHAKEL_FILE_SERVING must be one of {MODES}, not {mode!r}")
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        prefix = settings.KENNISSCHAKEL_FILE_SERVING_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(field_file.name)}"
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = field_file.path
    else:
        try:
            handle = field_file.open("rb")
        except (FileNotFoundError, ValueError) as missing:
            raise Http404 from missing
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response
