from django.urls import path

from kennisschakel.partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("partnerschappen/", views.partnership_list, name="partnership-list"),
    path("partnerschappen/nieuw/", views.partnership_create, name="partnership-create"),
    path("partnerschappen/balansen/", views.country_balance_list, name="balances"),
    path("partnerschappen/<slug:slug>/", views.partnership_detail, name="partnership-detail"),
    path("partnerschappen/<slug:slug>/wijzigen/", views.partnership_edit, name="partnership-edit"),
    path(
        "partnerschappen/<slug:slug>/deelname/",
        views.partnership_participation,
        name="partnership-participation",
    ),
    path(
        "partnerschappen/<slug:slug>/raadsinformatiebrief/",
        views.council_note,
        name="council-note",
    ),
    path(
        "partnerschappen/<slug:slug>/raadsinformatiebrief/pdf/",
        views.council_note_pdf,
        name="council-note-pdf",
    ),
    path(
        "partnerschappen/<slug:slug>/wederzijds-leren/",
        views.learning_assessment,
        name="learning-assessment",
    ),
    path("uitwisselingen/nieuw/", views.activity_create, name="activity-create"),
    path("uitwisselingen/<slug:slug>/", views.activity_detail, name="activity-detail"),
    path("uitwisselingen/<slug:slug>/wijzigen/", views.activity_edit, name="activity-edit"),
    path(
        "uitwisselingen/<slug:slug>/raadsinformatiebrief/",
        views.activity_council_note,
        name="activity-council-note",
    ),
    path(
        "uitwisselingen/<slug:slug>/raadsinformatiebrief/pdf/",
        views.activity_council_note_pdf,
        name="activity-council-note-pdf",
    ),
    path("netwerken/lidmaatschap/nieuw/", views.membership_create, name="membership-create"),
    path("netwerken/lidmaatschap/<int:pk>/", views.membership_edit, name="membership-edit"),
    path("netwerken/<slug:slug>/balans/", views.network_balance, name="network-balance"),
    path("landschap/", views.landscape, name="landscape"),
]
