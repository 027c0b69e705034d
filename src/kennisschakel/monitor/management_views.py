"""Pages for running a wave: create it, print letters with codes, remind, follow the response.

Only facilitators run waves (``rules.may_run_waves``); everyone sees which waves exist.
"""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kennisschakel.monitor import rules, services
from kennisschakel.monitor.forms import StatusForm, WaveForm
from kennisschakel.monitor.models import Wave
from kennisschakel.register.models import SizeClass


def _require_runner(request) -> None:
    if not rules.may_run_waves(request.user):
        raise PermissionDenied(_("Only facilitators run survey waves."))


def wave_list(request):
    waves = Wave.objects.select_related("instrument").annotate(
        invited=Count("invitations"),
        submitted=Count("invitations", filter=Q(invitations__submitted_at__isnull=False)),
    )
    return render(
        request,
        "monitor/wave_list.html",
        {"waves": waves, "may_run": rules.may_run_waves(request.user)},
    )


@login_required
def wave_create(request):
    _require_runner(request)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.create_wave(
                {name: form.cleaned_data[name] for name in WaveForm.Meta.fields}, request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The wave has been created with %(count)s invited municipalities.")
                % {"count": wave.invitations.count()},
            )
            return redirect(wave.get_absolute_url())
    return render(
        request,
        "monitor/wave_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def response_monitor(wave: Wave) -> dict:
    """Invited, started and submitted per size class and per province (two queries)."""

    def rows(field):
        counted = (
            wave.invitations.values(field)
            .annotate(
                invited=Count("id"),
                started=Count("id", filter=Q(started_at__isnull=False)),
                submitted=Count("id", filter=Q(submitted_at__isnull=False)),
            )
            .order_by(field)
        )
        result = []
        for row in counted:
            row["percent"] = round(100 * row["submitted"] / row["invited"]) if row["invited"] else 0
            result.append(row)
        return result

    labels = {c.slug: c.label for c in SizeClass.objects.filter(scheme=wave.size_scheme)}
    order = list(SizeClass.objects.filter(scheme=wave.size_scheme).values_list("slug", flat=True))
    by_class = sorted(
        rows("size_class"),
        key=lambda r: order.index(r["size_class"]) if r["size_class"] in order else len(order),
    )
    for row in by_class:
        row["label"] = labels.get(row["size_class"]) or _("unknown (no longer exists)")
    totals = defaultdict(int)
    for row in by_class:
        for key in ("invited", "started", "submitted"):
            totals[key] += row[key]
    totals["percent"] = (
        round(100 * totals["submitted"] / totals["invited"]) if totals["invited"] else 0
    )
    return {"by_class": by_class, "by_province": rows("province"), "totals": dict(totals)}


def wave_detail(request, slug):
    wave = get_object_or_404(Wave.objects.select_related("instrument", "size_scheme"), slug=slug)
    may_run = rules.may_run_waves(request.user)
    from kennisschakel.monitor.report_views import own_invitation

    # Offer only what works for this visitor: "where do we stand" to the municipality
    # itself (never to a facilitator, who would get 403), the code page while a code
    # can still do something.
    context = {
        "wave": wave,
        "may_run": may_run,
        "phase": services.code_phase(wave),
        "own_results": wave.status == Wave.Status.CLOSED
        and own_invitation(request, wave) is not None,
    }
    if may_run:
        context.update(
            monitor=response_monitor(wave),
            status_form=StatusForm(initial={"status": wave.status}),
            not_finished=wave.invitations.filter(submitted_at__isnull=True)
            .exclude(email="")
            .count(),
        )
    return render(request, "monitor/wave_detail.html", context)


@login_required
@require_POST
def wave_letters(request, slug):
    """New letter codes for everyone who has not submitted: one PDF page each, and emails.
    Made in the background (monitor/pdfs.py); the facilitator goes to the job's page."""
    from kennisschakel.files.jobs import request_file

    _require_runner(request)
    wave = get_object_or_404(Wave, slug=slug)
    job, _created = request_file(
        request, "monitor-letters", {"wave": wave.slug, "title": wave.title}
    )
    return redirect(job)


@login_required
@require_POST
def wave_reminders(request, slug):
    _require_runner(request)
    wave = get_object_or_404(Wave, slug=slug)
    try:
        count = services.send_reminders(wave)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(count)s reminders are ready to be sent.") % {"count": count})
    return redirect(wave.get_absolute_url())


@login_required
@require_POST
def wave_status(request, slug):
    _require_runner(request)
    wave = get_object_or_404(Wave, slug=slug)
    form = StatusForm(request.POST)
    if form.is_valid():
        wave.status = form.cleaned_data["status"]
        wave.save(update_fields=["status"])
        messages.success(
            request, _("The wave is now: %(status)s.") % {"status": wave.get_status_display()}
        )
    return redirect(wave.get_absolute_url())


@login_required
def wave_import(request, slug):
    """Upload a response CSV: all rows or none, with every problem named by row and column."""
    from kennisschakel.monitor.imports import ImportRejected, import_responses

    _require_runner(request)
    wave = get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)
    problems = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            problems = [(None, None, _("Choose a CSV file."))]
        else:
            try:
                # The upload itself: import_responses checks its size before reading it.
                result = import_responses(wave, upload)
            except UnicodeDecodeError:
                problems = [(None, None, _("The file is not UTF-8 text."))]
            except ImportRejected as rejected:
                problems = rejected.errors
            else:
                messages.success(
                    request, _("%(count)s responses imported.") % {"count": result.imported}
                )
                return redirect(wave.get_absolute_url())
    return render(
        request,
        "monitor/wave_import.html",
        {"wave": wave, "problems": problems},
        status=400 if problems else 200,
    )


@login_required
def wave_export(request, slug, fmt):
    """Raw responses, for analysts only: never shown on a page, never through the API."""
    from kennisschakel.monitor.imports import export_csv, export_xlsx

    if not rules.may_export_raw(request.user):
        raise PermissionDenied(_("Only analysts may export raw responses."))
    wave = get_object_or_404(Wave.objects.select_related("instrument"), slug=slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Exports are CSV or XLSX."))
    if fmt == "xlsx":
        response = HttpResponse(
            export_xlsx(wave),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(export_csv(wave), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="antwoorden-{wave.slug}.{fmt}"'
    return response
