from django.urls import path

from kennisschakel.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("partnerschappen/", views.partnership_list, name="partnership-list"),
    path("partnerschappen/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path(
        "partnerschappen/<slug:slug>/raadsinformatiebrief/",
        views.council_note,
        name="council-note",
    ),
    path(
        "partnerschappen/<slug:slug>/wederzijds-leren/",
        views.learning_assessment,
        name="learning-assessment",
    ),
    path("uitwisselingen/nieuw/", views.activity_create, name="activity-create"),
    path("uitwisselingen/<slug:slug>/", views.activity_detail, name="activity-detail"),
    path("landschap/", views.landscape, name="landscape"),
]
