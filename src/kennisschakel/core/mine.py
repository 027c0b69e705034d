"""*Mijn Kennisschakel* (/mijn/): the page after login — what waits for the user.

The page lives in ``core`` because it puts together what every app contributes through
the registry in :mod:`kennisschakel.core.waiting`; it imports no app. Showing the page
records the visit (:mod:`kennisschakel.core.visits`), so the next visit can mark what
is new since this one.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kennisschakel.core import waiting
from kennisschakel.core.visits import record_visit


@never_cache
@login_required
def mine(request):
    since = record_visit(request.user)
    parts = waiting.collect(request.user, since)
    waiting_total = sum(part.waiting for _section, part in parts)
    return render(
        request,
        "core/mine.html",
        {
            "since": since,
            "parts": parts,
            "waiting_total": waiting_total,
            # The menu shows the page's own figure: no second count, and the same number.
            "mine_menu": {"count": waiting_total},
            "has_organisation": waiting.has_organisation(request.user),
        },
    )
