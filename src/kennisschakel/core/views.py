from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from kennisschakel.core import home as home_registry
from kennisschakel.core.sources import REPORTS


def home(request):
    """The main job first: what do you want to know? Then what the hub holds (figures and
    recent practices and lessons, from the apps through core/home.py), who it is for and
    why to log in; the register's size only as a small line (register/home.py)."""
    return render(
        request,
        "core/home.html",
        {
            "figures": home_registry.figures(),
            "groups": home_registry.recent(),
            **home_registry.context(),
        },
    )


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: the same picture, no 404."""
    return redirect(static("kennisschakel/favicon.svg"), permanent=True)


def sources(request):
    """The five research reports, with full references (cited as "Monrooij (2021)")."""
    return render(request, "core/sources.html", {"reports": REPORTS.values()})


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
