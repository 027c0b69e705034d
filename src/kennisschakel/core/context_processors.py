from functools import cached_property

from django.conf import settings
from django.db import DatabaseError


class MineMenu:
    """The menu's "Mijn Kennisschakel (n)": counted only when a template asks for ``count``,
    once per request, with one query for the previous visit and one per counting section."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        from kennisschakel.core import waiting
        from kennisschakel.core.visits import previous_visit

        if not self.user.is_authenticated:
            return 0
        try:
            return waiting.waiting_count(self.user, previous_visit(self.user))
        except DatabaseError:  # an error page rendered during an outage still renders
            return 0


def site(request):
    context = {"oidc_enabled": getattr(settings, "OIDC_ENABLED", False)}
    user = getattr(request, "user", None)
    if user is not None:
        context["mine_menu"] = MineMenu(user)
    return context
