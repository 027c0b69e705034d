from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kennisschakel.core.views import favicon

urlpatterns = [
    path("", include("kennisschakel.core.urls")),
    path("taal/", set_language, name="set_language"),
    # Browsers ask for /favicon.ico whatever the page says: the same picture, no 404.
    path("favicon.ico", favicon, name="favicon"),
    path("account/", include("kennisschakel.accounts.urls")),
    path("api/v1/", include("kennisschakel.api_urls")),
    path("beheer/", admin.site.urls),
    path("", include("kennisschakel.register.urls")),
    path("", include("kennisschakel.knowledge.urls")),
    path("", include("kennisschakel.partnerships.urls")),
    path("", include("kennisschakel.monitor.urls")),
    path("", include("kennisschakel.matching.urls")),
    path("", include("kennisschakel.files.urls")),
    path("", include("kennisschakel.notifications.urls")),
]
if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "kennisschakel.core.views.bad_request"
handler403 = "kennisschakel.core.views.permission_denied"
handler404 = "kennisschakel.core.views.page_not_found"
# A lost database connection outside a view is a 503 with Retry-After (core/outage.py).
handler500 = "kennisschakel.core.outage.server_error"
