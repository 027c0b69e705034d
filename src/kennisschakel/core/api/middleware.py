"""API conventions that apply to every response under /api/ (Dutch API Design Rules)."""

from django.conf import settings
from django.utils.translation import gettext as _

from kennisschakel.core.api.problems import problem_response

API_PREFIX = "/api/"


class ApiVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        # Unknown API paths and server errors come from Django, not DRF: give
        # them the same problem+json shape as every other API error.
        if response.status_code in (400, 404, 405, 500) and "json" not in response.get(
            "Content-Type", ""
        ):
            messages = {
                400: _("The request could not be understood."),
                404: _("There is no API resource at this address."),
                405: _("This method is not allowed on this resource."),
                500: _("An unexpected error occurred."),
            }
            response = problem_response(
                request, response.status_code, messages[response.status_code]
            )
        response["API-Version"] = settings.API_VERSION
        return response
