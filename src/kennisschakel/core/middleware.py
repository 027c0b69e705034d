import re

from django.conf import settings
from django.db import DataError
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from kennisschakel.core.api.middleware import API_PREFIX
from kennisschakel.core.api.problems import problem_response


class SiteLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the visitor chose English with the language switch.

    The site ignores the browser's Accept-Language: a Dutch municipal site is
    Dutch by default, even in a browser set to English. The API does honour
    Accept-Language, as HTTP clients expect.
    """

    def process_request(self, request):
        if request.path.startswith(API_PREFIX):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _has_nul(text: str) -> bool:
    return "\x00" in text


# A JSON string escape for U+0000 that is not itself an escaped backslash ("\\u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


class MalformedInputMiddleware:
    """Answer 400 to input no page can use, before any view or database sees it.

    NUL bytes are never meaningful in a slug, a search or a form field, and PostgreSQL
    refuses them in text (a 500 deep inside a query). Numbers beyond what a column holds
    reach the database as a DataError or OverflowError: the client's mistake too.
    Pages get a Dutch message (400.html), the API application/problem+json.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            return bad_request_response(request, _("The address or form contains a NUL byte."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DataError | OverflowError):
            return bad_request_response(
                request, _("A value in the request is too large or not valid for this field.")
            )
        return None

    @staticmethod
    def _carries_nul(request) -> bool:
        if _has_nul(request.path) or _has_nul(request.path_info):
            return True
        if any(_has_nul(key) or _has_nul(value) for key, value in _items(request.GET)):
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH"):
            if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                # Form fields only; CsrfViewMiddleware parses the body just the same.
                return any(_has_nul(k) or _has_nul(v) for k, v in _items(request.POST))
            if content_type.endswith("json"):
                return bool(_JSON_NUL.search(request.body))
        return False


def _items(querydict):
    for key, values in querydict.lists():
        for value in values:
            yield key, value


def bad_request_response(request, detail: str):
    if request.path.startswith(API_PREFIX):
        return problem_response(request, 400, detail)
    return render(request, "400.html", {"message": detail}, status=400)


class PermissionsPolicyMiddleware:
    """Switch off browser features the site never uses (settings.PERMISSIONS_POLICY)."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = settings.PERMISSIONS_POLICY
        self.header = ", ".join(f"{name}=({' '.join(allow)})" for name, allow in policy.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
