from django.urls import path

from kennisschakel.files import views

app_name = "files"
urlpatterns = [
    path("bestanden/<uuid:job_id>/", views.job_page, name="job"),
    path("bestanden/<uuid:job_id>/download/", views.download, name="download"),
    path("bestanden/<uuid:job_id>/opnieuw/", views.retry, name="retry"),
]
