from django.urls import path

from kennisschakel.register import views

app_name = "register"
urlpatterns = [
    path("gemeenten/", views.municipality_list, name="municipality-list"),
    path("gemeenten/<str:cbs_code>/", views.municipality_detail, name="municipality-detail"),
    path("organisaties/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisaties/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        "organisaties/<slug:slug>/bewerken/",
        views.OrganisationEditView.as_view(),
        name="organisation-edit",
    ),
    path("buitenland/", views.place_search, name="place-search"),
    path("partijen/zoeken/", views.party_suggest, name="party-suggest"),
    path("buitenland/plaatsen/<int:pk>/", views.place_detail, name="place-detail"),
    path("landen/", views.country_list, name="country-list"),
    path("landen/<str:iso2>/", views.country_detail, name="country-detail"),
    path("groeperingen/", views.grouping_list, name="grouping-list"),
    path("contactpersonen/", views.contact_list, name="contact-list"),
    path(
        "contactpersonen/<int:pk>/toestemming-vragen/",
        views.contact_request_consent,
        name="contact-request-consent",
    ),
    path("contactpersonen/<int:pk>/export/", views.contact_export, name="contact-export"),
    path("contactpersonen/<int:pk>/wissen/", views.contact_erase, name="contact-erase"),
    path("toestemming/<str:token>/", views.consent, name="consent"),
]
