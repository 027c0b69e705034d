from django.urls import path

from kennisschakel.notifications import views

app_name = "notifications"
urlpatterns = [
    path("meldingen/", views.notification_list, name="list"),
    path("meldingen/<int:pk>/gelezen/", views.mark_read_view, name="mark-read"),
    path("meldingen/alles-gelezen/", views.mark_all_read_view, name="mark-all-read"),
    path("meldingen/e-mailoverzicht/", views.digest_preference, name="digest"),
]
