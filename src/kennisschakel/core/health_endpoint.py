"""``GET /health``: the state of the service as JSON, for load balancers and monitoring.

The answer is ``{"status": "ok"|"fail", "checks": {name: {"ok": …, …}}}`` from every
check in :mod:`kennisschakel.core.health`, 200 when all are ok and 503 otherwise, never
cached.

It is answered by the first middleware, before everything else runs, because a probe
differs from a visitor: it calls over plain HTTP at an internal address (no HTTPS
redirect), with whatever Host header it has (no ALLOWED_HOSTS check: the answer names no
host and holds no link), every few seconds (no session, CSRF token, CSP nonce, language
or cookie). ``SECURE_REDIRECT_EXEMPT`` lists the path as well, in case the middleware
order ever changes.
"""

import logging

from django.http import HttpResponse, JsonResponse

from kennisschakel.core.health import run_checks

logger = logging.getLogger(__name__)

HEALTH_PATH = "/health"
ALLOWED_METHODS = ("GET", "HEAD")


def _uncached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def health_response(request) -> HttpResponse:
    if request.method not in ALLOWED_METHODS:
        response = HttpResponse(status=405)
        response["Allow"] = ", ".join(ALLOWED_METHODS)
        return _uncached(response)
    healthy, checks = run_checks()
    _log_change(healthy, checks)
    response = JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks},
        status=200 if healthy else 503,
    )
    if request.method == "HEAD":
        response.content = b""
    # Logged by _log_change when the state changes, not by Django on every poll.
    response._has_been_logged = True
    return _uncached(response)


_last_healthy: bool | None = None


def _log_change(healthy: bool, checks: dict) -> None:
    """One log line when this process's view of the health changes, not one per poll."""
    global _last_healthy
    if healthy == _last_healthy:
        return
    _last_healthy = healthy
    if healthy:
        logger.info("Health: ok again.")
    else:
        failing = sorted(name for name, result in checks.items() if not result["ok"])
        logger.warning("Health: failing checks: %s", ", ".join(failing))


class HealthEndpointMiddleware:
    """Answers ``/health`` itself; every other request passes through untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == HEALTH_PATH:
            return health_response(request)
        return self.get_response(request)
