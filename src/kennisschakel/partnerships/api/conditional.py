"""Optimistic concurrency for the API: the ``version`` field and ETag / If-Match."""

from rest_framework import serializers
from rest_framework.response import Response

from kennisschakel.core.versioning import (
    PreconditionFailed,
    VersionConflict,
    etag_for,
    expected_version_from,
)

VERSION_HELP = (
    "Every save raises it. Send the version you read (or its ETag in If-Match) with a "
    "change: when someone saved in between, the answer is 412 and nothing is changed."
)


def version_field():
    return serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP
    )


def expected_version(context, validated) -> int | None:
    """The version the client read: If-Match wins over a ``version`` in the body."""
    body = validated.pop("version", None)
    header = context.get("expected_version")
    return header if header is not None else body


class ConditionalUpdateMixin:
    """Optimistic concurrency over HTTP: ``ETag`` on reading, ``If-Match`` on changing.

    A change based on an older version answers 412 (problem+json) and writes nothing.
    Without ``If-Match`` the change is not checked (older clients keep working).
    """

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.method in ("PUT", "PATCH"):
            context["expected_version"] = expected_version_from(self.request)
        return context

    def perform_update(self, serializer):
        try:
            self._updated = serializer.save()
        except VersionConflict as conflict:
            raise PreconditionFailed() from conflict

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        response["ETag"] = etag_for(self._updated)
        return response
