from django.urls import path

from kennisschakel.core import mine, views
from kennisschakel.core.status import views as status_views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    # Mijn Kennisschakel: what waits for the logged-in user (core/mine.py, core/waiting.py).
    path("mijn/", mine.mine, name="mine"),
    path("bronnen/", views.sources, name="sources"),
    # Facilitators: the system status and index rebuilds (core/status/).
    path("systeemstatus/", status_views.status_page, name="status"),
    path(
        "systeemstatus/<slug:index>/opnieuw-opbouwen/",
        status_views.rebuild,
        name="status-rebuild",
    ),
]
