from django.urls import path

from kennisschakel.matching import views

app_name = "matching"
urlpatterns = [
    path("hulp-zoeken/", views.ask, name="ask"),
    path("hulp-zoeken/introductie/", views.ask_introduce, name="ask-introduce"),
    path("kennisvragen/", views.question_list, name="question-list"),
    path("kennisvragen/nieuw/", views.question_create, name="question-create"),
    path("kennisvragen/<int:pk>/", views.question_detail, name="question-detail"),
    path("kennisvragen/<int:pk>/wijzigen/", views.question_edit, name="question-edit"),
    path("kennisaanbod/nieuw/", views.offer_create, name="offer-create"),
    path("kennisaanbod/<int:pk>/", views.offer_detail, name="offer-detail"),
    path("kennisaanbod/<int:pk>/wijzigen/", views.offer_edit, name="offer-edit"),
    path("introducties/", views.introduction_list, name="introduction-list"),
    path("introducties/nieuw/", views.introduction_create, name="introduction-create"),
    path("introducties/<int:pk>/", views.introduction_detail, name="introduction-detail"),
    path("internationaal/", views.international, name="international"),
]
