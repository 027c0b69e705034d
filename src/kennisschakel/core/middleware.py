from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from kennisschakel.core.api.middleware import API_PREFIX


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
