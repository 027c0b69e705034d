"""GET /partijen/zoeken/?q=…&kinds=municipality,place,organisation: the combobox's
suggestions (register/parties.py). JSON by default (``{"results": [...]}``); an HTML
fragment of ``<li role="option">`` items when asked with ``Accept: text/html`` (htmx).
Bad input answers 400 with a Dutch message, never 500."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kennisschakel.register import parties

MAX_LIMIT = 20


def _bad_request(request, message: str):
    if _wants_html(request):
        response = render(request, "register/_party_options.html", {"error": message})
        response.status_code = 400
        return response
    return JsonResponse({"detail": message}, status=400)


def _wants_html(request) -> bool:
    accept = request.headers.get("Accept", "")
    return bool(request.headers.get("HX-Request")) or (
        "text/html" in accept and "application/json" not in accept
    )


@require_GET
def party_suggest(request):
    kinds_param = request.GET.get("kinds", "")
    kinds = tuple(k for k in kinds_param.split(",") if k) or parties.PARTY_KINDS
    if any(kind not in parties.ALL_KINDS for kind in kinds):
        return _bad_request(
            request,
            _("Unknown kind of party; choose from: %(kinds)s.")
            % {"kinds": ", ".join(parties.ALL_KINDS)},
        )
    try:
        limit = int(request.GET.get("limit", parties.DEFAULT_LIMIT))
    except ValueError:
        limit = -1
    if not 1 <= limit <= MAX_LIMIT:
        return _bad_request(
            request, _("The limit must be a whole number from 1 to %(max)s.") % {"max": MAX_LIMIT}
        )
    try:
        options = parties.suggest(request.GET.get("q", ""), kinds=kinds, limit=limit)
    except ValueError:
        return _bad_request(
            request,
            _("Type at most %(max)s characters.") % {"max": parties.MAX_QUERY_LENGTH},
        )
    if _wants_html(request):
        return render(request, "register/_party_options.html", {"options": options})
    return JsonResponse({"results": [option.as_dict() for option in options]})
