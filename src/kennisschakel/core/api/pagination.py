from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    # Query parameters are lower camelCase (NL API Design Rules): ?page=2&pageSize=100.
    page_size_query_param = "pageSize"
    max_page_size = 500

    def get_page_size(self, request):
        """The asked page size, at most max_page_size; malformed is 400, not ignored
        (DRF's default silently falls back to the default size)."""
        raw = request.query_params.get(self.page_size_query_param, "")
        if raw == "":
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: _("'%(value)s' is not a whole number of 1 or more.")
                    % {"value": raw[:20]}
                }
            )
        return min(int(raw), self.max_page_size)
