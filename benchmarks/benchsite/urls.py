"""The project's URLs plus ``/__bench__/minimal/`` (see the package docstring)."""

from django.http import HttpResponse
from django.urls import include, path

import kennisschakel
from kennisschakel import urls as project_urls


def minimal(request):
    return HttpResponse(kennisschakel.__file__, content_type="text/plain; charset=utf-8")


urlpatterns = [
    path("__bench__/minimal/", minimal),
    path("", include(project_urls.urlpatterns)),
]
handler400 = getattr(project_urls, "handler400", None)
handler403 = getattr(project_urls, "handler403", None)
handler404 = getattr(project_urls, "handler404", None)
handler500 = getattr(project_urls, "handler500", None)
