"""OpenAPI descriptions shared by the API modules: problems, ETag and If-Match, and
what every operation has in common (400 problem+json, the API-Version header).

The behaviour lives in ``core.api.problems`` (problem+json), ``core.api.middleware``
(API-Version) and ``core.versioning`` (ETag / If-Match / 412); this module only says so
in the OpenAPI document, so that clients (and schemathesis) know these answers exist.
``AutoSchema`` is the DEFAULT_SCHEMA_CLASS of REST_FRAMEWORK.
"""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from kennisschakel.core.api.problems import PROBLEM_CONTENT_TYPE

__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "ETAG_HEADER",
    "IF_MATCH_HEADER",
    "AutoSchema",
    "conditional_update",
    "problem_response",
]


class ProblemSerializer(serializers.Serializer):
    """An error as application/problem+json (RFC 9457)."""

    type = serializers.CharField(default="about:blank")
    title = serializers.CharField(help_text="The HTTP status phrase, e.g. 'Conflict'.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong, for people.")
    instance = serializers.CharField(required=False, help_text="The path that was asked.")


def problem_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ProblemSerializer, description=description)


ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    description='The version of the object, e.g. `"3"`. Send it back in `If-Match` when '
    "you change the object.",
    response=[200],
)

IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag you read (e.g. `"3"`). When someone else saved the object since, '
    "the change is refused with 412 and nothing is written. Without it (and without a "
    "`version` field in the body) the change is not checked. `*` matches any version.",
)


def conditional_update(serializer) -> dict:
    """``extend_schema`` arguments for a PUT/PATCH guarded by ``If-Match`` / ``version``."""
    return {
        "parameters": [IF_MATCH_HEADER, ETAG_HEADER],
        "responses": {
            200: serializer,
            (412, PROBLEM_CONTENT_TYPE): problem_response(
                "Precondition Failed: the version in If-Match (or the `version` field) is no "
                "longer the current one; someone else saved in between. Nothing was written."
            ),
        },
    }


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The field or parameter, e.g. `title` or `domains[0]`.")
    reason = serializers.CharField(help_text="Why its value was refused.")


class ValidationProblemSerializer(ProblemSerializer):
    """A 400 answer: the problem and, when fields were refused, each field and why."""

    invalid_params = InvalidParamSerializer(many=True, required=False)


BAD_REQUEST = OpenApiResponse(
    ValidationProblemSerializer,
    description="Bad Request: malformed or invalid input (a parameter, header or body the API "
    "cannot use). `invalid_params` names each refused field and why.",
)

# Sent on every answer under /api/ by core.api.middleware.ApiVersionMiddleware.
API_VERSION_HEADER = {
    "description": "The full version of the API that answered (semantic versioning), "
    f"e.g. `{settings.API_VERSION}`.",
    "required": True,
    "schema": {"type": "string", "example": settings.API_VERSION},
}


class AutoSchema(openapi.AutoSchema):
    """Documents what every API answer has in common (NL API Design Rules).

    Each operation gets a 400 application/problem+json answer — every operation can
    get malformed input (core.middleware.MalformedInputMiddleware answers NUL bytes and
    out-of-range numbers anywhere with 400, serializers refuse invalid bodies) — and
    every answer the ``API-Version`` header that ``ApiVersionMiddleware`` adds.
    """

    # drf-spectacular (pinned) builds every operation's responses here; the contract is
    # held by tests/test_api_urls.py and `make lint-api`.
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if "400" not in responses:
            responses["400"] = self._get_response_for_code(
                BAD_REQUEST, "400", [PROBLEM_CONTENT_TYPE], direction
            )
        for response in responses.values():
            response["headers"] = {"API-Version": API_VERSION_HEADER, **response.get("headers", {})}
        return dict(sorted(responses.items()))
