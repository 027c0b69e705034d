"""Practices in and out as spreadsheets: the import page and the CSV/JSON export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kennisschakel.core.permissions import can_create
from kennisschakel.knowledge.forms import ImportForm
from kennisschakel.knowledge.models import Adoption, Practice
from kennisschakel.knowledge.spreadsheets import export_csv, export_json, import_practices


@login_required
def practice_import(request):
    if not can_create(request.user, Practice):
        raise PermissionDenied(_("Only contributors can import practices."))
    form = ImportForm(request.POST or None, request.FILES or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = import_practices(
            upload.name, upload.read(), request.user, publish=form.cleaned_data["publish"]
        )
        if not outcome.problems:
            messages.success(
                request, _("%(count)s practices imported.") % {"count": len(outcome.created)}
            )
            return redirect("knowledge:my-practices")
    invalid = request.method == "POST" and (not form.is_valid() or outcome.problems)
    status = 400 if invalid else 200
    return render(
        request, "knowledge/import_form.html", {"form": form, "outcome": outcome}, status=status
    )


def practice_export(request, fmt):
    if fmt not in ("csv", "json"):
        raise Http404
    practices = (
        Practice.objects.published()
        .select_related("owner")
        .prefetch_related(Prefetch("domains"))
        .annotate(
            adopted_count=Count(
                "adoptions",
                filter=Q(
                    adoptions__outcome__in=[Adoption.Outcome.ADOPTED, Adoption.Outcome.ADAPTED]
                ),
            )
        )
        .order_by("pk")
    )
    if fmt == "csv":
        response = HttpResponse(export_csv(practices), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export_json(practices), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="praktijken.{fmt}"'
    return response
