from django.db.models import Count
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from kennisschakel.core.sources import REPORTS
from kennisschakel.register import models as m


def home(request):
    counts = {
        "municipalities": m.Municipality.objects.count(),
        "organisations": m.Organisation.objects.exclude(
            type=m.Organisation.Type.MUNICIPALITY
        ).count(),
        "places": m.ForeignPlace.objects.count(),
        "groupings": m.Grouping.objects.count(),
    }
    provinces = m.Province.objects.annotate(count=Count("municipalities")).order_by("name")
    return render(request, "core/home.html", {"counts": counts, "provinces": provinces})


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
