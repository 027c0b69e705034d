"""Everything under /api/v1/: the routes of every app's API (the project level, as urls.py).

What all APIs share (problem answers, pagination, the OpenAPI schema class, the docs
page) lives in core/api/; only this list names the apps.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from kennisschakel.accounts.api import TokenView
from kennisschakel.core.api.docs import ApiDocsView
from kennisschakel.files import api as files_api
from kennisschakel.knowledge import api as knowledge_api
from kennisschakel.matching import api as matching_api
from kennisschakel.monitor import api as monitor_api
from kennisschakel.partnerships import api as partnerships_api
from kennisschakel.register import api as register_api

router = SimpleRouter(trailing_slash=False)
router.register("municipalities", register_api.MunicipalityViewSet, basename="municipality")
router.register(
    "former-municipalities", register_api.FormerMunicipalityViewSet, basename="former-municipality"
)
router.register("mergers", register_api.MergerViewSet, basename="merger")
router.register("provinces", register_api.ProvinceViewSet, basename="province")
router.register("size-schemes", register_api.SizeSchemeViewSet, basename="size-scheme")
router.register("groupings", register_api.GroupingViewSet, basename="grouping")
router.register("countries", register_api.CountryViewSet, basename="country")
router.register("places", register_api.ForeignPlaceViewSet, basename="place")
router.register("organisations", register_api.OrganisationViewSet, basename="organisation")
router.register("practices", knowledge_api.PracticeViewSet, basename="practice")
router.register("partnerships", partnerships_api.PartnershipViewSet, basename="partnership")
router.register("activities", partnerships_api.ActivityViewSet, basename="activity")
router.register("network-memberships", partnerships_api.MembershipViewSet, basename="membership")
router.register("reciprocity", partnerships_api.ReciprocityViewSet, basename="reciprocity")
router.register("instruments", monitor_api.InstrumentViewSet, basename="instrument")
router.register("waves", monitor_api.WaveViewSet, basename="wave")
router.register("questions", matching_api.QuestionViewSet, basename="question")
router.register("offers", matching_api.OfferViewSet, basename="offer")
router.register("introductions", matching_api.IntroductionViewSet, basename="introduction")
router.register("file-jobs", files_api.FileJobViewSet, basename="file-job")

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("docs", ApiDocsView.as_view(), name="docs"),
    path("tokens", TokenView.as_view(), name="tokens"),
    path("matches", matching_api.MatchView.as_view(), name="matches"),
    path("waves/<slug:slug>/answers", monitor_api.AnswersView.as_view(), name="wave-answers"),
    path("waves/<slug:slug>/answers/submit", monitor_api.SubmitView.as_view(), name="wave-submit"),
    path("", include(router.urls)),
]
