"""OpenAPI descriptions shared by the API modules: problems, ETag and If-Match.

The behaviour lives in ``core.api.problems`` (problem+json) and ``core.versioning``
(ETag / If-Match / 412); this module only says so in the OpenAPI document, so that
clients (and schemathesis) know these answers exist.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from kennisschakel.core.api.problems import PROBLEM_CONTENT_TYPE

__all__ = [
    "PROBLEM_CONTENT_TYPE",
    "ETAG_HEADER",
    "IF_MATCH_HEADER",
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
