"""Results of a wave: the analyst report (page, PDF, JSON) and "where do we stand".

* The report shows aggregates only, small cells suppressed (``Wave.min_cell``):
  anyone may read it once the wave is closed; before that only facilitators.
* "Where do we stand" shows one municipality its own answers beside its size class,
  the country and the printed figures. Only that municipality sees it: its logged-in
  people (``rules.may_see_own_answers``) or the holder of its code in this session.
  Nobody else, facilitators included, and never before the wave is closed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.core.i18n import current_language
from kennisschakel.monitor import charts, reporting, rules
from kennisschakel.monitor.models import Wave
from kennisschakel.monitor.report_cache import computed_report
from kennisschakel.monitor.report_pages import (
    benchmark_context,
    column_labels,
    local_text,
    own_invitation,
    report_context,
    trend_context,
)


def _wave(slug: str) -> Wave:
    return get_object_or_404(Wave.objects.select_related("instrument", "size_scheme"), slug=slug)


# --------------------------------------------------------------------------- the report


def _readable_wave(request, slug) -> Wave:
    wave = _wave(slug)
    if wave.status != Wave.Status.CLOSED and not rules.may_run_waves(request.user):
        raise PermissionDenied(_("The results are published when the wave has closed."))
    return wave


def wave_report(request, slug):
    """The analyst report; ``?format=json`` for the tables. The PDF: ``wave_report_pdf``."""
    wave = _readable_wave(request, slug)
    export = request.GET.get("format")
    if export == "json":
        response = JsonResponse(
            reporting.report_json(wave, tables=computed_report(wave).tables),
            json_dumps_params={"indent": 1},
        )
        response["Content-Disposition"] = f'attachment; filename="monitor-{wave.slug}.json"'
        return response
    if export == "pdf":  # old links: the PDF is asked for with the page's button now
        return redirect(reverse("monitor:wave-report", args=[wave.slug]) + "#pdf")
    context = report_context(wave, chart_format="url")
    context.update(layout="base.html", pdf=False)
    return render(request, "monitor/report.html", context)


@require_POST
def wave_report_pdf(request, slug):
    """Ask for the report as a PDF: made in the background, shared by all who may read it."""
    from kennisschakel.files.jobs import request_file

    wave = _readable_wave(request, slug)
    job, _created = request_file(
        request, "monitor-report", {"wave": wave.slug, "title": wave.title}
    )
    return redirect(job)


def wave_chart(request, slug, table_id):
    """One table's chart as an SVG image (matplotlib; cached per process by content)."""
    wave = _wave(slug)
    if wave.status != Wave.Status.CLOSED and not rules.may_run_waves(request.user):
        raise PermissionDenied(_("The results are published when the wave has closed."))
    computed = computed_report(wave)
    groups = computed.groups
    table = next((t for t in computed.tables if t.id == table_id), None)
    if table is None or table.kind == "text_count" or not charts.has_chart(table):
        raise Http404(_("This wave has no chart '%(id)s'.") % {"id": table_id})
    labels = column_labels(groups)
    svg = charts.table_chart_svg(
        table,
        labels,
        wave.min_cell,
        title=local_text(table, "title"),
        row_labels={row.code: local_text(row, "label") for row in table.rows},
        note=_("fewer than {n} respondents"),
        language=current_language(),
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=600"
    return response


# --------------------------------------------------------------------------- where do we stand


def _where_we_stand(request, slug, pdf: bool):
    wave = _wave(slug)
    invitation = own_invitation(request, wave)
    if invitation is None:
        raise PermissionDenied(_("Only the invited municipality itself can see where it stands."))
    if wave.status != Wave.Status.CLOSED:
        return render(
            request,
            "monitor/where_we_stand.html",
            {"wave": wave, "invitation": invitation, "not_yet": True},
        )
    if pdf:
        from kennisschakel.files.jobs import request_file

        job, _created = request_file(
            request,
            "monitor-where-we-stand",
            {"wave": wave.slug, "invitation": invitation.pk, "name": invitation.name,
             "cbs_code": invitation.cbs_code},
        )  # fmt: skip
        return redirect(job)
    context = benchmark_context(invitation)
    context["trends"] = trend_context(invitation, context["size_class_label"])
    return render(request, "monitor/where_we_stand.html", context)


def where_we_stand(request, slug):
    """One municipality's own answers beside its size class, the country and the
    printed figures: for that municipality only, once the wave has closed."""
    return _where_we_stand(request, slug, pdf=False)


@require_POST
def where_we_stand_pdf(request, slug):
    """Ask for "where do we stand" as a PDF: a background job for this visitor only."""
    return _where_we_stand(request, slug, pdf=True)
