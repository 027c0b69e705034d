from django.urls import path

from kennisschakel.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("praktijken/", views.practice_list, name="practice-list"),
    path("praktijken/nieuw/", views.practice_create, name="practice-create"),
    path("praktijken/mijn-organisatie/", views.my_practices, name="my-practices"),
    path("praktijken/importeren/", views.practice_import, name="practice-import"),
    path("praktijken/export.<str:fmt>", views.practice_export, name="practice-export"),
    path("praktijken/<slug:slug>/", views.practice_detail, name="practice-detail"),
    path("praktijken/<slug:slug>/bewerken/", views.practice_edit, name="practice-edit"),
    path("praktijken/<slug:slug>/status/", views.practice_status, name="practice-status"),
    path("praktijken/<slug:slug>/bestanden/", views.attachment_upload, name="attachment-upload"),
    path(
        "praktijken/<slug:slug>/bestanden/<int:pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("praktijken/<slug:slug>/overname/", views.adoption_create, name="adoption-create"),
    path(
        "praktijken/<slug:slug>/overname/<int:pk>/reactie/",
        views.adoption_reply,
        name="adoption-reply",
    ),
]
