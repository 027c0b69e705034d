"""Errors as ``application/problem+json`` (RFC 9457), for DRF views and plain Django 404/500."""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_body(status_code: int, detail: str, instance: str = "", **extra) -> dict:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def _field_errors(data) -> list[dict]:
    """Flatten DRF's nested validation errors into a list of {name, reason}."""
    errors = []

    def walk(value, path):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict | list):
                    walk(item, f"{path}[{index}]")
                else:
                    errors.append({"name": path or "non_field_errors", "reason": str(item)})
        else:
            errors.append({"name": path or "non_field_errors", "reason": str(value)})

    walk(data, "")
    return errors


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or _("The requested resource does not exist."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.get_full_path() if request else ""
    if isinstance(exc, exceptions.ValidationError):
        body = problem_body(
            response.status_code,
            _("The request contains invalid data."),
            instance,
            invalid_params=_field_errors(response.data),
        )
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        body = problem_body(response.status_code, str(detail), instance)
    problem = Response(body, status=response.status_code, headers=dict(response.items()))
    problem.content_type = PROBLEM_CONTENT_TYPE
    return problem


def problem_response(request, status_code: int, detail: str) -> JsonResponse:
    return JsonResponse(
        problem_body(status_code, detail, request.get_full_path()),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def bad_request(detail: str) -> Response:
    response = Response(problem_body(status.HTTP_400_BAD_REQUEST, detail), status=400)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
